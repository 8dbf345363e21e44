"""The item's lifecycle updates (QĐ 42/2014, amended by QĐ 23/2018): receipt, refusal,
extension, reassignment, recall, review and explanation. Thin: checks in item_rules, decisions
in item_steps, effects in item_effects. A base of `TaskItemWorkflow`."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from dondoc.schemas.actions import AssignmentChange
    from dondoc.schemas.lifecycle import (
        AckInput,
        ActionKind,
        ActionResult,
        ExplanationDecisionInput,
        ExplanationInput,
        ExplanationRequestInput,
        ExtensionDecisionInput,
        ExtensionRequestInput,
        ReassignInput,
        RecallInput,
        RefusalDecisionInput,
        RefuseInput,
        ReviewInput,
    )
    from dondoc.schemas.messages import ItemStatus
    from dondoc.workflows import item_rules as rules
    from dondoc.workflows import item_steps as steps
    from dondoc.workflows.item_effects import ItemEffects
    from dondoc.workflows.item_effects import reject as _reject


class LifecycleUpdates(ItemEffects):
    """Updates `acknowledge`, `refuse`, `decide_refusal`, `request_extension`,
    `decide_extension`, `reassign`, `recall`, `review`, `request_explanation`, `explain`,
    `decide_explanation`; each handler checks again what its validator checked."""

    # -- receipt and refusal ---------------------------------------------------------------------

    @workflow.update(name="acknowledge")
    async def acknowledge(self, inp: AckInput) -> ActionResult:
        _reject(rules.ack_problem(self.b, inp))
        received = steps.receive(self.b, inp.unit, self._now())
        if not received:
            return self._result(f"{inp.unit} đã tiếp nhận trước đó")
        await self._do(
            steps.Act(
                ActionKind.RECEIPT,
                inp.unit,
                unit=inp.unit,
                changes={"assignments": received},
                by=inp.by,
            )
        )
        return self._result(f"{inp.unit} đã tiếp nhận")

    @acknowledge.validator
    def _validate_ack(self, inp: AckInput) -> None:
        _reject(rules.ack_problem(self.b, inp))

    @workflow.update(name="refuse")
    async def refuse(self, inp: RefuseInput) -> ActionResult:
        _reject(rules.refuse_problem(self.b, inp))
        received = self._receipt_by_action(inp.unit)
        await self._do(steps.refuse(self.b, inp, self._now()), received)
        return self._result("đã gửi cấp ủy quyết định")

    @refuse.validator
    def _validate_refuse(self, inp: RefuseInput) -> None:
        _reject(rules.refuse_problem(self.b, inp))

    @workflow.update(name="decide_refusal")
    async def decide_refusal(self, inp: RefusalDecisionInput) -> ActionResult:
        _reject(rules.refusal_decision_problem(self.b, inp))
        if inp.decision == "overrule":
            await self._do(steps.overrule_refusal(self.b, inp))
            return self._result(f"giữ nguyên phân công cho {inp.unit}")
        await self._do(steps.reassign(self.b, steps.refusal_reassignment(self.b, inp)))
        return self._result(f"giao lại cho {inp.new_unit}")

    @decide_refusal.validator
    def _validate_decide_refusal(self, inp: RefusalDecisionInput) -> None:
        _reject(rules.refusal_decision_problem(self.b, inp))

    # -- extension -------------------------------------------------------------------------------

    @workflow.update(name="request_extension")
    async def request_extension(self, inp: ExtensionRequestInput) -> ActionResult:
        _reject(rules.extension_request_problem(self.b, inp, self._now()))
        received = self._receipt_by_action(inp.unit)
        await self._do(steps.request_extension(self.b, inp, self._now()), received)
        return self._result("đã gửi đề nghị gia hạn")

    @request_extension.validator
    def _validate_request_extension(self, inp: ExtensionRequestInput) -> None:
        _reject(rules.extension_request_problem(self.b, inp, self._now()))

    @workflow.update(name="decide_extension")
    async def decide_extension(self, inp: ExtensionDecisionInput) -> ActionResult:
        _reject(rules.extension_decision_problem(self.b, inp, self._now()))
        request = self.b.pending_extension
        assert request is not None
        self.b.pending_extension = None
        if not inp.approve:
            await self._do(
                steps.Act(
                    ActionKind.EXTENSION_REJECTED,
                    inp.actor,
                    reason=inp.reason,
                    notify=[request.unit],
                    by=inp.by,
                )
            )
            return self._result("không đồng ý gia hạn")
        self.b.extensions_used += 1
        due = inp.new_due or request.new_due
        await self._new_deadline(
            ActionKind.EXTENSION_APPROVED, inp.actor, due, inp.reason, by=inp.by
        )
        return self._result(f"gia hạn đến {due.isoformat()}")

    @decide_extension.validator
    def _validate_decide_extension(self, inp: ExtensionDecisionInput) -> None:
        _reject(rules.extension_decision_problem(self.b, inp, self._now()))

    # -- reassignment, recall, review ------------------------------------------------------------

    @workflow.update(name="reassign")
    async def reassign(self, inp: ReassignInput) -> ActionResult:
        _reject(rules.reassign_problem(self.b, inp))
        await self._do(steps.reassign(self.b, inp))
        return self._result("đã điều chỉnh phân công")

    @reassign.validator
    def _validate_reassign(self, inp: ReassignInput) -> None:
        _reject(rules.reassign_problem(self.b, inp))

    @workflow.update(name="recall")
    async def recall(self, inp: RecallInput) -> ActionResult:
        _reject(rules.recall_problem(self.b, inp))
        await self._recall(inp)
        return self._result("đã thu hồi nhiệm vụ")

    @recall.validator
    def _validate_recall(self, inp: RecallInput) -> None:
        _reject(rules.recall_problem(self.b, inp))

    @workflow.update(name="review")
    async def review(self, inp: ReviewInput) -> ActionResult:
        _reject(rules.review_problem(self.b, inp, self._now()))
        b = self.b
        leads = [u.code for u in b.leads()]
        assert b.submitted_at is not None
        if inp.accepted:
            on_time = b.submitted_at <= b.spec.due
            b.completed_at = b.submitted_at
            b.status = ItemStatus.COMPLETED_ON_TIME if on_time else ItemStatus.COMPLETED_LATE
            act = steps.Act(
                ActionKind.REVIEW_ACCEPTED, inp.actor, reason=inp.reason, notify=leads, by=inp.by
            )
            await self._do(act)
            return self._result("đánh giá đạt")
        assert inp.new_due is not None
        for code in leads:
            b.set_unit(code, done=False)
        b.status, b.submitted_at = ItemStatus.IN_PROGRESS, None
        reopen = [AssignmentChange(unit=c, reopen=True) for c in leads]
        await self._new_deadline(
            ActionKind.REVIEW_RETURNED,
            inp.actor,
            inp.new_due,
            inp.reason,
            assignments=reopen,
            by=inp.by,
        )
        return self._result("đánh giá chưa đạt; làm lại")

    @review.validator
    def _validate_review(self, inp: ReviewInput) -> None:
        _reject(rules.review_problem(self.b, inp, self._now()))

    # -- explanation -----------------------------------------------------------------------------

    @workflow.update(name="request_explanation")
    async def request_explanation(self, inp: ExplanationRequestInput) -> ActionResult:
        _reject(rules.explanation_request_problem(self.b, inp, self._now()))
        act = steps.request_explanation(self.b, inp, self._now())
        self._wake = True
        await self._do(act)
        return self._result("đã yêu cầu giải trình")

    @request_explanation.validator
    def _validate_request_explanation(self, inp: ExplanationRequestInput) -> None:
        _reject(rules.explanation_request_problem(self.b, inp, self._now()))

    @workflow.update(name="explain")
    async def explain(self, inp: ExplanationInput) -> ActionResult:
        _reject(rules.explanation_problem(self.b, inp))
        received = self._receipt_by_action(inp.unit)
        await self._do(steps.explain(self.b, inp), received)
        return self._result("đã gửi giải trình")

    @explain.validator
    def _validate_explain(self, inp: ExplanationInput) -> None:
        _reject(rules.explanation_problem(self.b, inp))

    @workflow.update(name="decide_explanation")
    async def decide_explanation(self, inp: ExplanationDecisionInput) -> ActionResult:
        _reject(rules.explanation_decision_problem(self.b, inp, self._now()))
        b = self.b
        assert b.explanation is not None
        b.explanation = b.explanation.model_copy(update={"decision": inp.decision})
        await self._do(
            steps.Act(
                ActionKind.EXPLANATION_DECIDED,
                inp.actor,
                reason=inp.reason,
                data={"decision": inp.decision},
                notify=[u.code for u in b.leads()],
                by=inp.by,
            )
        )
        if inp.decision == "extend":
            assert inp.new_due is not None
            b.extensions_used += 1
            await self._new_deadline(
                ActionKind.EXTENSION_APPROVED, inp.actor, inp.new_due, inp.reason, by=inp.by
            )
        elif inp.decision == "reassign":
            reason = inp.reason or "sau giải trình"
            change = ReassignInput(actor=inp.actor, lead=inp.lead, reason=reason, by=inp.by)
            await self._do(steps.reassign(b, change))
        elif inp.decision == "recall":
            reason = inp.reason or "sau giải trình"
            await self._recall(RecallInput(actor=inp.actor, reason=reason, by=inp.by))
        return self._result(f"kết luận: {inp.decision}")

    @decide_explanation.validator
    def _validate_decide_explanation(self, inp: ExplanationDecisionInput) -> None:
        _reject(rules.explanation_decision_problem(self.b, inp, self._now()))
