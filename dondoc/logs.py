"""structlog, set up once per entry point: JSON off a TTY, console on one; stdlib through it."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

_configured = False


def configure_logging(fmt: str = "auto", level: str = "INFO") -> None:
    global _configured
    if _configured:
        return
    _configured = True
    use_console = sys.stderr.isatty() if fmt == "auto" else fmt == "console"
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _temporal_extra,
    ]
    renderer: Any = (
        structlog.dev.ConsoleRenderer()
        if use_console
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    # No renderer above prints a record's call site, thread or process: let stdlib logging skip
    # finding them (the stack walk alone is a third of a log line's CPU; the logging HOWTO's
    # "Optimization"). Every line keeps the same keys.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The SDK's own chatter about workflow task retries is useful; its per-poll noise is not.
    logging.getLogger("temporalio").setLevel(max(logging.INFO, root.level))
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))


def _temporal_extra(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """Lift the ids that `workflow.logger`/`activity.logger` attach into top-level keys."""
    record = event.get("_record")
    if record is not None:
        for attr in ("temporal_workflow", "temporal_activity"):
            info = getattr(record, attr, None)
            if isinstance(info, dict):
                event.setdefault("workflow_id", info.get("workflow_id"))
        for key in ("directive", "item", "unit"):
            value = getattr(record, key, None)
            if value is not None:
                event.setdefault(key, value)
    return event
