"""The JSON API end to end: sign-in, reads, reports and actions as the caller, typed errors."""

from __future__ import annotations

import io
import uuid

from rich.console import Console
from sqlalchemy import select

from dondoc.console import Renderer
from dondoc.db.models import Action, Report
from dondoc.starter import status_view
from tests.web.conftest import PASSWORD, Web


class TestSession:
    async def test_password_gives_a_short_lived_token_that_reads_me(self, web: Web) -> None:
        """POST /api/v1/session with the right password: a token; /me with it: the user."""
        got = await web.http.post(
            "/api/v1/session", json={"username": web.users["unit"], "password": PASSWORD}
        )
        assert got.status_code == 200
        token = got.json()["token"]
        me = await web.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert (web.users["unit"], "KHOI_VAN", "unit") == (
            me.json()["username"],
            me.json()["unit"],
            me.json()["role"],
        )

    async def test_wrong_password_and_unknown_user_read_the_same(self, web: Web) -> None:
        """No user enumeration: a wrong password and an unknown name get one 401 and one text."""
        wrong = await web.http.post(
            "/api/v1/session", json={"username": web.users["unit"], "password": "nope-nope"}
        )
        unknown = await web.http.post(
            "/api/v1/session", json={"username": "nobody-here", "password": "nope-nope"}
        )
        assert (wrong.status_code, unknown.status_code) == (401, 401)
        assert wrong.json()["detail"] == unknown.json()["detail"]
        assert wrong.headers["content-type"] == "application/problem+json"

    async def test_no_credentials_is_401_problem(self, web: Web) -> None:
        got = await web.http.get("/api/v1/me")
        assert (got.status_code, got.json()["kind"]) == (401, "unauthenticated")


class TestReads:
    async def test_directive_with_slash_and_vietnamese_code_percent_encoded(self, web: Web) -> None:
        """`127-KH/ĐU…`-like codes travel percent-encoded and come back whole."""
        got = await web.http.get(web.directive(), headers=web.auth("viewer"))
        assert got.status_code == 200
        assert web.code == got.json()["directive"]["code"]
        assert [i["number"] for i in got.json()["items"]] == ["1", "2", "3"]

    async def test_a_unit_sees_only_its_own_items_of_a_directive(self, web: Web) -> None:
        got = await web.http.get(web.directive(), headers=web.auth("unit"))
        assert [i["number"] for i in got.json()["items"]] == ["1", "2"]

    async def test_items_filtered_by_directive_and_unit(self, web: Web) -> None:
        got = await web.http.get(
            "/api/v1/items",
            params={"directive": web.code, "unit": "UBND", "status": "open"},
            headers=web.auth("committee"),
        )
        assert (
            got.status_code,
            [r["number"] for r in got.json()["items"]],
            got.json()["total"],
        ) == (200, ["3"], 1)

    async def test_unknown_directive_is_404_problem(self, web: Web) -> None:
        got = await web.http.get(web.directive("KHÔNG/CÓ"), headers=web.auth("viewer"))
        assert (got.status_code, got.json()["kind"]) == (404, "unknown_directive")


class TestReports:
    async def test_report_is_the_callers_unit_and_user_and_idempotent(self, web: Web) -> None:
        """Unit and `by` come from the token, never the body; a repeated report_id counts once."""
        rid = f"r-{uuid.uuid4().hex[:8]}"
        body = {"progress": 50, "note": "Đã họp triển khai", "report_id": rid}
        first = await web.http.post(web.item("1") + "/reports", json=body, headers=web.auth("unit"))
        again = await web.http.post(web.item("1") + "/reports", json=body, headers=web.auth("unit"))
        assert (
            first.status_code,
            first.json()["unit"],
            first.json()["progress"],
        ) == (200, "KHOI_VAN", 50)
        assert first.json() == again.json()  # the retry gets the first answer
        with web.sessions() as s:
            rows = s.execute(
                select(Report.unit_code, Report.by_user).where(Report.report_id == rid)
            ).all()
        assert [("KHOI_VAN", web.users["unit"])] == [tuple(r) for r in rows]

    async def test_unit_in_the_body_is_refused(self, web: Web) -> None:
        """A body naming a unit is invalid input: the server alone says who reports."""
        got = await web.http.post(
            web.item("1") + "/reports",
            json={"progress": 10, "unit": "UBND"},
            headers=web.auth("unit"),
        )
        assert (got.status_code, got.json()["kind"]) == (422, "invalid_input")

    async def test_progress_out_of_range_is_422(self, web: Web) -> None:
        got = await web.http.post(
            web.item("1") + "/reports", json={"progress": 101}, headers=web.auth("unit")
        )
        assert got.status_code == 422


class TestActions:
    async def test_extension_requested_by_unit_and_approved_by_committee(self, web: Web) -> None:
        """Who acted is recorded: the actions table has each user's name with its unit."""
        asked = await web.http.post(
            web.item("1") + "/actions/request_extension",
            json={"new_due": "15/12/2099", "reason": "Chờ kinh phí"},
            headers=web.auth("unit"),
        )
        assert asked.status_code == 200, asked.text
        decided = await web.http.post(
            web.item("1") + "/actions/decide_extension",
            json={"approve": True},
            headers=web.auth("committee"),
        )
        assert decided.status_code == 200, decided.text
        view = (await web.http.get(web.directive(), headers=web.auth("viewer"))).json()
        item = next(i for i in view["items"] if i["number"] == "1")
        assert item["due"].startswith("2099-12-15T23:59")
        with web.sessions() as s:
            rows = s.execute(
                select(Action.kind, Action.actor, Action.by_user)
                .where(Action.by_user.in_([web.users["unit"], web.users["committee"]]))
                .order_by(Action.id)
            ).all()
        assert [
            ("extension_requested", "KHOI_VAN", web.users["unit"]),
            ("extension_approved", "DANG_UY", web.users["committee"]),
        ] == [tuple(r) for r in rows]
        printed = io.StringIO()
        Renderer(Console(file=printed, width=200)).directive(status_view(web.sessions, web.code))
        assert f"đồng ý gia hạn (DANG_UY, {web.users['committee']})" in printed.getvalue()

    async def test_rejected_action_is_409_with_the_validators_words(self, web: Web) -> None:
        """Approving when nothing was asked: the workflow's validator refuses, in its words."""
        got = await web.http.post(
            web.item("2") + "/actions/decide_extension",
            json={"approve": True},
            headers=web.auth("committee"),
        )
        assert (got.status_code, got.json()["kind"]) == (409, "action_rejected")
        assert "extension" in got.json()["detail"]

    async def test_bad_date_is_422(self, web: Web) -> None:
        got = await web.http.post(
            web.item("1") + "/actions/request_extension",
            json={"new_due": "31/02/2099", "reason": "x"},
            headers=web.auth("unit"),
        )
        assert (got.status_code, got.json()["kind"]) == (422, "invalid_input")
