"""Inputs as they arrive: web pages, .docx files, pastes in UTF-8 or a legacy encoding."""

from __future__ import annotations

import html
import io
import unicodedata
from pathlib import Path

import docx
import pytest

from dondoc.importer.text import ImportTextError, import_text
from dondoc.importer.text_extract import _TCVN3_TABLE, decode, extract_lines

SEED = Path(__file__).parent / "texts" / "hoai-tan-dan-van-kheo-2024.txt"
UNITS = Path(__file__).parents[2] / "examples" / "units-hoai-tan.yaml"
SAMPLE = "Ủy ban nhân dân phường yêu cầu các đơn vị thực hiện tốt công tác phối hợp của tổ chức."


def tcvn3(text: str) -> bytes:
    reverse = {v: k for k, v in _TCVN3_TABLE.items()}
    return bytes(reverse.get(ch.lower(), ord(ch)) for ch in unicodedata.normalize("NFC", text))


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters with combining tone marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return out


def seed_items(source: bytes, **kw: str) -> list[str]:
    draft = import_text(source, filename=kw.get("filename"), fmt=kw.get("fmt", "auto"), units=UNITS)
    return [it.number for it in draft.items]


class TestEncodings:
    def test_utf8_with_a_byte_order_mark_and_decomposed_accents_is_nfc(self) -> None:
        nfd = unicodedata.normalize("NFD", SAMPLE)
        assert extract_lines(b"\xef\xbb\xbf" + nfd.encode(), filename=None, fmt="text") == [SAMPLE]

    def test_windows_1258_is_recognised(self) -> None:
        assert decode(cp1258(SAMPLE)) == SAMPLE

    def test_tcvn3_is_recognised_with_capitals_lowercased(self) -> None:
        assert decode(tcvn3(SAMPLE)) == SAMPLE.lower()

    def test_bytes_in_no_known_encoding_are_a_clear_error(self) -> None:
        with pytest.raises(ImportTextError, match="save it as UTF-8"):
            decode(bytes(range(128, 256)) * 4)

    def test_utf16_with_a_byte_order_mark_is_read(self) -> None:
        assert decode(SAMPLE.encode("utf-16")) == SAMPLE


class TestFormats:
    def test_a_web_page_gives_the_same_items_as_its_text(self) -> None:
        lines = SEED.read_text(encoding="utf-8").splitlines()
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        page = (
            "<!DOCTYPE html><html><head><title>x</title><script>var a='1. Sở';</script></head>"
            f"<body><nav>Trang chủ | Tin tức</nav><article>{body}</article>"
            "<footer>Bản quyền thuộc về UBND phường</footer></body></html>"
        )
        assert seed_items(page.encode(), filename="page.html") == seed_items(SEED.read_bytes())

    def test_a_docx_gives_the_same_items_as_its_text(self) -> None:
        document = docx.Document()
        for line in SEED.read_text(encoding="utf-8").splitlines():
            document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        assert seed_items(buffer.getvalue()) == seed_items(SEED.read_bytes())

    def test_a_docx_table_of_tasks_becomes_items_with_their_columns(self) -> None:
        document = docx.Document()
        document.add_paragraph("Số: 7/KH-UBND")
        document.add_paragraph("KẾ HOẠCH")
        document.add_paragraph("Về kiểm tra an toàn thực phẩm năm 2024")
        document.add_paragraph("Ủy ban nhân dân phường ban hành Kế hoạch như sau:")
        table = document.add_table(rows=2, cols=5)
        head = ["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]
        row = ["1", "Kiểm tra bếp ăn tập thể", "Trạm Y tế phường", "Công an phường", "Quý II/2024"]
        for cells, values in ((table.rows[0].cells, head), (table.rows[1].cells, row)):
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
        buffer = io.BytesIO()
        document.save(buffer)
        draft = import_text(buffer.getvalue(), filename="kh.docx", fmt="auto", units=None)
        (item,) = draft.items
        assert (draft.code, item.number, item.due and item.due.isoformat()) == (
            "7/KH-UBND",
            "1",
            "2024-06-30",
        )
        names = {u.code: u.name for u in draft.units}
        assert [names[c] for c in item.lead] == ["Trạm Y tế phường"]
        assert [names[c] for c in item.support] == ["Công an phường"]

    def test_auto_numbered_docx_paragraphs_keep_their_numbers(self) -> None:
        document = docx.Document()
        document.add_paragraph("Đảng ủy phường yêu cầu các chi bộ thực hiện các nội dung sau:")
        document.add_paragraph("Khối vận chủ trì tổng hợp ý kiến.", style="List Number")
        document.add_paragraph("Chi bộ khu phố 2 rà soát hồ sơ.", style="List Number")
        buffer = io.BytesIO()
        document.save(buffer)
        draft = import_text(buffer.getvalue(), filename="x.docx", fmt="auto", units=None)
        assert [it.number for it in draft.items] == ["1", "2"]

    def test_a_damaged_docx_is_a_clear_error(self) -> None:
        with pytest.raises(ImportTextError, match=r"\.docx"):
            import_text(b"PK\x03\x04broken", filename="x.docx", fmt="auto", units=None)

    @pytest.mark.parametrize(
        ("head", "message"), [(b"%PDF-1.7", "PDF"), (b"\xd0\xcf\x11\xe0\xa1\xb1", r"\.doc")]
    )
    def test_pdf_and_old_word_files_say_what_to_do(self, head: bytes, message: str) -> None:
        with pytest.raises(ImportTextError, match=message):
            import_text(head + b"\x00" * 50, filename=None, fmt="auto", units=None)

    def test_an_unknown_format_is_refused(self) -> None:
        with pytest.raises(ImportTextError, match="unknown format 'pdf'"):
            import_text(b"x", filename=None, fmt="pdf", units=None)
