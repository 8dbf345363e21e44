"""The summary pages, the report downloads and /api/v1/summary on the seed's 2024 story (recorded
at fixed instants, tests/exports/seed_history.py): the figures shown are the hand-checked ones
of tests/exports/test_exports.py, per unit with lead and support apart, and each role sees what
the authorization table lets it read."""

from __future__ import annotations

import html
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx
import pytest
from openpyxl import load_workbook

from dondoc.activities.records import RecordActivities
from dondoc.db.store import store_directive
from dondoc.importer.yaml_file import parse_directive
from dondoc.schemas.records import RecordAssignmentsInput
from tests.exports.seed_history import record_seed
from tests.helpers import item_yaml
from tests.web.conftest import Web

# The seed at 31/12/2024 (tests/exports/test_exports.py TOTAL): total, on time, late, in
# progress on time, overdue, not received, recalled, due, rate ÷ completed, rate ÷ due, days.
TOTAL = ["Tổng số", "14", "6", "2", "0", "5", "0", "1", "14", "75%", "42,9%", "914"]
UBND_LEAD = "Ủy ban nhân dân phường Hoài Tân (UBND) — chủ trì"
UBND_LEAD_ROW = [UBND_LEAD, "7", "4", "1", "0", "2", "0", "0", "7", "80%", "57,1%", "300"]
# Khối vận leads item 1 (done on 30/09, on time) and supports TCTH (overdue since 31/05).
KV = "Khối vận phường (KHOI_VAN)"
KV_LEAD = [f"{KV} — chủ trì", "1", "1", "0", "0", "0", "0", "0", "1", "100%", "100%", "0"]
KV_SUPPORT = [f"{KV} — phối hợp", "1", "0", "0", "0", "1", "0", "0", "1", "—", "0%", "214"]
KV_TOTAL = ["Tổng số", "2", "1", "0", "0", "1", "0", "0", "2", "100%", "50%", "214"]
# The second quarter: seven items in scope, cut at 30/06/2024.
Q2_TOTAL = ["Tổng số", "7", "2", "1", "0", "4", "0", "0", "7", "66,7%", "28,6%", "96"]
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
ALERT = re.compile(r'role="alert"[^>]*>([^<]*)<')


def rows(page: str) -> list[list[str]]:
    """The summary table's body rows, each cell as text."""
    body = page.split('<table class="stack summary">', 1)[1].split("</table>", 1)[0]
    found = [[html.unescape(c) for c in CELL.findall(r)] for r in ROW.findall(body)]
    return [r for r in found if r]  # not the heading's


def by_name(page: str) -> dict[str, list[str]]:
    return {r[0]: r for r in rows(page)}


def alert(page: str) -> str:
    found = ALERT.search(page)
    assert found is not None, page[:2000]
    return html.unescape(found.group(1))


@pytest.fixture
def seed(web: Web) -> str:
    """The seed directive under a fresh code (the database holds other tests' directives)."""
    return record_seed(web.sessions, f"S{uuid.uuid4().hex[:6]}-KH/ĐU-DVK-D2")


def d_url(code: str, rest: str = "summary") -> str:
    return f"/d/{quote(code, safe='')}/{rest}"


async def get(web: Web, who: str, url: str, **params: str) -> httpx.Response:
    return await web.http.get(url, params=params, headers=web.auth(who))


def stored(web: Web, units: str, lead: str, title: str = "Nhiệm vụ 1") -> str:
    """A directive stored and assigned (no workflow): for what only the database decides."""
    code = f"X{uuid.uuid4().hex[:6]}-KH/ĐU"
    due = datetime.now(UTC) + timedelta(days=10)
    item = item_yaml("1", due, lead=lead, support="[]").replace("Nhiệm vụ 1", title)
    text = f'code: "{code}"\ntitle: "X"\ncommittee: DANG_UY\n{units}\nitems:\n{item}\n'
    plan = parse_directive(text, "<test>")
    at = datetime.now(UTC) - timedelta(days=1)
    store_directive(web.sessions, plan, at)
    RecordActivities(web.sessions).record_assignments(
        RecordAssignmentsInput(directive_code=code, numbers=["1"], at=at)
    )
    return code


class TestSummaryPage:
    async def test_committee_sees_the_counts_rates_and_days_per_unit_and_role(
        self, web: Web, seed: str
    ) -> None:
        got = await get(web, "committee", "/summary", as_of="31/12/2024", directive=seed)
        assert got.status_code == 200
        table = by_name(got.text)
        assert rows(got.text)[-1] == TOTAL
        assert table[UBND_LEAD] == UBND_LEAD_ROW
        assert (table[KV_LEAD[0]], table[KV_SUPPORT[0]]) == (KV_LEAD, KV_SUPPORT)
        assert "Số liệu tính đến 23:59 ngày 31/12/2024" in got.text
        assert "Hoàn thành đúng hạn</th>" in got.text  # the categories' own words
        # The bar chart inline: UBND as lead at 80 % of the 400-px bar.
        assert "Tỷ lệ hoàn thành đúng hạn theo đơn vị (tính đến ngày 31/12/2024)" in got.text
        assert re.search(r'<rect x="260" y="\d+" width="320" height="18" fill="#2e7d32">', got.text)

    async def test_a_quarter_or_the_same_days_from_to_count_the_same(
        self, web: Web, seed: str
    ) -> None:
        quarter = await get(web, "viewer", "/summary", period="2024-Q2", directive=seed)
        days = await get(
            web, "clerk", "/summary", **{"from": "01/04/2024", "to": "2024-06-30"}, directive=seed
        )
        assert (rows(quarter.text)[-1], rows(days.text)[-1]) == (Q2_TOTAL, Q2_TOTAL)
        assert "Số liệu tính đến 23:59 ngày 30/06/2024; kỳ 01/04/2024–30/06/2024" in quarter.text

    async def test_by_directive_and_by_item(self, web: Web, seed: str) -> None:
        directive = await get(web, "committee", "/summary", as_of="2024-12-31", by="directive")
        mine = [r for r in rows(directive.text) if r[0].startswith("Đảng uỷ phường chỉ đạo")]
        assert len(mine) >= 1
        assert all(r[1:] == TOTAL[1:] for r in mine)
        items = await get(
            web, "committee", "/summary", as_of="2024-12-31", by="item", directive=seed
        )
        found = rows(items.text)
        assert (len(found), found[-1]) == (15, TOTAL)
        assert [found[3][0][:3], *found[3][2:9]] == ["3.1", "0", "0", "0", "0", "0", "1", "1"]
        assert "<svg" not in items.text  # the bars are per unit only

    async def test_unit_sees_only_its_own_rows_and_their_total(self, web: Web, seed: str) -> None:
        got = await get(web, "unit", "/summary", as_of="31/12/2024", directive=seed)
        assert rows(got.text) == [KV_LEAD, KV_SUPPORT, KV_TOTAL]
        assert "UBND" not in got.text.split("<main>", 1)[1]
        assert re.search(r'name="unit" value="KHOI_VAN"[^>]* readonly', got.text)
        assert '<option value="directive"' not in got.text
        items = await get(web, "unit", "/summary", as_of="31/12/2024", directive=seed, by="item")
        assert [r[0].split(". ", 1)[0] for r in rows(items.text)] == ["1", "TCTH", "Tổng số"]
        assert rows(items.text)[-1] == KV_TOTAL

    async def test_unit_may_not_see_another_unit_a_supervisor_may(
        self, web: Web, seed: str
    ) -> None:
        refused = await get(web, "unit", "/summary", unit="UBND")
        assert (refused.status_code, "Không có quyền" in refused.text) == (403, True)
        ubnd = await get(
            web, "committee", "/summary", as_of="31/12/2024", directive=seed, unit="UBND"
        )
        assert [r[0] for r in rows(ubnd.text)] == [
            UBND_LEAD,
            "Ủy ban nhân dân phường Hoài Tân (UBND) — phối hợp",
            "Tổng số",
        ]

    @pytest.mark.parametrize(
        ("params", "status", "field", "message"),
        [
            (
                {"as_of": "31/02/2024"},
                422,
                "as_of",
                "Số liệu tính đến ngày: không đọc được “31/02/2024”",
            ),
            ({"as_of": "hôm qua"}, 422, "as_of", "Số liệu tính đến ngày: không đọc được “hôm qua”"),
            ({"as_of": "9999-12-31"}, 422, "as_of", "Số liệu tính đến ngày: không đọc được"),
            (
                {"from": "2024-05-01", "to": "01/04/2024"},
                422,
                "to",
                "Đến ngày: ngày 01/04/2024 trước Từ ngày 01/05/2024",
            ),
            ({"from": "2024-05-01"}, 422, "to", "Đến ngày: nhập cả Đến ngày"),
            ({"period": "2024-Q9"}, 422, "period", "Kỳ báo cáo: không đọc được “2024-Q9”"),
            ({"period": "2024", "from": "01/01/2024"}, 422, "period", "Kỳ báo cáo: nhập kỳ"),
            (
                {"directive": "KHONG-CO"},
                404,
                "directive",
                "Văn bản: không có văn bản mã “KHONG-CO”",
            ),
            ({"by": "ward"}, 422, "by", "Tổng hợp theo: chọn đơn vị, văn bản hoặc nhiệm vụ"),
        ],
    )
    async def test_bad_field_is_named_in_vietnamese_on_the_form(
        self, web: Web, params: dict[str, str], status: int, field: str, message: str
    ) -> None:
        got = await get(web, "committee", "/summary", **params)
        assert (got.status_code, alert(got.text)[: len(message)]) == (status, message)
        tag = re.search(rf'<(input|select) name="{field}"[^>]*>', got.text)
        assert tag is not None
        assert 'aria-invalid="true"' in tag.group(0)
        for value in params.values():  # the form keeps what was typed
            assert f'value="{html.escape(value)}"' in got.text or field == "by"

    async def test_unit_filter_cannot_group_by_directive(self, web: Web) -> None:
        got = await get(web, "unit", "/summary", by="directive")
        assert (got.status_code, alert(got.text)[:14]) == (422, "Tổng hợp theo:")

    async def test_signed_in_nav_links_it_and_anonymous_goes_to_login(self, web: Web) -> None:
        from tests.web.test_security import signed_in

        anonymous = await web.http.get("/summary?as_of=31/12/2024")
        assert (anonymous.status_code, anonymous.headers["location"]) == (
            303,
            "/login?next=/summary",
        )
        await signed_in(web, "unit")
        inbox = await web.http.get("/")
        assert '<a href="/summary">Tổng hợp</a>' in inbox.text

    async def test_unit_names_and_titles_are_escaped_in_the_table_and_the_charts(
        self, web: Web
    ) -> None:
        evil = "<script>alert(1)</script>"
        units = f'units:\n  - {{code: DANG_UY, name: "Đảng ủy"}}\n  - {{code: XSS, name: "{evil}"}}'
        code = stored(web, units, "[XSS]", title=evil)
        site = await get(web, "committee", "/summary", directive=code)
        page = await get(web, "committee", d_url(code))
        for got in (site, page):
            assert got.status_code == 200
            assert "<script" not in got.text
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        assert site.text.count(escaped) >= 3  # the table's cell, the bar's label and its tooltip
        assert "<svg" in site.text
        assert "<svg" in page.text
        assert f"1. {escaped}" in page.text  # the Gantt's item title


class TestDirectiveSummary:
    async def test_committee_sees_the_summary_the_timeline_and_the_downloads(
        self, web: Web, seed: str
    ) -> None:
        got = await get(web, "committee", d_url(seed), as_of="31/12/2024")
        assert got.status_code == 200
        assert (rows(got.text)[-1], by_name(got.text)[UBND_LEAD]) == (TOTAL, UBND_LEAD_ROW)
        assert "Tiến độ các nhiệm vụ (tính đến ngày 31/12/2024)" in got.text
        assert "Mỗi dòng một nhiệm vụ (14)" in got.text
        for fmt in ("xlsx", "pdf"):
            assert f'href="{d_url(seed, "export." + fmt)}?as_of=2024-12-31"' in got.text

    async def test_unit_sees_its_rows_its_items_on_the_timeline_and_no_download(
        self, web: Web, seed: str
    ) -> None:
        got = await get(web, "unit", d_url(seed), as_of="31/12/2024")
        assert rows(got.text) == [KV_LEAD, KV_SUPPORT, KV_TOTAL]
        assert "Mỗi dòng một nhiệm vụ (2)" in got.text
        assert "export.xlsx" not in got.text
        refused = await get(web, "unit", d_url(seed, "export.xlsx"), as_of="2024-12-31")
        assert refused.status_code == 403

    async def test_a_directive_the_unit_has_no_item_in_is_403_an_unknown_one_404(
        self, web: Web
    ) -> None:
        units = 'units:\n  - {code: DANG_UY, name: "Đảng ủy"}\n  - {code: HOI_PN, name: "Hội"}'
        code = stored(web, units, "[HOI_PN]")
        refused = await get(web, "unit", d_url(code))
        unknown = await get(web, "committee", d_url("KHONG-CO"))
        assert (refused.status_code, unknown.status_code) == (403, 404)

    async def test_bad_cutoff_is_named_on_the_directives_form(self, web: Web, seed: str) -> None:
        got = await get(web, "committee", d_url(seed), as_of="32/12/2024")
        assert got.status_code == 422
        assert alert(got.text).startswith("Số liệu tính đến ngày: không đọc được “32/12/2024”")
        assert "<h1>Tổng hợp · " in got.text


class TestDownloads:
    async def test_workbook_at_the_cutoff(self, web: Web, seed: str) -> None:
        got = await get(web, "viewer", d_url(seed, "export.xlsx"), as_of="31/12/2024")
        assert got.status_code == 200
        assert got.headers["content-type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"{seed.replace('/', '-')}-20241231.xlsx"
        assert got.headers["content-disposition"].endswith(f"filename*=UTF-8''{quote(name)}")
        assert got.headers["content-disposition"].startswith('attachment; filename="S')
        book = load_workbook(io.BytesIO(got.content))
        assert book["Báo cáo"]["A4"].value == "Số liệu tính đến ngày 31/12/2024"
        units = book["Tổng hợp theo đơn vị"]
        assert [c.value for c in units[units.max_row]][2:10] == [14, 6, 2, 0, 5, 0, 1, 14]

    async def test_pdf_at_the_cutoff(self, web: Web, seed: str) -> None:
        got = await get(web, "committee", d_url(seed, "export.pdf"), as_of="2024-12-31")
        assert (got.status_code, got.headers["content-type"]) == (200, "application/pdf")
        assert got.content.startswith(b"%PDF")
        assert got.headers["content-disposition"].endswith("-20241231.pdf")

    async def test_bad_cutoff_or_format_is_refused_not_a_server_error(
        self, web: Web, seed: str
    ) -> None:
        bad = await get(web, "committee", d_url(seed, "export.xlsx"), as_of="2024-02-30")
        fmt = await get(web, "committee", d_url(seed, "export.docx"))
        assert (bad.status_code, fmt.status_code) == (422, 422)
        assert "Số liệu tính đến ngày: không đọc được “2024-02-30”" in html.unescape(bad.text)


class TestApi:
    async def test_the_model_of_dondoc_summary_json(self, web: Web, seed: str) -> None:
        got = await get(web, "committee", "/api/v1/summary", as_of="2024-12-31", directive=seed)
        body = got.json()
        total = body["total"]["counts"]
        assert (got.status_code, body["directive"], body["by"]) == (200, seed, "unit")
        assert [total[k] for k in ("completed_on_time", "completed_late", "recalled")] == [6, 2, 1]
        assert (total["overdue_days"], body["total"]["rate_of_completed"]) == (914, 0.75)
        lead = next(r for r in body["rows"] if (r["key"], r["role"]) == ("UBND", "lead"))
        assert (lead["counts"]["completed_on_time"], lead["rate_of_completed"]) == (4, 0.8)

    async def test_unit_gets_its_own_rows_and_not_another_units(self, web: Web, seed: str) -> None:
        got = await get(web, "unit", "/api/v1/summary", as_of="2024-12-31", directive=seed)
        body = got.json()
        assert [(r["key"], r["role"]) for r in body["rows"]] == [
            ("KHOI_VAN", "lead"),
            ("KHOI_VAN", "support"),
        ]
        assert (body["total"]["counts"]["overdue_days"], body["total"]["rate_of_due"]) == (214, 0.5)
        refused = await get(web, "unit", "/api/v1/summary", unit="UBND")
        assert (refused.status_code, refused.json()["kind"]) == (403, "forbidden")

    @pytest.mark.parametrize(
        ("params", "status", "kind", "field"),
        [
            ({"as_of": "2024-13-01"}, 422, "invalid_input", "as_of"),
            ({"as_of": "2024-06-14T10:00"}, 422, "invalid_input", "as_of"),
            ({"from": "2024-06-01", "to": "2024-05-01"}, 422, "invalid_input", "to"),
            ({"directive": "KHONG-CO"}, 404, "unknown_directive", "directive"),
        ],
    )
    async def test_bad_input_is_problem_json_naming_the_field(
        self, web: Web, params: dict[str, str], status: int, kind: str, field: str
    ) -> None:
        got = await get(web, "viewer", "/api/v1/summary", **params)
        body = got.json()
        assert (got.status_code, got.headers["content-type"]) == (
            status,
            "application/problem+json",
        )
        assert (body["kind"], body["field"], body["status"]) == (kind, field, status)

    async def test_without_credentials_is_401(self, web: Web) -> None:
        got = await web.http.get("/api/v1/summary")
        assert got.status_code == 401
