"""Directive YAML texts and helpers shared by the loader tests."""

from __future__ import annotations

import textwrap

from dondoc.importer.yaml_file import DirectiveFileError, Problem, parse_directive

# One valid directive; the tests change one line of it at a time. Line numbers, for the asserts:
#   1 code, 3 committee, 4 units, 10 groups, 11 DOAN_THE, 12 items,
#   13 number, 14 title, 15 lead, 16 support, 17 due (item "1").
VALID = textwrap.dedent(
    """\
    code: "127-KH/ĐU"
    title: "Chỉ thị thử về công tác dân vận"
    committee: DANG_UY
    units:
      - {code: DANG_UY, name: "Đảng ủy phường"}
      - {code: UBND, name: "Ủy ban nhân dân phường"}
      - {code: MTTQ, name: "Ủy ban Mặt trận Tổ quốc Việt Nam phường"}
      - {code: DOAN_TN, name: "Đoàn Thanh niên"}
      - {code: HOI_PN, name: "Hội Phụ nữ"}
    groups:
      DOAN_THE: [DOAN_TN, HOI_PN]
    items:
      - number: "1"
        title: "Việc một"
        lead: [UBND]
        support: [MTTQ]
        due: 2024-05-19
    """
)


def edit(old: str, new: str, text: str = VALID) -> str:
    """`text` with its one occurrence of `old` replaced, so a test changes exactly what it names."""
    assert text.count(old) == 1, f"{old!r} must occur once in the fixture"
    return text.replace(old, new)


def problems_of(text: str, source: str = "d.yaml") -> list[Problem]:
    """The problems `parse_directive` reports for `text` (failing the test if it loads)."""
    try:
        parse_directive(text, source)
    except DirectiveFileError as exc:
        return exc.problems
    raise AssertionError("expected a DirectiveFileError, but the directive loaded")


def where(problems: list[Problem]) -> list[tuple[int | None, tuple[str | int, ...]]]:
    """Each problem's (line, location), the part a test can compare exactly."""
    return [(p.line, p.loc) for p in problems]
