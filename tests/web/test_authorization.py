"""Every route × every role × own/other unit: the status code the authorization table gives.

Bodies are invalid on purpose: an allowed request then stops at validation (422) without
changing anything, a refused one at the permission check (403), which comes first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from dondoc.importer.yaml_file import parse_directive
from tests.helpers import UNITS, item_yaml, start
from tests.web.conftest import Web

UNIT_OPS = ["ack", "refuse", "request_extension", "explain"]
COMMITTEE_OPS = [
    "decide_extension",
    "decide_refusal",
    "reassign",
    "recall",
    "review",
    "request_explanation",
    "decide_explanation",
]
ROLES = ["unit", "committee", "clerk", "viewer"]
# Targets: A1 = the committee's directive, the unit's item; A3 = the committee's directive,
# another unit's item; B1 = another committee's directive, the unit's item.
TARGETS = ["A1", "A3", "B1"]
READ = {
    "unit": {"A1", "B1"},
    "committee": set(TARGETS),
    "clerk": set(TARGETS),
    "viewer": set(TARGETS),
}
UNIT_ACT = {"unit": {"A1", "B1"}}
COMMITTEE_ACT = {"committee": {"A1", "A3"}}


def expected(rule: dict[str, set[str]], role: str, target: str, ok: int) -> int:
    return ok if target in rule.get(role, set()) else 403


async def other_committee_directive(web: Web) -> str:
    """Directive B: its committee is UBND; KHOI_VAN leads its item 1."""
    code = web.code.replace("W", "B", 1)
    due = datetime.now(UTC) + timedelta(days=20)
    text = f'code: "{code}"\ntitle: "B"\ncommittee: UBND\n{UNITS}\nitems:\n{item_yaml("1", due)}\n'
    await start(web.client, web.sessions, web.settings, parse_directive(text, "<test>"))
    return code


@pytest.fixture
async def targets(web: Web) -> dict[str, tuple[str, str]]:
    b = await other_committee_directive(web)
    return {"A1": (web.code, "1"), "A3": (web.code, "3"), "B1": (b, "1")}


async def test_every_route_role_and_unit(web: Web, targets: dict[str, tuple[str, str]]) -> None:
    """The status of each (route, role, target) is the table's answer, never a 500."""
    seen: dict[tuple[str, str, str], tuple[int, int]] = {}

    async def check(
        route: str, role: str, target: str, want: int, method: str, url: str, **kw: object
    ) -> None:
        got = await web.http.request(method, url, headers=web.auth(role), **kw)  # type: ignore[arg-type]
        seen[(route, role, target)] = (want, got.status_code)

    for role in ROLES:
        for t in TARGETS:
            code, number = targets[t]
            api_item = f"/api/v1/directives/{quote(code, safe='')}/items/{number}"
            page_item = f"/d/{quote(code, safe='')}/items/{number}"
            # Both directives assign KHOI_VAN an item: every role reads both.
            await check(
                "GET directive", role, t, 200, "GET", f"/api/v1/directives/{quote(code, safe='')}"
            )
            await check("GET page item", role, t, expected(READ, role, t, 200), "GET", page_item)
            await check(
                "POST report",
                role,
                t,
                expected(UNIT_ACT, role, t, 422),
                "POST",
                api_item + "/reports",
                json={"bogus": 1},
            )
            await check(
                "POST page report",
                role,
                t,
                expected(UNIT_ACT, role, t, 422),
                "POST",
                page_item + "/report",
                data={"progress": "abc"},
            )
            for op in UNIT_OPS:
                await check(
                    f"POST {op}",
                    role,
                    t,
                    expected(UNIT_ACT, role, t, 422),
                    "POST",
                    f"{api_item}/actions/{op}",
                    json={"bogus": 1},
                )
            for op in COMMITTEE_OPS:
                await check(
                    f"POST {op}",
                    role,
                    t,
                    expected(COMMITTEE_ACT, role, t, 422),
                    "POST",
                    f"{api_item}/actions/{op}",
                    json={"bogus": 1},
                )
            await check(
                "POST page refuse",
                role,
                t,
                expected(UNIT_ACT, role, t, 422),
                "POST",
                page_item + "/act/refuse",
                data={},
            )
            await check(
                "POST page recall",
                role,
                t,
                expected(COMMITTEE_ACT, role, t, 422),
                "POST",
                page_item + "/act/recall",
                data={},
            )
            # Summaries: a directive's is a read of it (a unit sees its own rows); its report,
            # every item of the directive, only for those who read every item. A bad cut-off
            # stops an allowed download at 422 before anything is built.
            page_directive = f"/d/{quote(code, safe='')}"
            await check("GET directive summary", role, t, 200, "GET", page_directive + "/summary")
            await check(
                "GET export",
                role,
                t,
                403 if role == "unit" else 422,
                "GET",
                page_directive + "/export.xlsx?as_of=bogus",
            )
        supervisor = role != "unit"
        await check(
            "GET items (own unit)",
            role,
            "-",
            200,
            "GET",
            "/api/v1/items",
            params={"unit": "KHOI_VAN"},
        )
        await check(
            "GET items (other unit)",
            role,
            "-",
            200 if supervisor else 403,
            "GET",
            "/api/v1/items",
            params={"unit": "UBND"},
        )
        await check(
            "GET items (all)", role, "-", 200 if supervisor else 403, "GET", "/api/v1/items"
        )
        await check("GET lists page", role, "-", 200 if supervisor else 403, "GET", "/lists")
        await check(
            "POST directives",
            role,
            "-",
            422 if role == "clerk" else 403,
            "POST",
            "/api/v1/directives",
            content=b"bogus: 1\n",
        )
        await check(
            "GET new directive page",
            role,
            "-",
            200 if role == "clerk" else 403,
            "GET",
            "/directives/new",
        )
        # A summary across directives lists across units: a unit its own rows (the default),
        # not another unit's; a bad cut-off of an allowed request is 422.
        for route, url in [("GET summary page", "/summary"), ("GET summary", "/api/v1/summary")]:
            await check(route, role, "-", 422, "GET", url + "?as_of=bogus")
            await check(
                route + " (own unit)", role, "-", 422, "GET", url + "?as_of=bogus&unit=KHOI_VAN"
            )
            await check(
                route + " (other unit)",
                role,
                "-",
                422 if supervisor else 403,
                "GET",
                url + "?as_of=bogus&unit=UBND",
            )
        await check("GET me", role, "-", 200, "GET", "/api/v1/me")
        await check("GET inbox", role, "-", 200, "GET", "/")
    wrong = {k: v for k, v in seen.items() if v[0] != v[1]}
    assert wrong == {}
    assert len(ROLES) * (len(TARGETS) * 19 + 14) == len(seen)


async def test_without_credentials_api_is_401_and_pages_go_to_login(web: Web) -> None:
    item = web.item("1")
    api = [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/items"),
        ("GET", web.directive()),
        ("POST", item + "/reports"),
        ("POST", item + "/actions/ack"),
        ("GET", "/api/v1/summary"),
    ]
    directive = f"/d/{quote(web.code, safe='')}"
    pages = ["/", "/lists", f"{directive}/items/1", "/directives/new", "/summary"]
    pages += [f"{directive}/summary", f"{directive}/export.xlsx"]
    api_codes = [(await web.http.request(m, u, json={})).status_code for m, u in api]
    page_codes = [(await web.http.get(u)).status_code for u in pages]
    assert [401] * len(api) == api_codes
    assert [303] * len(pages) == page_codes
