"""Rendering pages: Jinja2 templates in Vietnamese, with dondoc's labels and date formats."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dondoc.console import STATUS_STYLE
from dondoc.labels import ITEM_STATUS_VN, ROLE_VN, kind_label, level_label
from dondoc.schemas.messages import ItemStatus
from dondoc.schemas.views import ItemView
from dondoc.web.reads import ReportRow

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes HTML

# The CLI's rich colours as CSS classes (`bold red` → `s-overdue`): the same status, same colour.
STATUS_CLASS = {s: f"s-{s.value}" for s in STATUS_STYLE}


def day(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def when(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else "—"


def size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


def path_code(code: str) -> str:
    """A directive code in a URL: every '/' and Vietnamese letter percent-encoded."""
    return quote(code, safe="")


def item_url(code: str, number: str) -> str:
    return f"/d/{path_code(code)}/items/{quote(number, safe='')}"


# The forms' words: what each action is called on its button, and each field's label.
OP_VN = {
    "ack": "Tiếp nhận",
    "refuse": "Từ chối nhiệm vụ",
    "request_extension": "Đề nghị gia hạn",
    "explain": "Giải trình",
    "decide_extension": "Quyết định gia hạn",
    "decide_refusal": "Quyết định về việc từ chối",
    "reassign": "Điều chỉnh phân công",
    "recall": "Thu hồi nhiệm vụ",
    "review": "Đánh giá kết quả",
    "request_explanation": "Yêu cầu giải trình",
    "decide_explanation": "Kết luận sau giải trình",
}
FIELD_VN = {
    "reason": "Lý do",
    "text": "Nội dung giải trình",
    "new_due": "Hạn mới (dd/mm/yyyy)",
    "due": "Hạn giải trình (dd/mm/yyyy)",
    "approve": "Đồng ý",
    "accepted": "Đạt",
    "decision": "Quyết định",
    "unit": "Đơn vị đã từ chối",
    "new_unit": "Đơn vị mới",
    "lead": "Đơn vị chủ trì (mã, cách nhau bởi dấu phẩy)",
    "support": "Đơn vị phối hợp (mã, cách nhau bởi dấu phẩy)",
}
CHOICE_VN = {
    "overrule": "giữ nguyên phân công",
    "reassign": "giao đơn vị khác",
    "extend": "gia hạn",
    "recall": "thu hồi",
    "note": "ghi nhận",
}
LIST_VN = {
    "overdue": "Quá hạn",
    "due_soon": "Sắp đến hạn",
    "not_received": "Chưa tiếp nhận",
    "open": "Đang mở",
    "all": "Tất cả",
}

templates.env.filters.update(
    day=day,
    when=when,
    size=size,
    code_url=path_code,
    status_vn=lambda s: ITEM_STATUS_VN[ItemStatus(s)],
    status_class=lambda s: STATUS_CLASS[ItemStatus(s)],
    role_vn=lambda r: ROLE_VN.get(str(r), str(r)),
    kind_vn=kind_label,
    level_vn=level_label,
)
templates.env.globals.update(
    item_url=item_url, OP_VN=OP_VN, FIELD_VN=FIELD_VN, CHOICE_VN=CHOICE_VN, LIST_VN=LIST_VN
)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    headers: Any = None,
) -> HTMLResponse:
    context = {"user": getattr(request.state, "account", None), **context}
    context.setdefault("csrf", getattr(request.state, "csrf", None))
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if headers:
        response.headers.update(headers)
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str
    who: str
    detail: str = ""


def item_timeline(item: ItemView, reports: list[ReportRow]) -> list[Entry]:
    """An item's reports, reminders, escalations and actions, newest first, with who acted."""
    found = [
        Entry(
            r.at,
            "báo cáo" + (f" {r.progress}%" if not r.done else " hoàn thành"),
            r.unit + (f" ({r.by})" if r.by else ""),
            r.note or "",
        )
        for r in reports
    ]
    found += [Entry(r.at, kind_label("reminder"), r.unit) for r in item.reminders]
    found += [
        Entry(e.at, f"{kind_label('escalation')} {level_label(e.level)}", e.to)
        for e in item.escalations
    ]
    for a in item.actions:
        who = a.unit or a.actor
        due = a.data.get("new_due") or a.data.get("due") if a.data else None
        detail = a.reason or ""
        if isinstance(due, str):
            with contextlib.suppress(ValueError):
                detail = (
                    (detail + " · " if detail else "") + "hạn " + day(datetime.fromisoformat(due))
                )
        found.append(Entry(a.at, kind_label(a.kind), who + (f" ({a.by})" if a.by else ""), detail))
    return sorted(found, key=lambda e: e.at, reverse=True)
