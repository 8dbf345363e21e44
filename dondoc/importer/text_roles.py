"""Who leads (chủ trì) and who supports (phối hợp) in a passage, with the words that say so."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.importer.text_book import UnitBook
from dondoc.importer.text_mentions import Mention, find_mentions
from dondoc.importer.text_units import Token, phrase_set, tokens

_SUPPORT_BEFORE = re.compile(
    r"(phoi hop(?: chat che| tot| voi| cung)*|cung voi|cung|vai tro(?: cua)?|su tham gia cua)$"
)
_LEAD_AFTER = re.compile(r"^(?:(?:la|lam) )?(?:(?:co quan|don vi) )?(?:chu tri|thuong truc)\b")
_SUPPORTER_AFTER = re.compile(
    r"^(?:(?:tich cuc|chu dong|can|co trach nhiem|thuong xuyen|tiep tuc) )*phoi hop\b"
)
_TITLES = (
    r"(?: (?:dong chi|chu tich|pho chu tich|giam doc|thu truong|truong|chanh van phong|bi thu|"
    r"nguoi dung dau|lanh dao))?"
)
_ASSIGN_BEFORE = re.compile(rf"(?:giao|yeu cau|de nghi|chi dao|phan cong)(?: cho)?{_TITLES}$")
_ISSUER_VERB = re.compile(r"^(?:yeu cau|de nghi|giao|chi dao|ban hanh|thong bao|trien khai)\b")
_EXCLUDED = re.compile(
    r"\b(?:bao cao|gui|ve|qua|cua|tham muu|de xuat|de xuat voi|trinh|kien nghi|theo|cho|tai|len|"
    r"voi|den|tu)$"
)
_LEAD_IN = phrase_set(
    "giao|de|nghi|yeu|cau|dong|chi|chu|tich|pho|giam|doc|thu|truong|chanh|van|phong|bi|nguoi|"
    "dung|dau|lanh|dao"
)


_GAP = _LEAD_IN | {"va", "cac"}  # "các sở và Chủ tịch UBND các huyện": one list


@dataclass
class Roles:
    lead: list[str] = field(default_factory=list)
    lead_quotes: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    support_quotes: list[str] = field(default_factory=list)
    vague_lead: str = ""  # "các đơn vị": whoever the preamble addresses
    vague_support: str = ""

    def add(self, other: Roles) -> None:
        _extend(self.lead, other.lead)
        _extend(self.support, other.support)
        self.lead_quotes += [q for q in other.lead_quotes if q not in self.lead_quotes]
        self.support_quotes += [q for q in other.support_quotes if q not in self.support_quotes]
        self.vague_lead = self.vague_lead or other.vague_lead
        self.vague_support = self.vague_support or other.vague_support


def _extend(codes: list[str], more: list[str]) -> None:
    codes += [c for c in more if c not in codes]


def sentences(text: str, semicolons: bool = True) -> list[str]:
    ends = r"(?<=[.;!?:])\s+|\n" if semicolons else r"(?<=[.!?:])\s+|\n"
    return [s for s in re.split(ends, text) if s.strip()]


def analyse(text: str, book: UnitBook, committee: str | None) -> Roles:
    out = Roles()
    for sentence in sentences(text):
        out.add(_sentence(sentence, book, committee))
    return out


def _runs(toks: list[Token], mentions: list[Mention]) -> list[list[Mention]]:
    runs: list[list[Mention]] = []
    for m in mentions:
        if runs:
            gap = {t.word for t in toks[runs[-1][-1].end : m.start]}
            if gap <= _GAP and "(" not in toks[m.start].sep:
                runs[-1].append(m)
                continue
        runs.append([m])
    return runs


def _sentence(sentence: str, book: UnitBook, committee: str | None) -> Roles:
    out = Roles()
    toks = tokens(sentence)
    mentions = find_mentions(toks, sentence, book.registry)
    if not mentions:
        return out
    words = [t.word for t in toks]
    lead_in_end = next((i for i, w in enumerate(words) if w not in _LEAD_IN), len(words))
    subject_seen = cue_seen = False
    lead_after_voi = False
    for run in _runs(toks, mentions):
        start, end = run[0].start, run[-1].end
        before = " ".join(words[max(0, start - 6) : start])
        after = " ".join(words[end : end + 6])
        quote = _snippet(sentence, toks, start, end + 4)
        is_subject = (
            not subject_seen and not cue_seen and (start <= lead_in_end or "," in toks[start].sep)
        )
        if len(run) == 1 and book.peek(run[0]) == committee and _ISSUER_VERB.match(after):
            subject_seen = True
            continue
        role = ""
        if lead_after_voi and before.endswith("voi"):
            role, why = "lead", f'"{_snippet(sentence, toks, max(0, start - 3), end)}"'
            lead_after_voi = False
        elif _SUPPORT_BEFORE.search(before):
            role, why = "support", f'"{_snippet(sentence, toks, max(0, start - 3), end)}"'
        elif _LEAD_AFTER.match(after):
            role, why = "lead", f'"{quote}"'
        elif is_subject and _SUPPORTER_AFTER.match(after):
            role, why = "support", f'"{quote}"'
            lead_after_voi = True
        elif _ASSIGN_BEFORE.search(before):
            role, why = "lead", f'"{_snippet(sentence, toks, max(0, start - 2), end + 3)}"'
        elif is_subject:
            role, why = "lead", f'chủ ngữ của câu "{quote}"'
        elif not _EXCLUDED.search(before):
            role, why = "mention", f'"{_snippet(sentence, toks, start, end)}" được nhắc trong mục'
        if is_subject or role == "lead":
            subject_seen = True
        cue_seen = cue_seen or role == "support"
        vague = " ".join(_snippet(sentence, toks, m.start, m.end) for m in run if m.kind == "vague")
        codes = _codes(run, book) if role else []
        if role == "lead":
            _extend(out.lead, codes)
            out.lead_quotes.append(why)
            if not codes and vague:
                out.vague_lead = vague
        elif role in ("support", "mention"):
            kept = [c for c in codes if c != committee]
            _extend(out.support, kept)
            if kept:
                out.support_quotes.append(why)
            if role == "support" and not codes and vague:
                out.vague_support = vague
    return out


def _codes(run: list[Mention], book: UnitBook) -> list[str]:
    specific = [m for m in run if m.kind != "vague"]
    out: list[str] = []
    for m in specific:
        _extend(out, book.resolve(m))
    return out


def _snippet(text: str, toks: list[Token], start: int, end: int) -> str:
    end = min(end, len(toks))
    piece = " ".join(text[toks[start].start : toks[end - 1].end].split())
    return piece + ("…" if end < len(toks) else "")
