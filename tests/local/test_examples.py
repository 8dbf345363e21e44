"""The example files the README and the demo use name nothing of one machine."""

from __future__ import annotations

import re
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples"
# An absolute path: a slash after a space, quote or bracket, then two or more path segments.
MACHINE_PATH = re.compile(r"(?:^|[\s(\"'`])(/[\w.-]+){2,}")


class TestExamples:
    def test_no_example_names_a_path_of_one_machine(self) -> None:
        found = [
            f"{path.name}:{n}: {line.strip()}"
            for path in sorted(EXAMPLES.glob("*.yaml"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if MACHINE_PATH.search(line)
        ]
        assert found == []

    def test_the_seed_directive_names_its_source_by_file_name(self) -> None:
        head = (EXAMPLES / "dan-van-kheo-2024.yaml").read_text(encoding="utf-8")[:2000]
        assert "000_93a0bbff065317ac.txt in the project's shared seeds folder" in head
