"""A published directive's text (page, .docx or paste) -> a draft directive, each guess explained.

`import_text` reads and drafts, `render_draft` writes the draft as directive YAML; both raise
`ImportTextError` (a `DondocError`) for input they cannot use, never anything else.
"""

from __future__ import annotations

from pathlib import Path

from dondoc.importer.text_book import UnitBook
from dondoc.importer.text_build import Builder
from dondoc.importer.text_draft import render_draft
from dondoc.importer.text_extract import extract_lines
from dondoc.importer.text_model import Draft, ImportTextError
from dondoc.importer.text_structure import parse_body, split_header
from dondoc.importer.text_units import load_registry


def import_text(source: bytes, *, filename: str | None, fmt: str, units: Path | None) -> Draft:
    """Read a directive's published text and draft its directive file."""
    registry = load_registry(units) if units is not None else None
    lines = extract_lines(source, filename=filename, fmt=fmt)
    header, body = split_header(lines)
    if not body and not header.title:
        raise ImportTextError("the input has no text")
    return Builder(header, parse_body(body), UnitBook(registry), filename or "<stdin>").draft()


__all__ = ["Draft", "ImportTextError", "import_text", "render_draft"]
