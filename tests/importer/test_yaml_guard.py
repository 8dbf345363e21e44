"""The guarded YAML reader: libyaml's parser and the pure-Python one give the same data and the
same refusals, so a PyYAML built without libyaml is as safe (only slower)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from dondoc.importer import yaml_guard
from dondoc.importer.yaml_guard import LOADER, PyLoader, Refused, compose

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dan-van-kheo-2024.yaml"
LOADERS = pytest.mark.parametrize("loader", [LOADER, PyLoader], ids=["libyaml", "python"])


@LOADERS
def test_example_reads_the_same_with_either_parser(loader: type) -> None:
    """The shipped example gives the same data through both parsers; dates stay text."""
    text = EXAMPLE.read_text(encoding="utf-8")
    expected = yaml.load(text, Loader=yaml.BaseLoader)["items"][0]["due"]
    _, data, duplicates = compose(text, loader)
    assert (expected, []) == (data["items"][0]["due"], duplicates)
    assert compose(text, PyLoader)[1] == data


@LOADERS
@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("a:\n" + "".join(f"{'  ' * n}- \n" for n in range(1, 40)), "nested deeper than 32", 33),
        ("a: &a [*a]\n", "refers to the value that contains it", 1),
        ("a: &a [x]\n" + "".join(f"b{n}: *a\n" for n in range(101)), "more than 100 aliases", 102),
        ("a: &a [" + ", ".join(["x"] * 6000) + "]\nb: *a\nc: *a\n", "repeat more than", 3),
    ],
)
def test_refusals_are_the_same_with_either_parser(
    loader: type, text: str, words: str, line: int
) -> None:
    """Deep nesting, an alias loop, too many aliases or repeated values: refused at a line."""
    with pytest.raises(Refused) as info:
        compose(text, loader)
    assert info.value.problem is not None
    assert words in info.value.problem
    assert info.value.problem_mark is not None
    assert line == info.value.problem_mark.line + 1


def test_too_many_values_are_refused_while_composing() -> None:
    """A 2 MB file of a million numbers took 7.6 s and 515 MiB to compose; 150,000 values is the
    limit (the map, its key and the list come first, so the refusal is at line 149,999: the
    composer stopped there, the other 50,000 values were never read). No clock: a CPU-time
    bound here failed on a loaded CI machine; the mark says where composing stopped."""
    text = "a:\n" + "".join(f"- {n}\n" for n in range(200_000))
    with pytest.raises(Refused) as info:
        compose(text)
    assert info.value.problem_mark is not None
    expected = ("more than 150,000 values: split the directive into several files", 149_999)
    assert expected == (info.value.problem, info.value.problem_mark.line + 1)


@LOADERS
def test_a_value_its_tag_cannot_read_is_a_yaml_error(loader: type) -> None:
    """`!!int abc` and `!!bool maybe` are YAML errors at their line, not a ValueError/KeyError."""
    for text in ("a: 1\nb: !!int abc\n", "a: 1\nb: !!bool maybe\n"):
        with pytest.raises(yaml.MarkedYAMLError) as info:
            compose(text, loader)
        assert info.value.problem_mark is not None
        expected = 1  # the second line, counted from 0
        assert expected == info.value.problem_mark.line


def test_duplicate_keys_in_nested_and_flow_mappings() -> None:
    """Each key written twice is named at its second line, with the path down to it."""
    text = "a: 1\nb:\n  - {c: 1, c: 2}\na: 3\n"
    _, _, duplicates = compose(text)
    expected = [(("b", 0, "c"), 3), (("a",), 4)]
    assert expected == [(p.loc, p.line) for p in duplicates]


def test_more_than_ten_bad_lines_are_summed_up() -> None:
    """Twelve lines with a NUL: ten named with their column, then one line for the rest."""
    _, problems = yaml_guard.decode("".join(f"k{n}: a\0\n" for n in range(12)))
    expected = [(n, 6) for n in range(1, 11)] + [(11, None)]
    assert expected == [(p.line, p.column) for p in problems]
    expected_message = "and more lines like these"
    assert expected_message == problems[-1].message


def test_a_megabyte_of_nul_bytes_is_refused_at_once() -> None:
    """A line of a million NULs is one problem, found in one search (not one per character)."""
    started = time.process_time()  # CPU time: other processes on the machine do not count
    _, problems = yaml_guard.decode(b"a: " + b"\0" * 1_000_000 + b"\nb: \0\n")
    assert time.process_time() - started < 0.5
    expected = [(1, 4), (2, 4)]
    assert expected == [(p.line, p.column) for p in problems]
