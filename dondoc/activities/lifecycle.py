"""Activities of the item lifecycle: record an action and its notifications; re-plan deadlines."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from dondoc.activities.common import find_item, message, unit_names
from dondoc.db import ledger
from dondoc.db.models import Action, Assignment, Directive, Item, Notification
from dondoc.db.session import SessionFactory
from dondoc.db.upsert import insert_ignore
from dondoc.deadlines.planner import Planner
from dondoc.deadlines.vn_calendar import NoWorkingDay, OutsideCalendar
from dondoc.labels import ITEM_STATUS_VN
from dondoc.notify.outbox import Message, Notifier
from dondoc.schemas.actions import PlanScheduleInput, RecordActionInput
from dondoc.schemas.dates import format_vn
from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.messages import Schedule
from dondoc.schemas.overrides import CalendarOverrides, combined
from dondoc.schemas.timing import Rules

ACTION_VN: dict[ActionKind, str] = {
    ActionKind.RECEIPT: "{unit} đã tiếp nhận nhiệm vụ",
    ActionKind.REFUSAL: "{unit} từ chối nhiệm vụ, lý do: {reason}; đề nghị cấp ủy quyết định",
    ActionKind.REFUSAL_OVERRULED: "cấp ủy giữ nguyên phân công cho {unit}",
    ActionKind.EXTENSION_REQUESTED: "{unit} đề nghị gia hạn đến {new_due}, lý do: {reason}",
    ActionKind.EXTENSION_APPROVED: "cấp ủy đồng ý gia hạn đến {new_due}",
    ActionKind.EXTENSION_REJECTED: "cấp ủy không đồng ý gia hạn, lý do: {reason}",
    ActionKind.REASSIGNED: "cấp ủy điều chỉnh phân công: {changes}",
    ActionKind.RECALLED: "cấp ủy thu hồi nhiệm vụ, lý do: {reason}",
    ActionKind.REVIEW_SUBMITTED: "đơn vị chủ trì báo cáo hoàn thành; chờ cấp ủy đánh giá",
    ActionKind.REVIEW_ACCEPTED: "cấp ủy đánh giá đạt",
    ActionKind.REVIEW_RETURNED: "cấp ủy đánh giá chưa đạt, lý do: {reason}; hạn mới {new_due}",
    ActionKind.EXPLANATION_REQUESTED: "cấp ủy yêu cầu giải trình việc chậm, hạn {due}",
    ActionKind.EXPLANATION_ANSWERED: "{unit} giải trình: {reason}",
    ActionKind.EXPLANATION_DECIDED: "cấp ủy kết luận sau giải trình: {decision}",
    ActionKind.EXPLANATION_OVERDUE: "quá hạn giải trình ({due}), chưa nhận đủ giải trình",
    ActionKind.RECEIPT_REMINDER: "nhắc tiếp nhận nhiệm vụ",
    ActionKind.RECEIPT_ESCALATION: "đơn vị chưa tiếp nhận nhiệm vụ: {units}",
    ActionKind.MILESTONE_REACHED: "đến mốc «{title}» ({due}) khi nhiệm vụ chưa hoàn thành; "
    "tiến độ: {progress}",
    ActionKind.PERIOD_CUTOFF: "chốt số liệu kỳ báo cáo {period}; tiến độ: {progress}",
    ActionKind.PERIOD_MISSED: "quá hạn nộp báo cáo kỳ {period} ({due}): {units}",
}


class LifecycleActivities:
    """Owns the session factory, the notifier and the site's calendar overrides (read once, when
    the worker is built); one transaction per activity call."""

    def __init__(
        self,
        sessions: SessionFactory,
        notifier: Notifier | None = None,
        site_calendar: CalendarOverrides | None = None,
    ) -> None:
        self.sessions = sessions
        self.notifier = notifier or Notifier()
        self.site_calendar = site_calendar

    @activity.defn(name="record_action")
    def record_action(self, inp: RecordActionInput) -> None:
        """Apply one action in one transaction; a repeat with the same key changes nothing."""
        with self.sessions.begin() as s:
            item, directive = find_item(s, inp.item)
            row = {
                "key": inp.key,
                "item_id": item.id,
                "kind": inp.kind.value,
                "actor": inp.actor,
                "unit_code": inp.unit,
                "reason": inp.reason,
                "data": inp.data,
                "at": inp.at,
                "by_user": inp.by,
            }
            if insert_ignore(s, Action, [row]):
                _apply(s, item, inp)
                ledger.action(s, item, inp)
            messages = self._messages(s, item, directive, inp)
            rows: list[Notification] = self.notifier.queue(s, messages, inp.at)
        self.notifier.deliver(rows)

    @activity.defn(name="plan_schedule")
    def plan_schedule(self, inp: PlanScheduleInput) -> Schedule:
        """Every instant that follows from a new deadline, by the item's own rules.

        A calendar that cannot be used is configuration, not a passing fault: retrying cannot
        fix it, so it fails at once and the update that moved the deadline answers with it.
        """
        with self.sessions() as s:
            item, directive = find_item(s, inp.item)
            rules = Rules.model_validate(item.rules or {})
            timezone, calendar = directive.timezone, directive.calendar
        try:
            own = CalendarOverrides.model_validate(calendar) if calendar else None
            planner = Planner(timezone, combined(self.site_calendar, own))
            return planner.schedule(inp.due, rules)
        except (NoWorkingDay, ValidationError) as exc:
            raise ApplicationError(
                f"cannot plan the deadline of item {inp.item.number} of "
                f"{inp.item.directive_code}: {' '.join(str(exc).split())}; check the site's "
                "calendar file (DONDOC_CALENDAR_FILE) and the directive's calendar",
                type="InvalidSetting",
                non_retryable=True,
            ) from None
        except OutsideCalendar as exc:  # a deadline past 2100: no retry makes it plannable
            raise ApplicationError(str(exc), type="InvalidInput", non_retryable=True) from None

    def _messages(
        self, s: Session, item: Item, directive: Directive, inp: RecordActionInput
    ) -> list[Message]:
        if not inp.notify:
            return []
        tz = ZoneInfo(directive.timezone)
        names = unit_names(s, directive)
        fields = {
            "unit": names.get(inp.unit or "", inp.unit or ""),
            "reason": inp.reason or "—",
            **{k: str(v) for k, v in inp.data.items()},
        }
        for k in ("new_due", "due"):
            if inp.data.get(k):
                fields[k] = format_vn(_parse(inp.data[k]), tz)
        what = ACTION_VN[inp.kind].format_map(_Defaults(fields))
        status = f" Trạng thái: {ITEM_STATUS_VN[inp.status]}." if inp.status else ""
        body = f"Nhiệm vụ {item.number} «{item.title}»: {what}.{status}"
        return [
            message(directive, item, unit, inp.kind.value, body, key=f"{inp.key}:{unit}")
            for unit in inp.notify
        ]


def _apply(s: Session, item: Item, inp: RecordActionInput) -> None:
    if inp.status is not None:
        item.status = inp.status.value
    if inp.completed_at is not None:
        item.completed_at = inp.completed_at
    if inp.schedule is not None:
        item.due = inp.schedule.due
        item.remind_at = inp.schedule.remind_at
        item.due_soon_at = inp.schedule.due_soon_at
        item.support_due = inp.schedule.support_due
        item.completed_at = None
    if inp.deadline_seq is not None:
        item.deadline_seq = inp.deadline_seq
    if inp.extensions_used is not None:
        item.extensions_used = inp.extensions_used
    current = {
        a.unit_code: a for a in s.scalars(select(Assignment).where(Assignment.item_id == item.id))
    }
    for change in inp.assignments:
        a = current.get(change.unit)
        if change.add_as is not None:
            if a is None:
                s.add(Assignment(item_id=item.id, unit_code=change.unit, role=change.add_as.value))
            else:
                a.role, a.active = change.add_as.value, True
                if change.refused is False:  # a kept unit's refusal is settled by the reassignment
                    a.refused_at = a.refusal_reason = None
            continue
        if a is None:
            continue
        if change.remove:
            a.active = False
        if change.received_at is not None:
            a.received_at = change.received_at
        if change.refused is True:
            a.refused_at, a.refusal_reason = inp.at, change.refusal_reason
        elif change.refused is False:
            a.refused_at = a.refusal_reason = None
        if change.reopen:
            a.done = False


def _parse(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"
