"""Deadlines, periodic reports and anniversaries in a directive's words; other dates stay text."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from dondoc.importer.text_units import fold

_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})"
_DMY_WORDS = r"(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+((?:19|20)\d{2})"
_DM = r"(\d{1,2})\s*/\s*(\d{1,2})(?![/\d])"
_MONTH = r"thang\s+(\d{1,2})(?:\s*(?:/|nam)\s*((?:19|20)\d{2}))?"
_QUARTER = r"quy\s+(iv|iii|ii|i|[1-4])(?:\s*(?:/|nam)\s*((?:19|20)\d{2}))?"
_CUE = (
    r"(?:truoc|cham nhat(?: la| vao)?|han chot|hoan thanh(?: truoc| trong| vao| xong)?|"
    r"xong(?: truoc| trong)?|ket thuc(?: truoc| vao| trong)?|den(?: het)?|"
    r"thoi (?:gian|han)(?: hoan thanh| thuc hien| nop)?\s*:?)"
)
_DEADLINE = re.compile(
    rf"\b{_CUE}\s*(?:ngay\s+)?(?:{_DMY_WORDS}|{_DMY}|{_DM}(?!\s*(?:hang|moi)))"
    rf"|\b(?:{_CUE}|trong)\s+(?:{_MONTH}|{_QUARTER})"
    r"|\b(?:hoan thanh|xong)\s+(?:trong|truoc)\s+nam\s+((?:19|20)\d{2})"
)
_PERIODIC = re.compile(r"\b(?:dinh ky|hang|moi)\s+(thang|quy|tuan)\b")
_REPORT_DAY = re.compile(
    r"truoc ngay\s+(\d{1,2})(?![/\d])|ngay\s+(\d{1,2})\s+(?:hang|moi|cua)\s+(?:thang|quy)"
    r"|(?:vao |truoc )?(thu (?:hai|ba|tu|nam|sau|bay)|chu nhat)"
)
_WEEKDAYS = {"thu hai": 1, "thu ba": 2, "thu tu": 3, "thu nam": 4, "thu sau": 5, "thu bay": 6}
_ANNIVERSARY = re.compile(rf"\(\s*{_DMY}\s*[-–—]\s*{_DMY}\s*\)")
_DAY_MONTH = re.compile(
    r"\(\s*(\d{1,2})\s*/\s*(\d{1,2})(?:\s*[-–]\s*(\d{1,2})\s*/\s*(\d{1,2}))?\s*\)"
)
_HOLIDAYS = {
    (3, 2): "Ngày thành lập Đảng Cộng sản Việt Nam",
    (8, 3): "Ngày Quốc tế Phụ nữ",
    (26, 3): "Ngày thành lập Đoàn TNCS Hồ Chí Minh",
    (30, 4): "Ngày Giải phóng miền Nam, thống nhất đất nước",
    (1, 5): "Ngày Quốc tế Lao động",
    (19, 5): "Ngày sinh Chủ tịch Hồ Chí Minh",
    (27, 7): "Ngày Thương binh - Liệt sĩ",
    (19, 8): "Ngày Cách mạng Tháng Tám",
    (2, 9): "Quốc khánh",
    (15, 10): "Ngày truyền thống công tác Dân vận",
    (20, 10): "Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam",
    (20, 11): "Ngày Nhà giáo Việt Nam",
    (22, 12): "Ngày thành lập Quân đội nhân dân Việt Nam",
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class Found:
    day: date
    quote: str  # the words it comes from, as written
    how: str = ""  # "cuối tháng", "cuối quý", "năm theo văn bản"…


def _real(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d) if 1990 <= y <= 2100 else None
    except ValueError:
        return None


def _quote(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


def deadlines(text: str, year: int | None) -> tuple[list[Found], str]:
    """Every deadline the text states, and a remark when it says there is none ("thường xuyên")."""
    folded = fold(text)
    found: list[Found] = []
    for m in _DEADLINE.finditer(folded):
        g = m.groups()
        quote = _quote(text, m.start(), m.end())
        if _PERIODIC.search(folded[max(0, m.start() - 80) : m.end() + 40]) and (g[6] or g[7]):
            continue  # "trước ngày 20 hằng tháng": a periodic report, not a deadline
        day: date | None = None
        how = ""
        if g[0]:
            day = _real(int(g[2]), int(g[1]), int(g[0]))
        elif g[3]:
            day = _real(int(g[5]), int(g[4]), int(g[3]))
        elif g[6]:
            if year is None:
                continue
            day, how = _real(year, int(g[7]), int(g[6])), f"năm {year} theo văn bản"
        elif g[8]:
            y = int(g[9]) if g[9] else year
            if y is None or not 1 <= int(g[8]) <= 12:
                continue
            day = _real(y, int(g[8]), monthrange(y, int(g[8]))[1])
            how = "cuối tháng" + ("" if g[9] else f", năm {y} theo văn bản")
        elif g[10]:
            y = int(g[11]) if g[11] else year
            q = _ROMAN.get(g[10]) or int(g[10])
            if y is None:
                continue
            day = _real(y, 3 * q, monthrange(y, 3 * q)[1])
            how = "cuối quý" + ("" if g[11] else f", năm {y} theo văn bản")
        elif g[12]:
            day, how = _real(int(g[12]), 12, 31), "cuối năm"
        if day is not None:
            found.append(Found(day, quote, how))
    remark = ""
    ongoing = re.search(r"\b(thuong xuyen|hang nam|lien tuc)\b", folded)
    if ongoing and not found:
        remark = (
            f'"{_quote(text, ongoing.start(), ongoing.end())}": việc làm thường xuyên, không có hạn'
        )
    return found, remark


def reporting(text: str) -> tuple[dict[str, int | str] | None, str]:
    """`báo cáo định kỳ hằng tháng trước ngày 20` as a reporting rule, with the words it is from."""
    folded = fold(text)
    for sentence in re.finditer(r"[^.;]+", folded):
        s = sentence.group()
        if "bao cao" not in s:
            continue
        period = _PERIODIC.search(s)
        if period is None:
            if re.search(r"\b(6 thang|hang nam|sau thang)\b", s):
                quote = _quote(text, sentence.start(), sentence.end())[:90]
                return None, f'"{quote}": báo cáo 6 tháng/năm, không ghi được bằng reporting'
            continue
        every = {"thang": "month", "quy": "quarter", "tuan": "week"}[period.group(1)]
        day = _REPORT_DAY.search(s)
        quote = _quote(text, sentence.start(), sentence.end())[:120]
        if day is None:
            return None, f'"{quote}": báo cáo định kỳ không ghi ngày: cần bổ sung reporting'
        if day.group(3):
            if every != "week":
                continue
            n = 7 if day.group(3) == "chu nhat" else _WEEKDAYS[day.group(3)]
        else:
            n = int(day.group(1) or day.group(2))
            if every == "week" or not 1 <= n <= 31:
                continue
        return {"every": every, "cutoff_day": n}, f'"{quote}"'
    return None, ""


def milestones(text: str, year: int | None) -> list[Found]:
    """Anniversaries the text celebrates: "(19/05/1890 – 19/05/2024)", "(30/4-1/5)", "(2/9)"."""
    found: dict[date, Found] = {}
    for m in _ANNIVERSARY.finditer(text):
        day = _real(int(m.group(6)), int(m.group(5)), int(m.group(4)))
        if day is not None and day not in found:
            found[day] = Found(day, _anniversary_title(text, m.start(), day), m.group().strip("()"))
    if year is not None and re.search(r"kỷ niệm|chào mừng|ngày lễ", text, re.IGNORECASE):
        for m in _DAY_MONTH.finditer(text):
            day = _real(year, int(m.group(2)), int(m.group(1)))
            if day is None or day in found:
                continue
            title = _HOLIDAYS.get((day.day, day.month)) or f"Ngày {day.day}/{day.month}"
            if m.group(3) and (int(m.group(3)), int(m.group(4))) in _HOLIDAYS:
                title += " và " + _HOLIDAYS[(int(m.group(3)), int(m.group(4)))]
            found[day] = Found(day, f"{title} {m.group()}", f"năm {year} theo văn bản")
    return sorted(found.values(), key=lambda f: f.day)


def _anniversary_title(text: str, start: int, day: date) -> str:
    before = text[max(0, start - 160) : start]
    cut = max(before.lower().rfind(w) for w in ("kỷ niệm", "chào mừng", " và ", ", "))
    phrase = before[cut:].strip(" ,") if cut >= 0 else ""
    phrase = re.sub(r"^(và|kỷ niệm|chào mừng)\s+", "", phrase, flags=re.IGNORECASE).strip()
    phrase = phrase[:1].upper() + phrase[1:]
    return phrase[:90] or _HOLIDAYS.get((day.day, day.month), f"Ngày {day:%d/%m/%Y}")


def document_year(title: str, text: str) -> int | None:
    """The year a directive speaks of: in its title ("năm 2024"), else the latest year it names."""
    m = re.search(r"\bnăm\s+((?:19|20)\d{2})\b", title) or re.search(r"\b((?:19|20)\d{2})\b", title)
    if m:
        return int(m.group(1))
    years = [int(y) for y in re.findall(r"\b(20\d{2})\b", text[:5000])]
    return max(years) if years else None
