"""The one authorization table: (role, operation) → on which items it is allowed.

Every page and API route asks `authorize` before it reads or acts; nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from dondoc.errors import Forbidden
from dondoc.schemas.accounts import Account, UserRole


class Op(StrEnum):
    READ = "read"  # a directive, an item, its evidence files
    LIST = "list"  # the supervisor lists across units
    START = "start"  # start a directive from its YAML
    REPORT = "report"
    ACK = "ack"
    REFUSE = "refuse"
    REQUEST_EXTENSION = "request_extension"
    EXPLAIN = "explain"
    DECIDE_EXTENSION = "decide_extension"
    DECIDE_REFUSAL = "decide_refusal"
    REASSIGN = "reassign"
    RECALL = "recall"
    REVIEW = "review"
    REQUEST_EXPLANATION = "request_explanation"
    DECIDE_EXPLANATION = "decide_explanation"


class Scope(StrEnum):
    ANY = "any"  # every directive and item
    ASSIGNED = "assigned"  # items (directives) where the user's unit is assigned now
    COMMITTEE = "committee"  # directives whose committee is the user's unit


UNIT_ACTS = (Op.REPORT, Op.ACK, Op.REFUSE, Op.REQUEST_EXTENSION, Op.EXPLAIN)
COMMITTEE_ACTS = (
    Op.DECIDE_EXTENSION,
    Op.DECIDE_REFUSAL,
    Op.REASSIGN,
    Op.RECALL,
    Op.REVIEW,
    Op.REQUEST_EXPLANATION,
    Op.DECIDE_EXPLANATION,
)

# What is not in the table is refused. A unit reads only what it is assigned; supervisors
# (committee, clerk, viewer) read everything; only the clerk starts directives.
RULES: dict[tuple[UserRole, Op], Scope] = {
    (UserRole.UNIT, Op.READ): Scope.ASSIGNED,
    (UserRole.UNIT, Op.LIST): Scope.ASSIGNED,  # its own unit's rows only (`unit=` its code)
    **{(UserRole.UNIT, op): Scope.ASSIGNED for op in UNIT_ACTS},
    (UserRole.COMMITTEE, Op.READ): Scope.ANY,
    (UserRole.COMMITTEE, Op.LIST): Scope.ANY,
    **{(UserRole.COMMITTEE, op): Scope.COMMITTEE for op in COMMITTEE_ACTS},
    (UserRole.CLERK, Op.READ): Scope.ANY,
    (UserRole.CLERK, Op.LIST): Scope.ANY,
    (UserRole.CLERK, Op.START): Scope.ANY,
    (UserRole.VIEWER, Op.READ): Scope.ANY,
    (UserRole.VIEWER, Op.LIST): Scope.ANY,
}


@dataclass(frozen=True)
class Target:
    """What a decision needs to know about the thing acted on (none: the whole site)."""

    committee: str | None = None
    units: frozenset[str] = field(default_factory=frozenset)  # actively assigned units


SITE = Target()


def scope_of(account: Account, op: Op) -> Scope | None:
    return None if account.disabled else RULES.get((account.role, op))


def allowed(account: Account, op: Op, target: Target = SITE) -> bool:
    scope = scope_of(account, op)
    if scope is None:
        return False
    if scope == Scope.ANY:
        return True
    if scope == Scope.ASSIGNED:
        return account.unit in target.units
    return target.committee is not None and account.unit == target.committee


def authorize(account: Account, op: Op, target: Target = SITE) -> None:
    """Raise `Forbidden` unless the table allows `op` on `target` for this account."""
    if not allowed(account, op, target):
        raise Forbidden(
            f"{account.username} ({account.role.value}, {account.unit}) may not {op.value} here"
        )
