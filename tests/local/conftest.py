"""The local faces run through the CLI too: the same fresh process for each test."""

from tests.cli.conftest import env, fresh_process, runner

__all__ = ["env", "fresh_process", "runner"]
