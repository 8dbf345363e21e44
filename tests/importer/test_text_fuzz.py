"""500 damaged inputs: each gives a draft or an ImportTextError with a message, within 2 s."""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import docx
import pytest
import yaml

from dondoc.importer.text import Draft, ImportTextError, import_text, render_draft
from dondoc.importer.yaml_file import DirectiveFileError, parse_directive

TEXTS = Path(__file__).parent / "texts"
SOURCES = [p.read_bytes() for p in sorted(TEXTS.glob("*.txt"))]
UNITS = TEXTS.parent.parents[1] / "examples" / "units-hoai-tan.yaml"
LIMIT_S = 2.0


def _lines(rng: random.Random) -> list[bytes]:
    return rng.choice(SOURCES).split(b"\n")


def truncated(rng: random.Random) -> bytes:
    text = rng.choice(SOURCES)
    return text[: rng.randrange(len(text))]  # often in the middle of a UTF-8 sequence


def reordered(rng: random.Random) -> bytes:
    lines = _lines(rng) + _lines(rng)
    rng.shuffle(lines)
    return b"\n".join(lines[: rng.randrange(1, len(lines))])


def random_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(rng.randrange(0, 4000))


def flipped(rng: random.Random) -> bytes:
    data = bytearray(rng.choice(SOURCES))
    for _ in range(rng.randrange(1, 40)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def random_text(rng: random.Random) -> bytes:
    alphabet = "abcđêôơưăáàảãạ ĐỦY BAN 1. a) - + I. Điều 3: | \n ()/.,;01234567892024"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 3000))).encode()


def as_html(rng: random.Random) -> bytes:
    lines = [x.decode("utf-8", "replace") for x in _lines(rng)]
    tags = ["<p>", "</p>", "<div>", "<br>", "<td>", "<script>", "</script>", "<!--", "<", ">"]
    return "".join(rng.choice(tags) + line for line in lines).encode()


def as_docx(rng: random.Random) -> bytes:
    document = docx.Document()
    for line in _lines(rng)[: rng.randrange(1, 60)]:
        document.add_paragraph(line.decode("utf-8", "replace"))
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    return data if rng.random() < 0.5 else data[: rng.randrange(len(data))]


def cases() -> list[tuple[str, bytes, str | None]]:
    rng = random.Random(20240425)
    makers = [truncated, reordered, random_bytes, flipped, random_text, as_html]
    out: list[tuple[str, bytes, str | None]] = []
    for n in range(490):
        make = makers[n % len(makers)]
        out.append((f"{make.__name__}-{n}", make(rng), "x.html" if make is as_html else None))
    out += [(f"as_docx-{n}", as_docx(rng), None) for n in range(8)]
    big = (b"1. Khoi van chu tri. " * 300_000)[: 5 * 1024 * 1024]
    out += [("five-megabytes", big, None), ("empty", b"", None)]
    return out


CASES = cases()


def _check(source: bytes, filename: str | None) -> None:
    started = time.process_time()  # CPU time: other processes on the machine do not count
    message, problems = "", [1]
    try:
        draft: Draft | None = import_text(source, filename=filename, fmt="auto", units=UNITS)
    except ImportTextError as exc:
        message, draft = str(exc), None
    if draft is None:
        assert message  # the error says what is wrong
    else:
        text = render_draft(draft)
        assert isinstance(yaml.safe_load(text), dict)
        try:
            parse_directive(text, "fuzz")
        except DirectiveFileError as exc:
            problems = list(exc.problems)
        assert problems  # a loader error lists its problems; a clean load leaves [1]
    assert time.process_time() - started < LIMIT_S


class TestFuzz:
    def test_there_are_500_cases_of_every_kind(self) -> None:
        assert len(CASES) == 500

    @pytest.mark.parametrize(("name", "source", "filename"), CASES, ids=[c[0] for c in CASES])
    def test_a_damaged_input_gives_a_draft_or_a_clear_error(
        self, name: str, source: bytes, filename: str | None
    ) -> None:
        _check(source, filename)

    def test_five_megabytes_are_refused_with_the_size(self) -> None:
        with pytest.raises(ImportTextError, match=r"5\.2 MB"):
            import_text(b"a" * 5 * 1024 * 1024, filename=None, fmt="auto", units=None)
