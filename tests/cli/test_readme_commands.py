"""Every command and option the README's tables show exists, with the same name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dondoc.cli import app

README = Path(__file__).parents[2] / "README.md"


def readme_commands() -> list[tuple[list[list[str]], set[str]]]:
    """(command paths, their options) for each `dondoc …` in the README's command tables; a
    span such as `review accept|return …` names two commands that share its options."""
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `dondoc "):
            continue
        for span in re.findall(r"`([^`]+)`", line.split(" | ")[0]):
            words = span.replace("\\|", "|").split()
            words = words[1:] if words[0] == "dondoc" else words
            path = []
            for w in words:
                if not re.fullmatch(r"[a-z][a-z-]*(\|[a-z-]+)*", w):
                    break
                path.append(w)
            options = set(re.findall(r"--[a-z][a-z-]*", span))
            *group, last = path
            found.append(([[*group, name] for name in last.split("|")], options))
    return found


COMMANDS = readme_commands()


def test_the_readme_lists_the_commands() -> None:
    assert sum(len(paths) for paths, _ in COMMANDS) >= 20


@pytest.mark.parametrize(("paths", "options"), COMMANDS, ids=[" ".join(p[0]) for p, _ in COMMANDS])
def test_each_readme_command_takes_its_options(
    runner: CliRunner, env: dict[str, str], paths: list[list[str]], options: set[str]
) -> None:
    helps = ""
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={**env, "COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        helps += result.stdout
    assert sorted(o for o in options if o not in helps) == []
