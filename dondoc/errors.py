"""Expected, user-facing errors, by kind: each face renders them its own way.

The CLI prints the message on one line and exits 2; the web API maps `kind` to an HTTP status
(`http_status`) and a problem+json body. A message says what is wrong, where, and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence


class DondocError(Exception):
    """Something the user can fix; the message says what is wrong, where, and what to do."""

    kind = "error"
    http_status = 400

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(DondocError):
    """A value given on the command line, in a form or a body is not acceptable."""

    kind = "invalid_input"
    http_status = 422


class InvalidSetting(InvalidInput):
    """An environment variable or configuration file cannot be used."""

    kind = "invalid_setting"
    http_status = 500


class InvalidFile(InvalidInput):
    """A file (directive, calendar, contacts) has problems; `problems` lists each with its place."""

    kind = "invalid_file"

    def __init__(self, message: str, problems: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class NotFound(DondocError):
    kind = "not_found"
    http_status = 404


class UnknownDirective(NotFound):
    kind = "unknown_directive"

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown directive: no directive with code '{code}' has been started")
        self.code = code


class UnknownItem(NotFound):
    kind = "unknown_item"

    def __init__(self, code: str, number: str, detail: str | None = None) -> None:
        super().__init__(detail or f"directive '{code}' has no item '{number}'")
        self.code, self.number = code, number


class AlreadyStarted(DondocError):
    kind = "already_started"
    http_status = 409

    def __init__(self, code: str, workflow_id: str) -> None:
        super().__init__(f"directive '{code}' was already started ({workflow_id})")
        self.code = code


class ActionRejected(DondocError):
    """A business rule refused the action; `reason` is the validator's own words."""

    kind = "action_rejected"
    http_status = 409

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what} rejected: {reason}")
        self.what, self.reason = what, reason


class ItemClosed(ActionRejected):
    """The item's workflow has finished: it takes no more actions."""

    kind = "item_closed"


class Forbidden(DondocError):
    kind = "forbidden"
    http_status = 403


class Unavailable(DondocError):
    """A dependency (Temporal, the database, the worker) cannot serve the request now."""

    kind = "unavailable"
    http_status = 503


class ServerUnreachable(Unavailable):
    kind = "server_unreachable"


class DatabaseUnavailable(Unavailable):
    kind = "database_unavailable"


class NoWorker(Unavailable):
    kind = "no_worker"


class OutcomeUnknown(Unavailable):
    """The request was sent but no answer came: it may or may not have been applied."""

    kind = "outcome_unknown"
    http_status = 504
