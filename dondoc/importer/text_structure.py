"""A directive's lines as a header (code, date, issuer, title) and a tree of numbered blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dondoc.importer.text_units import fold

_MARKERS = [
    ("roman", re.compile(r"^(?P<l>(?:XI{0,2}|IX|IV|VI{0,3}|I{1,3}))\s*[.)]\s*(?P<t>\S.*)$")),
    ("dieu", re.compile(r"^Điều\s+(?P<l>\d{1,3})\s*[.:]?\s*(?P<t>.*)$")),
    ("num3", re.compile(r"^(?P<l>\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s*(?P<t>\D.*)$")),
    ("num2", re.compile(r"^(?P<l>\d{1,2}\.\d{1,2})\.?\s*(?P<t>[^\d\s/.].*)$")),
    ("num", re.compile(r"^(?P<l>\d{1,2})\s*[.)](?![\d/])\s*(?P<t>\S.*)$")),
    ("letter", re.compile(r"^(?P<l>[a-zđ])\s*(?:\)|\.\s)\s*(?P<t>\S.*)$")),
    ("dash", re.compile(r"^(?P<l>[-–—•·*])\s*(?P<t>[^-\s].*)$")),
    ("plus", re.compile(r"^(?P<l>\+)\s*(?P<t>\S.*)$")),
]
SECTIONS = ("roman", "dieu")
BULLETS = ("dash", "plus")
_DOC_TYPES = re.compile(
    r"^(KẾ HOẠCH|CHỈ THỊ|QUYẾT ĐỊNH|CÔNG VĂN|THÔNG BÁO|NGHỊ QUYẾT|CHƯƠNG TRÌNH|HƯỚNG DẪN|"
    r"CÔNG ĐIỆN|KẾT LUẬN|PHƯƠNG ÁN|ĐỀ ÁN)\b(.*)$"
)
_MOTTO = re.compile(
    r"^(CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP|Độc lập|ĐẢNG CỘNG SẢN VIỆT NAM|[-_=*.\s|]+$)", re.IGNORECASE
)
_CODE = re.compile(r"\bSố(?: hiệu)?\s*:?\s*([0-9][\w.]*(?:[/-][\w.Đđ&]+)+)")
_ISSUED = re.compile(
    r"[\w.]+(?:\s[\w.-]+){0,4},?\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
_BODY_START = re.compile(
    r"^(Căn cứ|Thực hiện|Kính gửi|Để|Nhằm|Theo|Trong|Qua|Ngày|Trên cơ sở|Vừa qua)\b"
)
_ORG = re.compile(
    r"\b(ỦY BAN|UỶ BAN|UBND|ĐẢNG ỦY|ĐẢNG UỶ|ĐẢNG BỘ|HUYỆN ỦY|TỈNH ỦY|THỊ ỦY|THÀNH ỦY|BAN |SỞ |"
    r"PHÒNG |BỘ |HỘI |ĐOÀN |VĂN PHÒNG|CHI BỘ|MẶT TRẬN|HĐND|HỘI ĐỒNG)"
)
_SIGNER = re.compile(r"^(ỦY BAN|UỶ BAN|CHỦ TỊCH|BAN THƯỜNG VỤ|BỘ TRƯỞNG|GIÁM ĐỐC|ĐẢNG ỦY|ĐẢNG UỶ)")
_END = re.compile(r"^(Nơi nhận|TM\.|T/M|KT\.|K/T|TL\.|Q\. ?CHỦ TỊCH)", re.IGNORECASE)
_TABLE_HEAD = (
    "chu tri",
    "phoi hop",
    "thoi gian|thoi han|hoan thanh",
    "noi dung|nhiem vu|cong viec",
)


_LOCALITY_HEAD = ("tinh", "huyen", "xa", "phuong", "thi", "thanh", "quan")


@dataclass
class Block:
    kind: str  # root, roman, dieu, num, num2, num3, letter, dash, plus, row
    label: str
    text: str
    paras: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)  # paragraphs after its children
    children: list[Block] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # a table row's lead/support/due cells

    def own_text(self) -> str:
        return "\n".join([t for t in [self.text, *self.paras] if t])


@dataclass
class Header:
    code: str | None = None
    issued_on: date | None = None
    issued_quote: str = ""
    issuer: str | None = None
    title: str | None = None
    title_how: str = ""


def marker(line: str) -> tuple[str, str, str] | None:
    for kind, rx in _MARKERS:
        m = rx.match(line)
        if m:
            return kind, m.group("l"), m.group("t").strip()
    return None


def split_header(lines: list[str]) -> tuple[Header, list[str]]:
    """The header fields and the body's lines (header lines are the ones before the body starts)."""
    lines = [x for x in lines if x]
    n = 0
    while n < min(len(lines), 30):
        line = lines[n]
        words = len(line.split())
        if (
            marker(line)
            or _BODY_START.match(line)
            or (words >= 25 and line.endswith((".", ":", ";")))
            or (words >= 6 and line.endswith(":") and not line.isupper())
            or _table_columns([c.strip() for c in line.split("|")]) is not None
        ):
            break
        n += 1
    head_lines = [c.strip() for line in lines[:n] for c in line.split("|") if c.strip()]
    head = Header()
    joined = " ".join(head_lines)
    if m := _CODE.search(joined):
        head.code = m.group(1).rstrip(".,;")
    if m := _ISSUED.search(joined):
        head.issued_quote = m.group(0)[m.group(0).index("ngày") :]
        try:
            head.issued_on = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            head.issued_on = None
    orgs: list[str] = []
    title: list[str] = []
    for line in head_lines:
        if (
            _MOTTO.match(line)
            or _CODE.search(line)
            or _ISSUED.search(line)
            or line.startswith("Số")
        ):
            continue
        if title:
            if _SIGNER.match(line):
                break
            if line.isupper() or line[:1].islower() or line.startswith(("Về", "V/v", "về")):
                title.append(line.lower() if line.isupper() else line)
                continue
            break
        if m := _DOC_TYPES.match(line):
            title = [m.group(1).capitalize() + m.group(2)]
        elif orgs and line.isupper() and fold(line).split()[0] in _LOCALITY_HEAD:
            orgs[-1] += " " + line  # "ỦY BAN NHÂN DÂN" / "TỈNH NINH THUẬN"
        elif line.isupper() and _ORG.search(line + " ") and not head.title:
            orgs.append(line)
        elif line.startswith(("V/v", "Về việc")):
            title = [line]
        elif head.title is None and not line.isupper() and len(line.split()) >= 4:
            head.title, head.title_how = line, "dòng đầu của trang"
    if orgs:
        head.issuer = _title_case(orgs[-1])
    if title:
        head.title = " ".join(title)
        head.title_how = "tên loại và trích yếu của văn bản"
    return head, lines[n:]


def _title_case(upper: str) -> str:
    words = upper.lower().split()
    out: list[str] = []
    proper = False
    for w in words:
        out.append(w.capitalize() if proper or not out else w)
        proper = proper or fold(w) in ("tinh", "huyen", "xa", "phuong", "pho", "quan", "tran")
    return " ".join(out)


def parse_body(lines: list[str]) -> Block:
    """The body as a tree: numbered items, their sub-items, table rows and plain paragraphs."""
    root = Block("root", "", "")
    stack = [root]
    columns: dict[str, int] | None = None
    addressing = False
    for line in lines:
        if _END.match(line):
            break
        cells = [c.strip() for c in line.split("|")] if "|" in line else []
        if len(cells) >= 3 and (head := _table_columns(cells)):
            columns = head
            continue
        if columns is not None and len(cells) >= 3:
            _add_row(stack, cells, columns)
            continue
        columns = None
        found = marker(line)
        if found and found[0] in BULLETS and addressing and root.paras:
            root.paras[-1] += " " + line  # "Kính gửi: - Các sở, ban, ngành; - UBND các huyện"
            continue
        addressing = line.startswith("Kính gửi") or (addressing and found is not None)
        if found is None:
            target = stack[-1]
            while target.kind in BULLETS and len(stack) > 1:
                stack.pop()
                target = stack[-1]
            (target.tail if target.children else target.paras).append(line)
            continue
        kind, label, text = found
        same = [i for i, b in enumerate(stack) if b.kind == kind]
        if same:
            del stack[same[-1] :]
        elif kind in SECTIONS:
            del stack[1:]
        block = Block(kind, label, text)
        stack[-1].children.append(block)
        stack.append(block)
    return root


def _table_columns(cells: list[str]) -> dict[str, int] | None:
    folded = [fold(c) for c in cells]
    roles = {}
    for role, words in zip(("lead", "support", "due", "task"), _TABLE_HEAD, strict=True):
        idx = [i for i, c in enumerate(folded) if re.search(rf"\b({words})\b", c)]
        if idx:
            roles[role] = idx[0]
    if "lead" not in roles or "task" not in roles:
        return None
    if "support" in roles and roles["support"] == roles["lead"]:
        del roles["support"]
    roles["number"] = 0 if roles["task"] != 0 else -1
    return roles


def _add_row(stack: list[Block], cells: list[str], columns: dict[str, int]) -> None:
    def cell(role: str) -> str:
        i = columns.get(role, -1)
        return cells[i] if 0 <= i < len(cells) else ""

    parent = next(b for b in reversed(stack) if b.kind != "row")
    label, task = cell("number"), cell("task")
    if not task:
        return
    others = [cell(r) for r in ("lead", "support", "due")]
    if not any(others):
        parent.paras.append(task)  # a heading row of the table
        return
    row = Block("row", label.rstrip("."), task)
    row.cells = {"lead": others[0], "support": others[1], "due": others[2]}
    parent.children.append(row)
