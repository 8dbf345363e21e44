"""Who issues a directive, whom its preamble addresses, and its code."""

from __future__ import annotations

import re

from dondoc.importer.text_book import UnitBook
from dondoc.importer.text_mentions import find_mentions
from dondoc.importer.text_roles import sentences
from dondoc.importer.text_structure import Block, Header
from dondoc.importer.text_units import fold, tokens

_ISSUING = re.compile(r"(yeu cau|de nghi|chi dao|ban hanh|giao)\b")
_ADDRESSING = re.compile(r"\b(yeu cau|de nghi(?! cua)|giao|chi dao|kinh gui)\b")
_REF_CODE = re.compile(
    r"\b(?:Kế hoạch|Chỉ thị|Nghị quyết|Quyết định|Công văn|Thông báo|Kết luận|Chương trình)"
    r"\s+số\s+([0-9][\w.]*(?:[/-][\w.Đđ]+)+)"
)


def committee(header: Header, root: Block, title: str, book: UnitBook) -> tuple[str, str]:
    """The issuing unit: the header's organisation, else the subject of "… yêu cầu / chỉ đạo"."""
    if header.issuer:
        found = find_mentions(tokens(header.issuer), header.issuer, book.registry)
        if found and found[0].kind == "registry":
            return book.resolve(found[0])[0], f'đầu văn bản: "{header.issuer}"'
        note = f'cơ quan ban hành theo đầu văn bản "{header.issuer}": mới, cần xem lại mã'
        return book.new(header.issuer, note), note
    for text in [title, *root.paras[:3]]:
        for sentence in sentences(text):
            toks = tokens(sentence)
            for m in find_mentions(toks, sentence, book.registry):
                after = " ".join(t.word for t in toks[m.end : m.end + 3])
                if m.kind != "vague" and _ISSUING.match(after):
                    end = toks[min(m.end + 3, len(toks)) - 1].end
                    quote = " ".join(sentence[toks[m.start].start : end].split())
                    return book.resolve(m)[0], f'chủ ngữ của câu "{quote}…"'
    return "TODO", "TODO: không tìm thấy cơ quan ban hành: thêm nó vào units và ghi mã ở đây"


def addressees(preamble: list[str], book: UnitBook, issuer: str) -> list[str]:
    """The units the preamble gives the directive to ("yêu cầu chi ủy, chi bộ, …", "Kính gửi")."""
    out: list[str] = []
    for para in preamble:
        if not _ADDRESSING.search(fold(para)):
            continue
        parts = [para] if para.startswith("Kính gửi") else sentences(para, semicolons=False)
        for sentence in parts:
            cue = _ADDRESSING.search(fold(sentence))
            if not cue:
                continue
            toks = tokens(sentence)
            start = cue.start()
            for m in find_mentions(toks, sentence, book.registry):
                if toks[m.start].start <= start:
                    continue
                if m.kind == "vague":
                    note = f'"{m.key}": cách gọi chung, mới: cần ghi rõ các đơn vị'
                    codes = [book.new(m.key, note)]
                else:
                    codes = book.resolve(m)
                out += [c for c in codes if c not in out and c != issuer]
    return out


def directive_code(header: Header, preamble: list[str]) -> tuple[str, str]:
    """The document's number, else one derived from the plan it carries out (marked TODO)."""
    if header.code:
        return header.code, f'số văn bản: "{header.code}"'
    for para in preamble:
        if m := _REF_CODE.search(para):
            note = f'TODO: văn bản không ghi số; mã tạm theo "{m.group(0)}": cần đặt mã'
            return f"{m.group(1)}-TH", note
    return "TODO", "TODO: văn bản không ghi số: cần đặt mã"
