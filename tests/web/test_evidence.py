"""Evidence files with a report: size limit, sniffed type, stored by hash, served only to those
who may read the item."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from dondoc.db.models import Evidence, Report
from tests.web.conftest import Web

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def send(web: Web, who: str, files: list[tuple[str, bytes, str]], number: str = "1"):  # type: ignore[no-untyped-def]
    return await web.http.post(
        web.item(number) + "/reports",
        data={"progress": "60", "note": "Có biên bản"},
        files=[("files", f) for f in files],
        headers=web.auth(who),
    )


class TestUpload:
    async def test_file_stored_by_hash_listed_and_served_to_readers(self, web: Web) -> None:
        got = await send(web, "unit", [("biên bản.pdf", PDF, "text/plain")])
        assert got.status_code == 200, got.text
        sha = hashlib.sha256(PDF).hexdigest()
        with web.sessions() as s:
            row = s.scalars(select(Evidence).where(Evidence.sha256 == sha)).one()
        stored = web.settings.web.evidence_dir / sha[:2] / sha
        assert (row.content_type, row.filename, row.by_user) == (
            "application/pdf",  # sniffed from the bytes, not the browser's claim
            "biên bản.pdf",
            web.users["unit"],
        )
        assert stored.read_bytes() == PDF
        mine = await web.http.get(f"/api/v1/evidence/{row.id}", headers=web.auth("unit"))
        viewer = await web.http.get(f"/api/v1/evidence/{row.id}", headers=web.auth("viewer"))
        other = await web.http.get(f"/api/v1/evidence/{row.id}", headers=web.auth("other"))
        assert (mine.status_code, mine.content, viewer.status_code) == (200, PDF, 200)
        assert mine.headers["content-type"] == "application/pdf"
        assert "attachment" in mine.headers["content-disposition"]
        assert other.status_code == 403  # UBND is not on item 1

    async def test_unknown_content_is_415_and_no_report_is_recorded(self, web: Web) -> None:
        before = _reports(web)
        got = await send(
            web, "unit", [("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")]
        )
        assert (got.status_code, got.json()["kind"]) == (415, "unsupported_file")
        assert _reports(web) == before

    async def test_file_over_the_limit_is_413(self, web: Web) -> None:
        big = b"%PDF-1.4\n" + b"0" * 1_000_001  # the test app allows 1 MB a file
        got = await send(web, "unit", [("big.pdf", big, "application/pdf")])
        assert (got.status_code, got.json()["kind"]) == (413, "file_too_large")

    async def test_the_same_file_twice_is_stored_once(self, web: Web) -> None:
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        await send(web, "unit", [("a.png", png, "image/png")])
        await send(web, "unit", [("b.png", png, "image/png")])
        sha = hashlib.sha256(png).hexdigest()
        assert [p.name for p in (web.settings.web.evidence_dir / sha[:2]).iterdir()] == [sha]


def _reports(web: Web) -> int:
    with web.sessions() as s:
        return len(s.scalars(select(Report.id)).all())
