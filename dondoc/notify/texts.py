"""Every message text a person reads: email subjects and bodies, the webhook's text, the digest."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from dondoc.labels import kind_label, level_label
from dondoc.schemas.dates import format_vn
from dondoc.schemas.notify import OutboxMessage

BRAND = "[Đôn đốc]"
FOOTER = "Thư này do hệ thống đôn đốc nhiệm vụ gửi tự động; xin đừng trả lời thư này."


def subject(m: OutboxMessage) -> str:
    """`[Đôn đốc] Nhiệm vụ 2 quá hạn (lần 2) — 127-KH/ĐU-DVK-D2`."""
    if m.kind == "digest":
        return f"{BRAND} {m.data.get('title') or 'Tổng hợp nhiệm vụ'}"
    item = f"Nhiệm vụ {m.item_number}" if m.item_number else "Thông báo"
    if m.kind == "escalation":
        what = f"{item} quá hạn ({level_label(m.level or 1)})"
    elif m.kind == "reminder":
        what = f"Nhắc việc: {item.lower()}"
    elif m.kind == "assignment":
        what = f"Giao {item.lower()}"
    elif m.kind == "completion":
        what = f"{item} đã kết thúc"
    else:
        what = f"{item}: {kind_label(m.kind)}"
    return f"{BRAND} {what} — {m.directive_code}" if m.directive_code else f"{BRAND} {what}"


def plain(m: OutboxMessage) -> str:
    link = f"\n\nXem nhiệm vụ: {m.url}" if m.url else ""
    return f"{m.body}{link}\n\n-- \n{FOOTER}\n"


def html_body(m: OutboxMessage) -> str:
    lines = "".join(f"<p>{html.escape(p)}</p>" for p in m.body.split("\n") if p.strip())
    link = f'<p><a href="{html.escape(m.url, quote=True)}">Xem nhiệm vụ</a></p>' if m.url else ""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject(m))}</title></head><body>"
        f"{lines}{link}<hr><p><small>{html.escape(FOOTER)}</small></p></body></html>"
    )


def message_id(m: OutboxMessage, domain: str) -> str:
    """Derived from the row (its id and key), so a repeated send is recognisably the same."""
    digest = hashlib.sha256(m.key.encode("utf-8")).hexdigest()[:16]
    return f"<dondoc.{m.id}.{digest}@{domain}>"


def webhook_payload(m: OutboxMessage) -> dict[str, Any]:
    """`{id, kind, directive, item, unit, level?, text, at, url?}` (docs/notifications.md)."""
    payload: dict[str, Any] = {
        "id": m.id,
        "kind": m.kind,
        "directive": m.directive_code or None,
        "item": m.item_number,
        "unit": m.unit_code,
        "text": m.body,
        "at": m.created_at.isoformat(),
    }
    if m.level is not None:
        payload["level"] = m.level
    if m.url:
        payload["url"] = m.url
    return payload


def item_url(web_url: str | None, directive_code: str, item_number: str | None) -> str | None:
    if not web_url or not directive_code or not item_number:
        return None
    return f"{web_url.rstrip('/')}/directives/{quote(directive_code, safe='')}/items/{item_number}"


@dataclass(frozen=True)
class DigestLine:
    """One item in a unit's digest."""

    directive_code: str
    number: str
    title: str
    due: datetime
    state: str  # overdue, due_soon, not_received


DIGEST_STATE_VN = {
    "overdue": "quá hạn",
    "due_soon": "sắp đến hạn",
    "not_received": "chưa tiếp nhận",
}


def digest_title(unit_name: str, day: date) -> str:
    return f"Tổng hợp nhiệm vụ ngày {day:%d/%m/%Y} — {unit_name}"


def digest_body(
    unit_name: str, day: date, lines: Sequence[DigestLine], at: datetime, tz: ZoneInfo
) -> str:
    """The unit's items that need attention, most urgent first, one line each."""
    head = f"{digest_title(unit_name, day)}: {len(lines)} nhiệm vụ cần chú ý."
    rows = []
    for n, line in enumerate(lines, 1):
        days = (at - line.due).days
        late = f", quá {days} ngày" if line.state == "overdue" and days > 0 else ""
        rows.append(
            f"{n}. [{DIGEST_STATE_VN[line.state]}] {line.directive_code} — nhiệm vụ {line.number}"
            f" «{line.title}»: hạn {format_vn(line.due, tz)}{late}."
        )
    return "\n".join([head, *rows])


@dataclass(frozen=True)
class LeadLine:
    """A leading unit not done yet, as an escalation names it."""

    name: str
    progress: int
    last_report_at: datetime | None


def escalation_body(
    level: int,
    number: str,
    title: str,
    due: datetime,
    at: datetime,
    tz: ZoneInfo,
    leads: Sequence[LeadLine],
    missed: Sequence[int] = (),
) -> str:
    """What is late, since when, at which level, who leads and their last report; after
    downtime, which levels were passed over (one message at the level reached)."""
    days = (at - due).days
    since = f"quá hạn từ {format_vn(due, tz)}" + (f" ({days} ngày)" if days > 0 else "")
    named = [
        f"{lead.name} — {lead.progress}%, "
        + (
            f"báo cáo gần nhất {format_vn(lead.last_report_at, tz)}"
            if lead.last_report_at
            else "chưa báo cáo"
        )
        for lead in leads
    ]
    skipped = ""
    if missed:
        span = str(missed[0]) if len(missed) == 1 else f"{missed[0]}–{missed[-1]}"
        skipped = f" (lần {span} chưa gửi được do hệ thống ngừng hoạt động)"
    return (
        f"Báo cáo quá hạn ({level_label(level)}){skipped}: nhiệm vụ {number} «{title}» {since},"
        f" chưa hoàn thành. Đơn vị chủ trì chưa xong: {'; '.join(named) or 'không'}."
    )
