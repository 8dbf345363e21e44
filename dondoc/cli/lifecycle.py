"""Lifecycle actions (QĐ 42/2014/QĐ-TTg): ack, refuse, extend, reassign, recall, review, explain.

Each one is an Update on the item workflow, sent through `starter.send_action`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from dondoc.cli.common import As, Code, Item, OptReason, Reason, out, settings
from dondoc.errors import InvalidInput
from dondoc.schemas.lifecycle import (
    AckInput,
    ActionInput,
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

if TYPE_CHECKING:
    from dondoc.db.session import SessionFactory

Build = Callable[["SessionFactory"], ActionInput]
app = typer.Typer()
extend_app = typer.Typer(help="Gia hạn: request, approve or reject a new deadline.")
review_app = typer.Typer(help="Đánh giá: accept (đạt) or return (chưa đạt) a submitted item.")
explain_app = typer.Typer(help="Giải trình: request, answer and decide on an explanation.")
app.add_typer(extend_app, name="extend")
app.add_typer(review_app, name="review")
app.add_typer(explain_app, name="explain")


def _act(code: str, item: str, build: Build) -> None:
    """Send one action; `build` gets the database (to read deadlines in the directive's zone)."""
    from dondoc.client import connect
    from dondoc.db.session import open_database
    from dondoc.starter import send_action

    found = settings()
    arg = build(open_database(found.database_url))

    async def go() -> None:
        out.action_result(item, await send_action(await connect(found), code, item, arg))

    asyncio.run(go())


def _due(code: str, text: str | None) -> Callable[[SessionFactory], datetime | None]:
    from dondoc.starter import deadline_instant

    return lambda sessions: deadline_instant(sessions, code, text) if text else None


@app.command()
def ack(code: Code, item: Item, unit: As) -> None:
    """Tiếp nhận: a unit acknowledges its assignment."""
    _act(code, item, lambda _: AckInput(unit=unit))


@app.command()
def refuse(code: Code, item: Item, unit: As, reason: Reason) -> None:
    """Từ chối: a unit declines its assignment; the committee then decides."""
    _act(code, item, lambda _: RefuseInput(unit=unit, reason=reason))


@app.command("decide-refusal")
def decide_refusal(
    code: Code,
    item: Item,
    actor: As,
    unit: Annotated[str, typer.Option(help="the unit that refused")],
    reassign_to: Annotated[str | None, typer.Option(help="give its role to this unit")] = None,
    reason: OptReason = None,
) -> None:
    """The committee overrules a refusal, or reassigns with --reassign-to."""
    decision = "reassign" if reassign_to else "overrule"
    _act(
        code,
        item,
        lambda _: RefusalDecisionInput(
            actor=actor, unit=unit, decision=decision, new_unit=reassign_to, reason=reason
        ),
    )


@extend_app.command("request")
def extend_request(
    code: Code,
    item: Item,
    unit: As,
    to: Annotated[str, typer.Option(help="the new deadline, dd/mm/yyyy")],
    reason: Reason,
) -> None:
    """A lead unit asks for a later deadline."""
    due = _due(code, to)
    _act(
        code,
        item,
        lambda s: ExtensionRequestInput(unit=unit, new_due=due(s), reason=reason),
    )


@extend_app.command("approve")
def extend_approve(
    code: Code,
    item: Item,
    actor: As,
    to: Annotated[str | None, typer.Option(help="another date than the one asked")] = None,
    reason: OptReason = None,
) -> None:
    """The committee approves the pending request (every timer is re-armed)."""
    due = _due(code, to)
    _act(
        code,
        item,
        lambda s: ExtensionDecisionInput(actor=actor, approve=True, new_due=due(s), reason=reason),
    )


@extend_app.command("reject")
def extend_reject(code: Code, item: Item, actor: As, reason: Reason) -> None:
    """The committee rejects the pending request."""
    _act(
        code,
        item,
        lambda _: ExtensionDecisionInput(actor=actor, approve=False, reason=reason),
    )


def _codes(text: str | None) -> list[str] | None:
    return None if text is None else [c.strip() for c in text.split(",") if c.strip()]


@app.command()
def reassign(
    code: Code,
    item: Item,
    actor: As,
    reason: Reason,
    lead: Annotated[str | None, typer.Option(help="new lead units, comma-separated")] = None,
    support: Annotated[str | None, typer.Option(help="new support units, comma-separated")] = None,
) -> None:
    """The committee changes the lead and/or support units."""
    _act(
        code,
        item,
        lambda _: ReassignInput(
            actor=actor, lead=_codes(lead), support=_codes(support), reason=reason
        ),
    )


@app.command()
def recall(code: Code, item: Item, actor: As, reason: Reason) -> None:
    """Thu hồi: the committee withdraws the item; it stops for good."""
    _act(code, item, lambda _: RecallInput(actor=actor, reason=reason))


@review_app.command("accept")
def review_accept(code: Code, item: Item, actor: As, reason: OptReason = None) -> None:
    """Đạt: on time or late is fixed by when the leads submitted, not by this review."""
    _act(code, item, lambda _: ReviewInput(actor=actor, accepted=True, reason=reason))


@review_app.command("return")
def review_return(
    code: Code,
    item: Item,
    actor: As,
    reason: Reason,
    due: Annotated[str, typer.Option(help="the new deadline for the rework, dd/mm/yyyy")],
) -> None:
    """Chưa đạt: back to the leads with a reason and a new deadline."""
    new_due = _due(code, due)
    _act(
        code,
        item,
        lambda s: ReviewInput(actor=actor, accepted=False, reason=reason, new_due=new_due(s)),
    )


@explain_app.command("request")
def explain_request(
    code: Code,
    item: Item,
    actor: As,
    due: Annotated[str, typer.Option(help="answer by, dd/mm/yyyy")],
    reason: OptReason = None,
) -> None:
    """The committee asks the leads of an overdue item to explain."""
    by = _due(code, due)
    _act(
        code,
        item,
        lambda s: ExplanationRequestInput(actor=actor, due=by(s), reason=reason),
    )


@explain_app.command("answer")
def explain_answer(
    code: Code, item: Item, unit: As, text: Annotated[str, typer.Option(help="the explanation")]
) -> None:
    """A lead unit explains."""
    _act(code, item, lambda _: ExplanationInput(unit=unit, text=text))


@explain_app.command("decide")
def explain_decide(
    code: Code,
    item: Item,
    actor: As,
    decision: Annotated[str, typer.Option(help="extend | reassign | recall | note")],
    due: Annotated[str | None, typer.Option(help="with extend: the new deadline")] = None,
    lead: Annotated[str | None, typer.Option(help="with reassign: new lead units")] = None,
    reason: OptReason = None,
) -> None:
    """The committee's decision after an explanation."""
    if decision not in ("extend", "reassign", "recall", "note"):
        raise InvalidInput("--decision must be one of extend, reassign, recall, note")
    new_due = _due(code, due)
    _act(
        code,
        item,
        lambda s: ExplanationDecisionInput(
            actor=actor, decision=decision, new_due=new_due(s), lead=_codes(lead), reason=reason
        ),
    )
