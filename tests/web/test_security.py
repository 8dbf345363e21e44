"""Sign-in and sessions: rate limits, cookies, CSRF, expiry, logout, and no secret in the logs."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from dondoc.db.models import WebSession
from tests.web.conftest import PASSWORD, Web

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def page_login(web: Web, username: str, password: str = PASSWORD) -> httpx.Response:
    form = await web.http.get("/login")
    match = CSRF.search(form.text)
    assert match is not None
    return await web.http.post(
        "/login", data={"username": username, "password": password, "csrf": match.group(1)}
    )


async def signed_in(web: Web, who: str = "unit") -> str:
    """Signs the browser in; the page's CSRF token."""
    got = await page_login(web, web.users[who])
    assert got.status_code == 303, got.text
    inbox = await web.http.get("/")
    match = CSRF.search(inbox.text)
    assert match is not None
    return match.group(1)


class TestRateLimit:
    async def test_sixth_failure_in_a_minute_is_429_for_the_api(self, web: Web) -> None:
        body = {"username": web.users["viewer"], "password": "wrong-password"}
        codes = [(await web.http.post("/api/v1/session", json=body)).status_code for _ in range(6)]
        assert codes == [401] * 5 + [429]

    async def test_limited_name_is_refused_even_with_the_right_password(self, web: Web) -> None:
        """Counted per username: the right password does not get through while it is limited."""
        for _ in range(5):
            await page_login(web, web.users["clerk"], "wrong-password")
        got = await page_login(web, web.users["clerk"])
        assert got.status_code == 429

    async def test_per_address_too(self, web: Web) -> None:
        """Five different unknown names from one address: the sixth attempt is refused."""
        codes = [
            (
                await web.http.post(
                    "/api/v1/session", json={"username": f"nobody{i}", "password": "x"}
                )
            ).status_code
            for i in range(6)
        ]
        assert codes[-1] == 429


class TestSession:
    async def test_cookie_is_httponly_and_samesite_lax(self, web: Web) -> None:
        got = await page_login(web, web.users["unit"])
        cookie = next(
            h for h in got.headers.get_list("set-cookie") if h.startswith("dondoc_session=")
        )
        assert "httponly" in cookie.lower()
        assert "samesite=lax" in cookie.lower()
        assert "secure" not in cookie.lower()  # DONDOC_WEB_SECURE_COOKIES is off in tests

    async def test_post_without_csrf_token_is_refused(self, web: Web) -> None:
        await signed_in(web)
        item = f"{web.item('1').replace('/api/v1/directives', '/d')}/act/ack"
        got = await web.http.post(item, data={})
        assert got.status_code == 403

    async def test_post_with_csrf_token_acts(self, web: Web) -> None:
        csrf = await signed_in(web)
        item = f"{web.item('1').replace('/api/v1/directives', '/d')}/act/ack"
        got = await web.http.post(item, data={"csrf": csrf})
        assert got.status_code == 303, got.text

    async def test_api_with_the_session_cookie_needs_the_csrf_header(self, web: Web) -> None:
        """The browser's cookie works for the API too, but an unsafe call must carry the token."""
        csrf = await signed_in(web)
        url = web.item("1") + "/reports"
        without = await web.http.post(url, json={"progress": 5})
        wrong = await web.http.post(url, json={"progress": 5}, headers={"X-CSRF-Token": "x"})
        right = await web.http.post(url, json={"progress": 5}, headers={"X-CSRF-Token": csrf})
        codes = (without.status_code, wrong.status_code, right.status_code)
        assert codes == (403, 403, 200)
        assert without.json()["kind"] == "csrf_failed"

    async def test_logout_invalidates_the_session(self, web: Web) -> None:
        csrf = await signed_in(web)
        key = web.http.cookies["dondoc_session"]
        await web.http.post("/logout", data={"csrf": csrf})
        web.http.cookies.set("dondoc_session", key)  # a copy of the old cookie
        got = await web.http.get("/api/v1/me")
        assert got.status_code == 401

    async def test_an_expired_session_is_signed_out(self, web: Web) -> None:
        await signed_in(web)
        with web.sessions.begin() as s:
            s.execute(
                update(WebSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        got = await web.http.get("/")
        assert (got.status_code, got.headers["location"]) == (303, "/login?next=/")

    async def test_login_form_without_its_csrf_cookie_is_refused(self, web: Web) -> None:
        got = await web.http.post(
            "/login", data={"username": web.users["unit"], "password": PASSWORD, "csrf": "x"}
        )
        assert got.status_code == 403


async def test_no_password_or_token_reaches_the_logs(
    web: Web, caplog: pytest.LogCaptureFixture
) -> None:
    """Signing in, failing, and acting with a token log nothing secret."""
    caplog.set_level(logging.DEBUG)
    got = await web.http.post(
        "/api/v1/session", json={"username": web.users["unit"], "password": PASSWORD}
    )
    token = got.json()["token"]
    await web.http.post(
        "/api/v1/session", json={"username": web.users["unit"], "password": "wrong-" + PASSWORD}
    )
    await web.http.post(
        web.item("1") + "/reports",
        json={"progress": 20},
        headers={"Authorization": f"Bearer {token}"},
    )
    await page_login(web, web.users["committee"])
    logged = caplog.text
    assert len(logged) > 0
    secrets = [PASSWORD, token, *web.tokens.values(), web.http.cookies.get("dondoc_session")]
    assert [s for s in secrets if s and s in logged] == []
