"""The Vietnamese pages through httpx: inbox, directive, item with its forms, upload, lists."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from tests.helpers import UNITS, item_yaml
from tests.web.conftest import Web
from tests.web.test_security import signed_in


def page(web: Web, number: str) -> str:
    return f"/d/{quote(web.code, safe='')}/items/{number}"


class TestInbox:
    async def test_lists_the_units_open_items_with_dates_roles_and_receipt(self, web: Web) -> None:
        await signed_in(web, "unit")
        got = await web.http.get("/")
        text = got.text
        assert got.status_code == 200
        mine = re.findall(re.escape(quote(web.code, safe="")) + r"/items/(\w+)/act/ack", text)
        assert mine == ["1", "2"]  # items 1 and 2, neither received yet (the other tests' too)
        # UBND's item of this directive (the inbox also lists other tests' directives)
        assert (page(web, "1") in text, page(web, "3") in text) == (True, False)
        assert "chủ trì" in text
        due = (datetime.now(UTC) + timedelta(days=20)).astimezone().strftime("%d/%m/%Y")
        assert re.search(r"Hạn \d\d/\d\d/\d{4}", text)
        assert due[:2] in text

    async def test_one_click_receipt_records_it_as_the_user(self, web: Web) -> None:
        csrf = await signed_in(web, "unit")
        got = await web.http.post(page(web, "1") + "/act/ack", data={"csrf": csrf, "back": "inbox"})
        assert (got.status_code, got.headers["location"]) == (303, "/")
        item = await web.http.get(page(web, "1"))
        assert f"KHOI_VAN ({web.users['unit']})" in item.text
        assert "tiếp nhận" in item.text


class TestItemPage:
    async def test_percent_encoded_code_opens_the_item_with_the_units_forms(self, web: Web) -> None:
        await signed_in(web, "unit")
        got = await web.http.get(page(web, "1"))
        assert got.status_code == 200
        assert web.code in got.text
        assert "Gửi báo cáo" in got.text
        assert "Đề nghị gia hạn" in got.text
        assert "Thu hồi nhiệm vụ" not in got.text  # a committee action

    async def test_committee_sees_its_decisions_not_the_report_form(self, web: Web) -> None:
        await signed_in(web, "committee")
        got = await web.http.get(page(web, "1"))
        assert "Quyết định gia hạn" in got.text
        assert "Gửi báo cáo" not in got.text

    async def test_rejected_action_shows_the_validators_message_in_place(self, web: Web) -> None:
        csrf = await signed_in(web, "committee")
        got = await web.http.post(
            page(web, "2") + "/act/decide_extension", data={"csrf": csrf, "approve": "1"}
        )
        assert got.status_code == 409
        assert 'role="alert"' in got.text
        assert "extension" in got.text
        assert "Nhiệm vụ 2" in got.text  # the item's page, not an error page

    async def test_report_with_a_file_shows_in_the_timeline_and_files(self, web: Web) -> None:
        csrf = await signed_in(web, "unit")
        got = await web.http.post(
            page(web, "1") + "/report",
            data={"csrf": csrf, "progress": "50", "note": "Đã triển khai"},
            files=[("files", ("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))],
        )
        assert got.status_code == 303, got.text
        item = (await web.http.get(page(web, "1"))).text
        assert "báo cáo 50%" in item
        assert "ke-hoach.pdf" in item
        assert f"KHOI_VAN ({web.users['unit']})" in item

    async def test_another_units_item_is_403(self, web: Web) -> None:
        await signed_in(web, "other")
        got = await web.http.get(page(web, "1"))
        assert got.status_code == 403
        assert "Không có quyền" in got.text


class TestDirectivePage:
    async def test_status_table_with_the_clis_colours(self, web: Web) -> None:
        await signed_in(web, "viewer")
        got = await web.http.get(f"/d/{quote(web.code, safe='')}")
        assert got.status_code == 200
        assert got.text.count('class="badge s-') == 3
        assert "đang thực hiện trong hạn" in got.text or "chưa tiếp nhận" in got.text


class TestUpload:
    async def test_problems_listed_with_their_lines_nothing_started(self, web: Web) -> None:
        csrf = await signed_in(web, "clerk")
        bad = b'code: "X/1"\ntitle: "t"\ncommittee: DANG_UY\nitems:\n  - number: 1\n    lead: 5\n'
        got = await web.http.post(
            "/directives/new", data={"csrf": csrf}, files={"file": ("d.yaml", bad, "text/yaml")}
        )
        assert got.status_code == 422
        assert "dòng " in got.text
        assert "chưa có gì được khởi động" in got.text

    async def test_api_gives_each_problem_with_line_item_and_field(self, web: Web) -> None:
        bad = b'code: "X/1"\ntitle: "t"\ncommittee: DANG_UY\nitems:\n  - number: "1"\n    lead: 5\n'
        got = await web.http.post("/api/v1/directives", content=bad, headers=web.auth("clerk"))
        problems = got.json()["problems"]
        assert (got.status_code, got.json()["kind"]) == (422, "invalid_file")
        lead = next(p for p in problems if p["field"] == "lead")
        assert (lead["line"], lead["item"]) == (6, "1")

    async def test_valid_file_starts_and_opens_the_directive(self, web: Web) -> None:
        csrf = await signed_in(web, "clerk")
        code = f"N{uuid.uuid4().hex[:5]}/KH-ĐU"
        due = datetime.now(UTC) + timedelta(days=9)
        head = f'code: "{code}"\ntitle: "Mới"\ncommittee: DANG_UY\n'
        text = f"{head}{UNITS}\nitems:\n{item_yaml('1', due)}\n"
        got = await web.http.post(
            "/directives/new",
            data={"csrf": csrf},
            files={"file": ("d.yaml", text.encode(), "text/yaml")},
        )
        assert (got.status_code, got.headers["location"]) == (303, f"/d/{quote(code, safe='')}")


class TestLists:
    async def test_supervisor_list_filtered_by_unit_and_directive(self, web: Web) -> None:
        await signed_in(web, "committee")
        got = await web.http.get(
            "/lists", params={"kind": "open", "unit": "UBND", "directive": web.code}
        )
        assert got.status_code == 200
        assert "1 nhiệm vụ" in got.text
        assert "NV 3" in got.text
