"""The one settings object, the task queue name and the workflow-id scheme."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

TASK_QUEUE = "dondoc"
DEFAULT_STATE_DIR = Path(".dondoc")


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
    calendar_file: Path | None = None  # the site's own days off / make-up working days (YAML)
    log_format: str = Field(default="auto", pattern="^(auto|json|console)$")
    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def directive_workflow_id(code: str) -> str:
    """The directive workflow's id: derived from its code, so one code can only run once."""
    return f"dondoc/{code}"


def item_workflow_id(code: str, number: str) -> str:
    return f"dondoc/{code}/item/{number}"
