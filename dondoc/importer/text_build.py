"""The draft's items, units, dates and comments, built from a directive's header and block tree."""

from __future__ import annotations

import re

from dondoc.importer import text_dates as dates
from dondoc.importer.text_book import UnitBook
from dondoc.importer.text_fill import add_dates, merge_support
from dondoc.importer.text_header import addressees, committee, directive_code
from dondoc.importer.text_mentions import find_mentions
from dondoc.importer.text_model import (
    Draft,
    DraftItem,
    DraftUnit,
    ImportTextError,
)
from dondoc.importer.text_numbers import item_label, item_title, unique_numbers
from dondoc.importer.text_roles import Roles, analyse, sentences
from dondoc.importer.text_structure import SECTIONS, Block, Header
from dondoc.importer.text_units import fold, tokens

_NOT_TASKS = re.compile(
    r"^(muc dich|yeu cau|muc tieu|quan diem|can cu|tinh hinh|ket qua|danh gia|pham vi|doi tuong|"
    r"kinh phi|hieu luc|thoi gian|dia diem|thanh phan)\b"
)
_TASKS = re.compile(r"\b(nhiem vu|giai phap|to chuc thuc hien|phan cong|noi dung|trach nhiem)\b")
_BOILERPLATE = re.compile(
    r"(hieu luc|chiu trach nhiem thi hanh|can cu quyet dinh thi hanh|ban hanh kem theo)"
)
MAX_ITEMS = 500
MAX_DEPTH = 3


class Builder:
    """One import: walks the blocks once, collecting items and the units they name."""

    def __init__(self, header: Header, root: Block, book: UnitBook, source: str) -> None:
        self.h, self.root, self.book, self.source = header, root, book, source
        self.items: list[DraftItem] = []
        self.remarks: list[str] = []
        self.general_reporting: tuple[dict[str, int | str] | None, str] = (None, "")
        title = header.title or next((p for p in root.paras if p), "")
        self.title = title
        all_text = "\n".join([root.own_text(), *(c.own_text() for c in root.children)])
        self.year = (
            header.issued_on.year if header.issued_on else dates.document_year(title, all_text)
        )
        self.committee, self.committee_note = committee(header, root, title, book)
        self.addressees: list[str] = []
        self._due_cells: dict[int, str] = {}  # a table row's deadline column, by item

    def draft(self) -> Draft:
        preamble = list(self.root.paras)
        children = self.root.children
        if not children:
            first = next(
                (
                    i
                    for i, p in enumerate(preamble)
                    if not p.startswith("Kính gửi") and self._assigns(p)
                ),
                len(preamble),
            )
            self.addressees = addressees(preamble[:first], self.book, self.committee)
            self._plain(preamble[first:], prefix="")
            preamble = preamble[:first]
        else:
            self.addressees = addressees(preamble, self.book, self.committee)
            self._sections(children)
        for para in preamble:
            self._note_reporting(para)
        if not self.items:
            raise ImportTextError(
                "no items found: the text has no numbered points and no sentence that gives a unit"
                " work (chủ trì, giao, yêu cầu …); is this a directive?"
            )
        for it in self.items:  # once each, on the item's whole text (a row: its deadline cell)
            if id(it) in self._due_cells:
                self._add_dates(it, self._due_cells[id(it)])
            self._add_dates(it, it.description)
        rule, quote = self.general_reporting
        for it in self.items:
            if rule and it.reporting is None:
                it.reporting, it.reporting_note = dict(rule), f"áp dụng chung: {quote}"
        unique_numbers(self.items)
        code, code_note = directive_code(self.h, preamble)
        units = self._used_units()
        return Draft(
            code=code,
            code_note=code_note,
            title=self.title or "TODO: tiêu đề",
            title_note=self.h.title_how or "TODO: không tìm thấy tiêu đề",
            committee=self.committee,
            committee_note=self.committee_note,
            issued_on=self.h.issued_on,
            issued_note=f'"{self.h.issued_quote}"' if self.h.issued_on else "",
            note="\n".join(preamble)[:4000] or None,
            units=units,
            items=self.items,
            source=self.source,
            remarks=self.remarks,
        )

    # --- body --------------------------------------------------------------------------------
    def _sections(self, children: list[Block]) -> None:
        sections = [c for c in children if c.kind in SECTIONS]
        with_items = [s for s in sections if any(c.kind not in SECTIONS for c in s.children)]
        prefix_needed = len(with_items) > 1
        closing = self._pop_closing(children[-1])
        n = 0
        for block in children:
            if block.kind in SECTIONS:
                heading = fold(block.text)
                if _NOT_TASKS.match(heading) and not _TASKS.search(heading):
                    self.remarks.append(f'phần "{block.label}. {block.text[:60]}" không giao việc')
                    continue
                if not block.children:
                    if not _BOILERPLATE.search(fold(block.own_text())):
                        self._plain(block.paras or [block.text], prefix=f"{block.label}.")
                    continue
                prefix = f"{block.label}." if prefix_needed else ""
                self._plain(block.paras, prefix=f"{block.label}.")
                for k, child in enumerate(block.children, start=1):
                    self._item(child, prefix + item_label(child, k), None, 1)
                self._closing(block.tail)
            else:
                n += 1
                self._item(block, item_label(block, n), None, 1)
        self._closing(closing + self.root.tail)

    def _pop_closing(self, block: Block) -> list[str]:
        """The closing paragraphs the parse hung on the last block ("Trên cơ sở …/.")."""
        node = block
        while node.children and not node.tail:
            node = node.children[-1]
        pool = node.tail if node.children else node.paras
        out: list[str] = []
        while pool and self._closing_like(pool[-1], final=not out):
            out.insert(0, pool.pop())
        return out

    def _closing_like(self, para: str, final: bool) -> bool:
        starts = (
            r"^(tren co so|de nghi|yeu cau|giao|nhan duoc|trong qua trinh|qua trinh|cac don vi)"
        )
        return bool(re.match(starts, fold(para))) or (final and para.endswith("./."))

    def _closing(self, paras: list[str]) -> None:
        for para in paras:
            self._note_reporting(para)
            if self._assigns(para):
                number = "TCTH" if not any(i.number == "TCTH" for i in self.items) else "TCTH.2"
                item = self._new_item(number, para, analyse(para, self.book, self.committee), None)
                item.note = "đoạn kết không đánh số, giữ lại vì giao việc cho đơn vị"
            elif para:
                self.remarks.append(f'đoạn "{para[:60]}…" không giao việc cụ thể')

    def _plain(self, paras: list[str], prefix: str) -> None:
        """Unnumbered text: each sentence that gives a unit work starts an item."""
        current: DraftItem | None = None
        for para in paras:
            self._note_reporting(para)
            if self._closing_like(para, para is paras[-1]) and not self._assigns(para):
                self.remarks.append(f'đoạn "{para[:60]}…" không giao việc cụ thể')
                continue
            for sentence in sentences(para):
                roles = analyse(sentence, self.book, self.committee)
                if [c for c in roles.lead if c != self.committee]:
                    number = f"{prefix}{sum(i.number.startswith(prefix) for i in self.items) + 1}"
                    current = self._new_item(number, sentence, roles, None)
                elif current is not None:
                    current.description += " " + sentence

    def _assigns(self, para: str) -> bool:
        roles = analyse(para, self.book, self.committee)
        return bool([c for c in roles.lead if c != self.committee]) or bool(roles.vague_lead)

    def _note_reporting(self, para: str) -> None:
        rule, quote = dates.reporting(para)
        if rule and self.general_reporting[0] is None:
            self.general_reporting = (rule, quote)

    def _item(self, block: Block, number: str, parent: DraftItem | None, depth: int) -> None:
        if _NOT_TASKS.match(fold(block.text)) and len(block.text.split()) <= 6:
            self.remarks.append(f'mục "{block.label}. {block.text[:60]}" không giao việc')
            return
        first = block.text
        roles = (
            self._row_roles(block)
            if block.kind == "row"
            else analyse(first, self.book, self.committee)
        )
        item = self._new_item(number, first, roles, parent, block)
        k = 0
        for para in block.paras + block.tail:
            own = analyse(para, self.book, self.committee)
            if own.lead and item.lead and set(own.lead) != set(item.lead) and roles.lead:
                k += 1
                sub = self._new_item(f"{number}.{k}", para, own, item)
                sub.note = f"đoạn trong mục {number} có chủ ngữ riêng, tách thành mục con"
                continue
            item.description += "\n" + para
            if own.lead and not roles.lead:
                roles = own
                self._set_roles(item, own, parent)
            elif own.support:
                merge_support(item, own, self.book)
        for child in block.children:
            if depth >= MAX_DEPTH:
                item.description += "\n" + child.own_text()
                continue
            k += 1
            label = child.label if child.kind in ("num2", "num3") and "." in child.label else None
            number_child = (
                label if label else f"{number}.{child.label if child.kind == 'letter' else k}"
            )
            self._item(child, number_child, item, depth + 1)

    def _row_roles(self, block: Block) -> Roles:
        roles = Roles()
        for role, cell in (("lead", block.cells["lead"]), ("support", block.cells["support"])):
            toks = tokens(cell)
            codes: list[str] = []
            for m in find_mentions(toks, cell, self.book.registry):
                codes += [c for c in self.book.resolve(m) if c not in codes]
            if codes:
                getattr(roles, role).extend(codes)
                getattr(roles, f"{role}_quotes").append(
                    f'cột "{"chủ trì" if role == "lead" else "phối hợp"}": "{cell[:60]}"'
                )
            elif cell:
                setattr(roles, f"vague_{role}", cell[:60])
        return roles

    def _new_item(
        self,
        number: str,
        text: str,
        roles: Roles,
        parent: DraftItem | None,
        block: Block | None = None,
    ) -> DraftItem:
        if len(self.items) >= MAX_ITEMS:
            raise ImportTextError(f"more than {MAX_ITEMS} items: is this one directive?")
        item = DraftItem(number=number, title=item_title(text, number), description=text)
        self._set_roles(item, roles, parent)
        if block is not None and block.kind == "row":
            self._due_cells[id(item)] = f"hoàn thành {block.cells['due']}"
        self.items.append(item)
        return item

    def _set_roles(self, item: DraftItem, roles: Roles, parent: DraftItem | None) -> None:
        lead = [c for c in roles.lead if c != self.committee] or list(roles.lead)
        if lead:
            item.lead, item.lead_note = lead, "chủ trì: " + "; ".join(roles.lead_quotes[:2])
        elif roles.vague_lead and self.addressees:
            item.lead = list(self.addressees)
            item.lead_note = (
                f'chủ trì: "{roles.vague_lead}" = các đơn vị ở phần mở đầu: cần xem lại'
            )
        elif parent is not None and parent.lead:
            item.lead, item.lead_note = (
                list(parent.lead),
                f"chủ trì: theo mục {parent.number}: cần xem lại",
            )
        elif self.addressees:
            item.lead = list(self.addressees)
            item.lead_note = (
                "chủ trì: mục không nêu đơn vị; theo các đơn vị ở phần mở đầu: cần xem lại"
            )
        else:
            item.lead, item.lead_note = [], "TODO: văn bản không nêu đơn vị chủ trì: cần bổ sung"
        item.support, item.support_note = [], ""
        merge_support(item, roles, self.book)
        if roles.vague_support and self.addressees:
            more = Roles(support=list(self.addressees))
            more.support_quotes = [
                f'"{roles.vague_support}" = các đơn vị ở phần mở đầu: cần xem lại'
            ]
            merge_support(item, more, self.book)

    def _add_dates(self, item: DraftItem, text: str) -> None:
        add_dates(item, text, self.year)

    def _used_units(self) -> list[DraftUnit]:
        """The units the draft names (the preamble's addressees may go unused)."""
        used = {self.committee} | {c for it in self.items for c in it.lead + it.support}
        for code in list(used):
            unit = self.book.units.get(code)
            used |= set(unit.members) if unit else set()
        return [u for u in self.book.units.values() if u.code in used]
