"""The one settings object, the task queue name and the workflow-id scheme."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

TASK_QUEUE = "dondoc"
DEFAULT_STATE_DIR = Path(".dondoc")


class WebSettings(BaseSettings):
    """`dondoc web` (docs/web.md): DONDOC_WEB_HOST, DONDOC_WEB_PORT, … and DONDOC_EVIDENCE_DIR."""

    model_config = SettingsConfigDict(
        env_prefix="DONDOC_WEB_", extra="ignore", frozen=True, populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secure_cookies: bool = False  # set behind HTTPS: cookies are then sent over HTTPS only
    session_hours: float = Field(default=12.0, gt=0)  # a browser session, then sign in again
    api_session_minutes: float = Field(default=60.0, gt=0)  # tokens from POST /api/v1/session
    evidence_dir: Path = Field(
        default=DEFAULT_STATE_DIR / "evidence",
        validation_alias=AliasChoices("DONDOC_EVIDENCE_DIR", "DONDOC_WEB_EVIDENCE_DIR"),
    )
    evidence_max_mb: float = Field(default=20.0, gt=0)  # each file
    login_failures: int = Field(default=5, ge=1)  # per username and per address, then 429
    login_window_s: float = Field(default=60.0, gt=0)


class Settings(BaseSettings):
    """Environment-driven settings: `DONDOC_*`, plus Temporal's own `TEMPORAL_*` variables."""

    model_config = SettingsConfigDict(env_prefix="DONDOC_", extra="ignore", frozen=True)

    database_url: str = f"sqlite:///{DEFAULT_STATE_DIR / 'dondoc.sqlite'}"
    temporal_address: str = Field(
        default="localhost:7233",
        validation_alias=AliasChoices("TEMPORAL_ADDRESS", "DONDOC_TEMPORAL_ADDRESS"),
    )
    temporal_namespace: str = Field(
        default="default",
        validation_alias=AliasChoices("TEMPORAL_NAMESPACE", "DONDOC_TEMPORAL_NAMESPACE"),
    )
    task_queue: str = TASK_QUEUE
    # Worker sizing: cache every open item if memory allows (~65 KiB each), and never start more
    # local activities (database writes) than there are threads to run them.
    max_cached_workflows: int = Field(default=1000, ge=0)
    activity_threads: int = Field(default=16, ge=1)
    # Workflow tasks in hand at once. Each holds its slot while its local activity waits for a
    # thread; held too long (a burst on a busy core) the server times it out (10 s) and the work
    # is lost and redone. A few more than the threads keeps every thread fed.
    workflow_tasks: int = Field(default=24, ge=2)
    # Every this many seconds the worker hands freed heap pages back to the system (glibc keeps
    # them after a burst such as an escalation storm); 0 never.
    malloc_trim_s: float = Field(default=60.0, ge=0)
    # On SIGTERM/SIGINT the worker stops polling and gives running activities this long to
    # finish (then cancels them); keep it under the supervisor's kill timeout.
    shutdown_grace_s: float = Field(default=30.0, ge=0)
    # Prometheus metrics (the SDK's and dondoc's) on this port of every worker process (the
    # N processes of `--processes N` take port, port+1, …); unset: no metrics endpoint.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    calendar_file: Path | None = None  # the site's own days off / make-up working days (YAML)
    log_format: str = Field(default="auto", pattern="^(auto|json|console)$")
    log_level: str = "INFO"
    web: WebSettings = Field(default_factory=WebSettings)
    # Notifications (docs/notifications.md). Email is off until DONDOC_SMTP_HOST is set.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_ssl: bool = False  # implicit TLS (port 465); then no STARTTLS
    smtp_from: str = "dondoc@localhost"
    smtp_ca_file: Path | None = None  # trust this CA too (a private mail server's)
    smtp_timeout_s: float = Field(default=30.0, gt=0)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    web_url: str | None = None  # links to items in messages, e.g. https://dondoc.example.vn
    digest_at: str = Field(default="07:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    digest_timezone: str = "Asia/Ho_Chi_Minh"
    notify_deadline_h: float = Field(default=24.0, gt=0)  # then a message is `failed`
    notify_retry_s: float = Field(default=30.0, gt=0)  # first retry; doubles up to an hour
    notify_lease_s: float = Field(default=120.0, gt=0)  # a killed sender's rows come back then
    notify_senders: int = Field(default=8, ge=1)  # messages sent at once
    notify_heartbeat_s: float = Field(default=20.0, gt=0)  # a killed sender moves on after this


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def directive_workflow_id(code: str) -> str:
    """The directive workflow's id: derived from its code, so one code can only run once."""
    return f"dondoc/{code}"


def outbox_workflow_id(task_queue: str) -> str:
    """The one outbox delivery workflow per task queue."""
    return f"dondoc/outbox/{task_queue}"


def digest_workflow_id(task_queue: str) -> str:
    return f"dondoc/digest/{task_queue}"


def item_workflow_id(code: str, number: str) -> str:
    return f"dondoc/{code}/item/{number}"
