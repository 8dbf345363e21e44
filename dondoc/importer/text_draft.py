"""A draft as directive YAML: the loader's format, with a comment on every line that was guessed."""

from __future__ import annotations

import json
import textwrap

import yaml

from dondoc.importer.text_model import Draft, DraftItem

WIDTH = 96


def render_draft(draft: Draft) -> str:
    out = [
        f"# Bản nháp do `dondoc import` tạo từ {_one_line(draft.source)}.",
        "# Mọi chỗ đoán đều có chú thích; tìm TODO để bổ sung, rồi kiểm tra với bản gốc.",
    ]
    out += [f"# Bỏ qua: {_one_line(r)}" for r in draft.remarks[:20]]
    out.append("")
    out.append(_line("code", _q(draft.code), draft.code_note))
    out.append(_line("title", _q(draft.title), draft.title_note))
    out.append(_line("committee", _code(draft.committee), draft.committee_note))
    if draft.issued_on:
        out.append(_line("issued_on", draft.issued_on.isoformat(), draft.issued_note))
    else:
        out.append("# issued_on: văn bản không ghi ngày ban hành (có thể bỏ trống)")
    out.append("timezone: Asia/Ho_Chi_Minh")
    if draft.note:
        out += ["note: >-", *_folded(draft.note, "  ")]
    out += ["", "units:"]
    groups = [u for u in draft.units if u.members]
    for u in draft.units:
        if not u.members:
            out.append(_line(f"  - {{code: {_code(u.code)}, name: {_q(u.name)}}}", None, u.note))
    if groups:
        out += ["", "groups:"]
        for g in groups:
            members = ", ".join(_code(m) for m in g.members)
            out.append(_line(f"  {_code(g.code)}: [{members}]", None, f"{g.name}: {g.note}"))
    out += ["", "defaults: {remind_before: P3D, escalate_every: P7D}", "", "items:"]
    for it in draft.items:
        out += _item(it)
    return "\n".join(out) + "\n"


def _item(it: DraftItem) -> list[str]:
    out = [f"  - number: {_q(it.number)}"]
    if it.note:
        out.append(f"    # {_one_line(it.note)}")
    out.append(_line("    title", _q(it.title), "tiêu đề: câu đầu của mục, cần rút gọn"))
    out += ["    description: >-", *_folded(it.description, "      ")]
    out.append(_line("    lead", _codes(it.lead), it.lead_note))
    if it.support:
        out.append(_line("    support", _codes(it.support), it.support_note))
    if it.due is not None:
        out.append(_line("    due", it.due.isoformat(), it.due_note))
    else:
        out.append(f"    # due: {_one_line(it.due_note or 'TODO: cần bổ sung hạn (dd/mm/yyyy)')}")
    if it.reporting:
        rule = ", ".join(f"{k}: {v}" for k, v in it.reporting.items())
        out.append(_line("    reporting", f"{{{rule}}}", it.reporting_note))
    elif it.reporting_note:
        out.append(f"    # reporting: {_one_line(it.reporting_note)}")
    if it.milestones:
        out.append("    milestones:")
        for m in it.milestones:
            entry = f"      - {{date: {m.day:%d/%m/%Y}, title: {_q(m.title)}}}"
            out.append(_line(entry, None, f"mốc: {m.note}" if m.note else "mốc theo văn bản"))
    out.append("")
    return out


def _line(key: str, value: str | None, note: str) -> str:
    text = key if value is None else f"{key}: {value}"
    return f"{text}  # {_one_line(note)}" if note else text


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 160 else flat[:159] + "…"


def _q(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def _code(code: str) -> str:
    plain = yaml.safe_load(code) if code else None
    return code if isinstance(plain, str) and plain == code else _q(code)


def _codes(codes: list[str]) -> str:
    return "[" + ", ".join(_code(c) for c in codes) + "]"


def _folded(text: str, indent: str) -> list[str]:
    """A `>-` block: paragraphs wrapped (folding joins the lines back), one empty line between."""
    out: list[str] = []
    for para in [" ".join(p.split()) for p in text.split("\n")]:
        if not para:
            continue
        if out:
            out.append("")
        out += textwrap.wrap(
            para, WIDTH - len(indent), break_long_words=False, break_on_hyphens=False
        )
    return [f"{indent}{line}" for line in out] or [f"{indent}-"]
