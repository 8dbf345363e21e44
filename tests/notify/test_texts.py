"""Message texts: the escalation says what is late, since when, at which level, who leads and
their last report; subjects by kind; links to the item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from temporalio.testing import ActivityEnvironment

from dondoc.activities.records import RecordActivities
from dondoc.db.session import SessionFactory
from dondoc.db.store import store_directive
from dondoc.notify import texts
from dondoc.notify.outbox import Notifier
from dondoc.schemas.notify import OutboxMessage
from dondoc.schemas.records import ItemRef, RecordEscalationInput, RecordReportInput
from tests.helpers import item_yaml, make_plan
from tests.notify.conftest import rows

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2031, 6, 30, 17, 0, tzinfo=VN)


def test_an_escalation_names_the_lateness_the_level_the_leads_and_their_last_report(
    db: SessionFactory,
) -> None:
    code = "ESC-KH/ĐU"
    item = item_yaml("2", DUE, lead="[KHOI_VAN, UBND]")
    store_directive(db, make_plan(code, [item]), datetime(2031, 6, 1, tzinfo=UTC))
    acts = RecordActivities(db, Notifier())
    ref = ItemRef(directive_code=code, number="2")
    reported = datetime(2031, 6, 20, 2, 0, tzinfo=UTC)
    report = RecordReportInput(
        item=ref, report_id="r1", unit="KHOI_VAN", progress=40, done=False, at=reported
    )
    ActivityEnvironment().run(acts.record_report, report)
    at = DUE + timedelta(days=7)
    ActivityEnvironment().run(
        acts.record_escalation, RecordEscalationInput(item=ref, level=2, at=at)
    )

    [row] = [r for r in rows(db) if r.kind == "escalation"]
    assert row.body == (
        "Báo cáo quá hạn (lần 2): nhiệm vụ 2 «Nhiệm vụ 2» quá hạn từ 30/06/2031 17:00 (7 ngày),"
        " chưa hoàn thành. Đơn vị chủ trì chưa xong: Khối vận — 40%, báo cáo gần nhất"
        " 20/06/2031 09:00; Ủy ban nhân dân phường — 0%, chưa báo cáo."
    )
    assert (row.unit_code, row.data["level"]) == ("DANG_UY", 2)


def test_a_catch_up_escalation_says_which_levels_were_passed_over_while_down() -> None:
    """After downtime one message, at the level reached, names the levels never sent."""
    body = texts.escalation_body(
        5, "2", "Nhiệm vụ 2", DUE, DUE + timedelta(days=30), VN, [], [2, 3, 4]
    )
    expected = "Báo cáo quá hạn (lần 5) (lần 2–4 chưa gửi được do hệ thống ngừng hoạt động):"
    assert body.startswith(expected)
    one = texts.escalation_body(3, "2", "Nhiệm vụ 2", DUE, DUE + timedelta(days=15), VN, [], [2])
    assert "(lần 2 chưa gửi được" in one
    assert "chưa gửi được" not in texts.escalation_body(2, "2", "t", DUE, DUE, VN, [])


def message(kind: str, **data: object) -> OutboxMessage:
    return OutboxMessage(
        id=7,
        key="k",
        directive_code="127-KH/ĐU-DVK-D2",
        item_number="2",
        unit_code="DANG_UY",
        kind=kind,
        body="…",
        data=data,
        created_at=datetime(2031, 7, 7, tzinfo=UTC),
    )


def test_subjects_say_the_kind_the_item_and_the_directive() -> None:
    expected = [
        "[Đôn đốc] Nhiệm vụ 2 quá hạn (lần 3) — 127-KH/ĐU-DVK-D2",
        "[Đôn đốc] Nhắc việc: nhiệm vụ 2 — 127-KH/ĐU-DVK-D2",
        "[Đôn đốc] Giao nhiệm vụ 2 — 127-KH/ĐU-DVK-D2",
        "[Đôn đốc] Nhiệm vụ 2: đồng ý gia hạn — 127-KH/ĐU-DVK-D2",
    ]
    found = [
        texts.subject(message("escalation", level=3)),
        texts.subject(message("reminder")),
        texts.subject(message("assignment")),
        texts.subject(message("extension_approved")),
    ]
    assert expected == found


def test_the_item_link_escapes_the_directive_code() -> None:
    expected = "https://d.vn/directives/127-KH%2F%C4%90U/items/6.2"
    assert expected == texts.item_url("https://d.vn/", "127-KH/ĐU", "6.2")
    assert texts.item_url(None, "127-KH/ĐU", "6.2") is None
