"""Bytes in, clean text lines out: encodings, HTML, .docx, and the page chrome of ward websites."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from html.parser import HTMLParser

from dondoc.importer.text_model import ImportTextError
from dondoc.importer.text_units import phrase_set

MAX_INPUT_BYTES = 1_000_000  # the longest real directive we have seen is ~60 kB of text
MAX_DOCX_BYTES = 20_000_000
FORMATS = ("auto", "text", "html", "docx")

# TCVN 5712 (the "TCVN3"/ABC fonts): the lowercase letters and the seven base capitals that all
# its variants share (VN1's extra capitals are left out: ABC fonts print capitals with a second
# font over the same bytes, so capitals come out lowercase here).
_TCVN3_BYTES = bytes.fromhex(
    "a1a2a3a4a5a6a7a8a9aaabacadae b5b6b7b8b9 bbbcbdbe c6c7c8c9cacbcccecf d0d1d2d3d4d5d6d7d8"
    " dcdddedf e1e2e3e4e5e6e7e8e9eaebecedeeef f1f2f3f4f5f6f7f8f9fafbfcfdfe"
)
_TCVN3_TABLE = dict(
    zip(
        _TCVN3_BYTES,
        "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
        strict=True,
    )
)
_VN_WORDS = re.compile(
    r"\b(của|và|các|được|trong|thực|hiện|những|nhân|dân|với|đơn|vị|phối|hợp|năm|ngày|tháng|"
    r"công|tác|chủ|trì|cơ|quan|tổ|chức|phường|xã|huyện|tỉnh|Ủy|ủy|uỷ|ban|việc|theo|đến|để|"
    r"người|kế|hoạch|văn|bản|hội|đồng|địa|phương|trên|đảm|bảo|tăng|cường)\b",
    re.IGNORECASE,
)
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\ud800-\udfff]")


def extract_lines(source: bytes, *, filename: str | None, fmt: str) -> list[str]:
    """The text's lines, NFC-normalised, without page chrome; each line one paragraph or row."""
    if fmt not in FORMATS:
        raise ImportTextError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    if fmt == "auto":
        fmt = _sniff(source, filename)
    if fmt == "docx":
        text = _docx_text(source)
    else:
        if len(source) > MAX_INPUT_BYTES:
            raise ImportTextError(
                f"the input is {len(source) / 1e6:.1f} MB; a directive's text is at most"
                f" {MAX_INPUT_BYTES // 1000} kB: is this the right file?"
            )
        text = decode(source)
        if fmt == "html":
            text = html_text(text)
    if len(text) > MAX_INPUT_BYTES:
        raise ImportTextError("the document's text is longer than 1 MB: is this the right file?")
    return drop_chrome(clean(text).split("\n"))


def _sniff(source: bytes, filename: str | None) -> str:
    name = (filename or "").lower()
    if source.startswith(b"PK\x03\x04") or name.endswith(".docx"):
        return "docx"
    if source.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportTextError("this is an old Word .doc file: save it as .docx and import that")
    if source.startswith(b"%PDF"):
        raise ImportTextError(
            "PDF is not read: copy the text out of the PDF into a .txt file, or save it as .docx"
        )
    if name.endswith((".html", ".htm")):
        return "html"
    head = source[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or re.search(
        rb"<(body|p|div|br)\b", head
    ):
        return "html"
    return "text"


def decode(source: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 or TCVN3 if it is sure."""
    if source.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return source.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportTextError("the text says it is UTF-16 but is not valid UTF-16") from None
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    candidates = []
    cp1258 = source.decode("cp1258", errors="replace")
    candidates.append(("Windows-1258", cp1258))
    if any(b in _TCVN3_TABLE for b in source):
        cp1252 = {b: bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0x100)}
        table = {**cp1252, **_TCVN3_TABLE}
        candidates.append(("TCVN3", "".join(table[b] if b >= 0x80 else chr(b) for b in source)))
    scored = sorted(
        ((_vietnamese_score(unicodedata.normalize("NFC", t)), name, t) for name, t in candidates),
        reverse=True,
    )
    best_score, _, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score < 0.15 or best_score - runner_up < 0.05 or "\ufffd" in best:
        raise ImportTextError(
            f"the text is not UTF-8 (first bad byte at offset {first_bad}) and its legacy"
            " encoding cannot be told with confidence (Windows-1258 or TCVN3): open it in a word"
            " processor and save it as UTF-8"
        )
    return unicodedata.normalize("NFC", best)


def _vietnamese_score(text: str) -> float:
    words = re.findall(r"\w+", text[:20000])
    if not words:
        return 0.0
    return len(_VN_WORDS.findall(text[:20000])) / len(words)


def clean(text: str) -> str:
    """NFC, one kind of line break, no control characters, single spaces inside lines."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]", "\n", text)
    text = _BAD_CHARS.sub("", text.replace("\xa0", " ").replace("\t", " | "))
    return "\n".join(re.sub(r"[ \u200b\u3000]+", " ", line).strip() for line in text.split("\n"))


_CHROME = re.compile(
    r"^(a-\s*a\s*a\+.*|(tăng|giảm) tương phản.*|zalo|facebook|twitter|chia sẻ|in bài( viết)?|"
    r"bản in|in trang|gửi email|lượt xem:?.*|cập nhật:?.*|click để đánh giá.*|đánh giá bài viết|"
    r"xem thêm chủ đề|trang chủ|bình luận|mới nhất|nổi bật|tắt \[x\]|print|top|"
    r"(thứ (hai|ba|tư|năm|sáu|bảy)|chủ nhật)\s*[-,]?\s*\d{1,2}/\d{1,2}/\d{4}.*)$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(tập tin đính kèm|tổng số điểm của bài viết|ý kiến bạn đọc|tin liên quan|các tin khác|"
    r"bài viết liên quan|tin cùng chuyên mục|thống kê truy cập)\b",
    re.IGNORECASE,
)


def drop_chrome(lines: list[str]) -> list[str]:
    """Share buttons, font-size switches, the rating footer and all after it, a repeated title."""
    out: list[str] = []
    for line in lines:
        if _FOOTER.match(line):
            break
        if _CHROME.match(line):
            continue
        if line and out and line == next((x for x in out if x), None):
            continue  # the headline printed again above the body
        out.append(line)
    return out


class _TextParser(HTMLParser):
    SKIP = phrase_set(
        "script|style|noscript|nav|header|footer|aside|form|button|select|iframe|svg|head"
    )
    BLOCK = phrase_set(
        "p|div|br|li|tr|h1|h2|h3|h4|h5|h6|table|section|article|ul|ol|blockquote|dd|dt"
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_text(html: str) -> str:
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own failures on broken markup
        raise ImportTextError(f"the HTML cannot be read ({exc})") from None
    lines = ("".join(parser.parts)).split("\n")
    return "\n".join(re.sub(r"^(\s*\|\s*)+|(\s*\|\s*)+$", "", line) for line in lines)


def _docx_text(source: bytes) -> str:
    if len(source) > MAX_DOCX_BYTES:
        raise ImportTextError(f"the .docx is {len(source) / 1e6:.0f} MB: is this the right file?")
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(source))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportTextError(f"not a readable .docx file ({exc})") from None
    except Exception as exc:  # lxml and python-docx raise their own kinds on damaged parts
        raise ImportTextError(f"the .docx cannot be read ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    counters: dict[tuple[str, str], int] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(_numbering(block, counters) + block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                deduped = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
                lines.append(" | ".join(deduped))
    return "\n".join(lines)


def _numbering(paragraph: object, counters: dict[tuple[str, str], int]) -> str:
    """The label Word would print for an auto-numbered paragraph ("1. ", "a) ", "- ")."""
    p_pr = getattr(getattr(paragraph, "_p", None), "pPr", None)
    num_pr = getattr(p_pr, "numPr", None) if p_pr is not None else None
    style = getattr(paragraph, "style", None)
    while num_pr is None and style is not None:  # "List Number": the numbering is the style's
        style_pr = getattr(style.element, "pPr", None)
        num_pr = getattr(style_pr, "numPr", None) if style_pr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None:
        return ""
    num_id = str(num_pr.numId.val)
    level = str(num_pr.ilvl.val) if getattr(num_pr, "ilvl", None) is not None else "0"
    fmt = _level_format(paragraph, num_id, level)
    for key in [k for k in counters if k[0] == num_id and k[1] > level]:
        del counters[key]  # a new upper-level item restarts the levels below it
    counters[(num_id, level)] = counters.get((num_id, level), 0) + 1
    n = counters[(num_id, level)]
    if fmt == "bullet":
        return "- "
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdeghiklmnopqrstuvxy"[(n - 1) % 22]
        return f"{letter.upper() if fmt == 'upperLetter' else letter}) "
    if fmt in ("upperRoman", "lowerRoman"):
        return f"{_roman(n)}. "
    return f"{n}. "


def _level_format(paragraph: object, num_id: str, level: str) -> str:
    try:
        numbering = paragraph.part.numbering_part.element  # type: ignore[attr-defined]
        ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
        abstract = numbering.xpath(f'w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val', **ns)
        fmts = numbering.xpath(
            f'w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]'
            "/w:numFmt/@w:val",
            **ns,
        )
        return str(fmts[0]) if fmts else "decimal"
    except Exception:  # no numbering part or an unusual one: count in decimal
        return "decimal"


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out
