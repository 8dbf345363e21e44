"""The lifecycle actions as the web takes them: each update's input model without the fields
the server fills from the caller (`unit` or `actor`, and `by`), dates as people type them."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field, StringConstraints, create_model

from dondoc.db.session import SessionFactory
from dondoc.schemas import Frozen
from dondoc.schemas.accounts import Account
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
from dondoc.starter import deadline_instant
from dondoc.web.auth.policy import Op

# A deadline as typed: dd/mm/yyyy (the end of that day in the directive's zone) or ISO 8601
# with an offset.
DateText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


@dataclass(frozen=True)
class Action:
    op: Op
    input: type[BaseModel]
    caller_is: Literal["unit", "actor"]  # the input field the caller's unit fills
    body: type[BaseModel]
    dates: tuple[str, ...]  # fields typed as DateText in the body

    def build(self, sessions: SessionFactory, code: str, who: Account, body: BaseModel) -> Any:
        """The update's input: the body, dates resolved, the caller's unit and username."""
        values = body.model_dump(exclude_none=True)
        for name in self.dates:
            if name in values:
                values[name] = deadline_instant(sessions, code, values[name])
        values[self.caller_is] = who.unit
        return self.input.model_validate({**values, "by": who.username})


def _is_datetime(annotation: Any) -> bool:
    if annotation is datetime:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return datetime in get_args(annotation)
    return False


def _action(op: Op, model: type[BaseModel], caller_is: Literal["unit", "actor"]) -> Action:
    fields: dict[str, Any] = {}
    dates = []
    for name, info in model.model_fields.items():
        if name in (caller_is, "by"):
            continue
        if _is_datetime(info.annotation):
            dates.append(name)
            optional = not info.is_required()
            annotation: Any = DateText | None if optional else DateText
            fields[name] = (annotation, Field(default=None) if optional else Field())
        else:
            fields[name] = (info.rebuild_annotation(), info)
    body = create_model(f"{model.__name__.removesuffix('Input')}Body", __base__=Frozen, **fields)
    return Action(op, model, caller_is, body, tuple(dates))


ACTIONS: dict[Op, Action] = {
    a.op: a
    for a in (
        _action(Op.ACK, AckInput, "unit"),
        _action(Op.REFUSE, RefuseInput, "unit"),
        _action(Op.REQUEST_EXTENSION, ExtensionRequestInput, "unit"),
        _action(Op.EXPLAIN, ExplanationInput, "unit"),
        _action(Op.DECIDE_EXTENSION, ExtensionDecisionInput, "actor"),
        _action(Op.DECIDE_REFUSAL, RefusalDecisionInput, "actor"),
        _action(Op.REASSIGN, ReassignInput, "actor"),
        _action(Op.RECALL, RecallInput, "actor"),
        _action(Op.REVIEW, ReviewInput, "actor"),
        _action(Op.REQUEST_EXPLANATION, ExplanationRequestInput, "actor"),
        _action(Op.DECIDE_EXPLANATION, ExplanationDecisionInput, "actor"),
    )
}


@dataclass(frozen=True)
class Widget:
    name: str
    kind: Literal["text", "textarea", "bool", "choice", "list", "date"]
    required: bool
    choices: tuple[str, ...] = ()


def widgets(action: Action) -> list[Widget]:
    """The form of an action, read off its body model."""
    found = []
    for name, info in action.body.model_fields.items():
        required = info.is_required()
        ann = info.annotation
        union = get_origin(ann) in (Union, types.UnionType)
        inner = next((a for a in get_args(ann) if a is not type(None)), ann) if union else ann
        if name in action.dates:
            found.append(Widget(name, "date", required))
        elif inner is bool:
            found.append(Widget(name, "bool", required))
        elif get_origin(inner) is Literal:
            found.append(Widget(name, "choice", required, tuple(get_args(inner))))
        elif get_origin(inner) is list:
            found.append(Widget(name, "list", required))
        elif name in ("reason", "text"):
            found.append(Widget(name, "textarea", required))
        else:
            found.append(Widget(name, "text", required))
    return found


def from_form(action: Action, form: typing.Mapping[str, str]) -> BaseModel:
    """The body model from a plain form: empty means absent, lists are comma-separated."""
    values: dict[str, Any] = {}
    for w in widgets(action):
        raw = (form.get(w.name) or "").strip()
        if not raw:
            continue
        if w.kind == "bool":
            values[w.name] = raw in ("1", "true", "on", "yes")
        elif w.kind == "list":
            values[w.name] = [p.strip() for p in raw.split(",") if p.strip()]
        else:
            values[w.name] = raw
    return action.body.model_validate(values)


def is_action_input(value: object) -> typing.TypeGuard[ActionInput]:
    return isinstance(value, tuple(a.input for a in ACTIONS.values()))
