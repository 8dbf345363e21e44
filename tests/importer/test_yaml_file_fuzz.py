"""Fuzzed directive files through the loader (issue 14, suite item 5): wrong types, unknown codes,
1 MB strings, deep nesting, alias bombs, invalid UTF-8, duplicate keys, impossible dates.

What must hold for every input: no exception but DirectiveFileError, every problem placed (a
line, or a field for the few that concern the whole file), a message a terminal can print, under
2 s; and a file that loads gives a plan `dondoc start` can store and Temporal can carry.
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dondoc.importer.yaml_file import DirectiveFileError, parse_directive
from dondoc.schemas.directive import DirectivePlan
from tests.importer.directive_texts import VALID

LINES = VALID.splitlines()
KEYED = [i for i, row in enumerate(LINES) if ": " in row and not row.rstrip().endswith(":")]
TODAY = date(2024, 5, 6)
PAYLOAD_LIMIT = 2 * 2**20
WHOLE_FILE = ("expected a mapping", "the file has")  # problems of the file, not of a line

BIG_LIST = "[" + ", ".join(["UBND"] * 20_000) + "]"
LAUGHS = "".join(
    f"x{n}: &x{n} [{', '.join([f'*x{n - 1}' if n else 'lol'] * 9)}]\n" for n in range(9)
)


def nested(depth: int, open_: str, close: str) -> str:
    return open_ * depth + "1" + close * depth


scalars = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True).map(repr),
    st.sampled_from(["true", "no", "null", "~", "[]", "{}", "''", "-", "*nope", "!!int abc"]),
    st.sampled_from(["31/02/2024", "01/01/0001", "0001-01-01", "9999-12-31", "2024-13-01"]),
    st.sampled_from(["29/02/2023", "2101-01-01T00:00:00+07:00", "2024-05-19T17:00:00"]),
    st.sampled_from(["PT0.5S", "PT1.5S", "P99999999D", "P1000000D", "-P1D", "P0D", "PT1S"]),
    st.sampled_from(["{working_days: 0}", "{working_days: 99999}", "{days: -1}", "{days: 3650}"]),
    st.sampled_from(["UBND", "KHONG_CO", "DOAN_THE", "[UBND, UBND]", "[KHONG_CO]", "[{a: 1}]"]),
    st.text(max_size=40).map(json.dumps),  # \u0000, \ud800, control characters, any letters
    st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40),  # may break the YAML
    st.sampled_from(["a" * 1_000_000, '"' + "ư" * 1_000_000 + '"', "1" * 5000, BIG_LIST]),
    st.integers(min_value=30, max_value=3000).map(lambda n: nested(n, "[", "]")),
    st.integers(min_value=30, max_value=600).map(lambda n: nested(n, "{a: ", "}")),
    st.sampled_from(["&a [*a]", "*x8", "&z {b: *z}"]),
)


@st.composite
def replace_value(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = draw(st.sampled_from(KEYED))
    key = lines[i].split(": ", 1)[0] if i < len(lines) and ": " in lines[i] else "  - x"
    return [*lines[:i], f"{key}: {draw(scalars)}", *lines[i + 1 :]]


@st.composite
def insert_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    at = draw(st.integers(min_value=0, max_value=len(lines)))
    extra = draw(
        st.one_of(
            st.sampled_from(LINES),  # a key written twice (due:, code:, …)
            st.sampled_from([LAUGHS.rstrip("\n"), "note: *x8", "    support: *x8"]),
            st.sampled_from(["    due: 2024-06-30", 'code: "KHAC"', "  - {code: UBND, code: X}"]),
            st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=30),
        )
    )
    return [*lines[:at], extra, *lines[at:]]


edits = st.one_of(
    st.just(replace_value), st.just(insert_line), st.just(lambda lines: st.just(lines[:-3]))
)


@st.composite
def directive_files(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for edit in draw(st.lists(edits, min_size=1, max_size=3)):
        lines = draw(edit(lines))
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    if draw(st.integers(min_value=0, max_value=7)) == 0:  # bytes that are not UTF-8, a NUL
        at = draw(st.integers(min_value=0, max_value=len(data)))
        junk = draw(st.one_of(st.binary(min_size=1, max_size=4), st.just(b"\x00")))
        data = data[:at] + junk + data[at:]
    return data


@settings(
    max_examples=200,
    deadline=None,  # wall time varies with the machine's load; CPU time is checked below
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(directive_files())
def test_any_file_loads_or_is_refused_with_every_problem_placed(data: bytes) -> None:
    """No traceback, only DirectiveFileError; each problem placed and printable; a loaded file
    gives a plan that stores and fits in Temporal payloads."""
    started = time.process_time()
    try:
        plan = parse_directive(data, "fuzz.yaml", today=TODAY)
    except DirectiveFileError as exc:
        refused = exc
    else:
        assert time.process_time() - started < 2.0
        event("loaded")
        assert_startable(plan)
        return
    assert time.process_time() - started < 2.0
    for kind in sorted({" ".join(p.message.split()[:3]) for p in refused.problems})[:5]:
        event(kind)
    assert refused.problems
    for p in refused.problems:
        assert p.line is not None or p.message.startswith(WHOLE_FILE), p
    rendered = refused.render()
    assert all(row.isprintable() for row in rendered.splitlines())
    assert len(rendered) < 400 * (len(refused.problems) + 1)


def assert_startable(plan: DirectivePlan) -> None:
    """What broke `dondoc start` after the loader let it through: NUL, sizes, timers, years."""
    assert "\\u0000" not in plan.model_dump_json()
    for item in plan.items:
        spec = plan.spec(item)
        assert len(spec.model_dump_json()) < PAYLOAD_LIMIT
        assert spec.escalate_every >= timedelta(seconds=1)
        assert spec.escalate_every.microseconds == 0
        assert 2000 <= spec.due.year <= 2101  # 31/12/2100 local may be 2101 in UTC
