"""Evidence files: content type sniffed from the bytes, stored once by SHA-256 under
DONDOC_EVIDENCE_DIR, listed on the item, served only to those who may read the item."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from dondoc.db.models import Directive, Evidence, Item
from dondoc.db.session import SessionFactory
from dondoc.db.upsert import insert_ignore
from dondoc.errors import DondocError, InvalidInput, NotFound

MAX_FILES = 10
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class FileTooLarge(DondocError):
    kind = "file_too_large"
    http_status = 413


class UnsupportedFile(InvalidInput):
    kind = "unsupported_file"
    http_status = 415


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type the bytes themselves show (never the name or the browser's claim)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"  # .doc, .xls
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        for prefix, kind in OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return kind
        return None
    if data and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain; charset=utf-8"
    return None


def check(uploads: list[Upload], max_bytes: int) -> list[str]:
    """Each file's content type, or the first reason to refuse them all (nothing is stored)."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput(f"at most {MAX_FILES} files with one report")
    kinds = []
    for up in uploads:
        if len(up.data) > max_bytes:
            raise FileTooLarge(
                f"{up.filename}: {len(up.data) / 1e6:.1f} MB is over the"
                f" {max_bytes / 1e6:.0f} MB limit for one file"
            )
        kind = sniff(up.data)
        if kind is None:
            raise UnsupportedFile(
                f"{up.filename}: not a PDF, image (PNG, JPEG), Office document or text file"
            )
        kinds.append(kind)
    return kinds


def store(folder: Path, data: bytes) -> str:
    """Write the bytes under their hash (once: the same file twice is one file); the hash."""
    sha = hashlib.sha256(data).hexdigest()
    path = folder / sha[:2] / sha
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return sha


def record(
    sessions: SessionFactory,
    code: str,
    number: str,
    report_id: str,
    files: list[tuple[Upload, str, str]],
    unit: str,
    by: str,
    at: datetime,
) -> None:
    """The files of one accepted report, listed on its item (a repeat of the report adds none)."""
    with sessions.begin() as s:
        item_id = s.scalar(
            select(Item.id).join(Directive).where(Directive.code == code, Item.number == number)
        )
        if item_id is None:
            raise NotFound(f"directive '{code}' has no item '{number}'")
        rows = [
            {
                "item_id": item_id,
                "report_id": report_id,
                "sha256": sha,
                "filename": _safe_name(up.filename),
                "content_type": kind,
                "size": len(up.data),
                "unit_code": unit,
                "by_user": by,
                "at": at,
            }
            for up, kind, sha in files
        ]
        if rows:
            insert_ignore(s, Evidence, rows)


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>')
    return cleaned[:200] or "tep"


@dataclass(frozen=True)
class StoredFile:
    code: str
    number: str
    path: Path
    filename: str
    content_type: str


def locate(sessions: SessionFactory, folder: Path, evidence_id: int) -> StoredFile:
    with sessions() as s:
        found = s.execute(
            select(Evidence, Item.number, Directive.code)
            .join(Item, Item.id == Evidence.item_id)
            .join(Directive, Directive.id == Item.directive_id)
            .where(Evidence.id == evidence_id)
        ).one_or_none()
    if found is None:
        raise NotFound(f"no evidence file {evidence_id}")
    e, number, code = found
    return StoredFile(code, number, folder / e.sha256[:2] / e.sha256, e.filename, e.content_type)
