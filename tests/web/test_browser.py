"""The browser story in Debian's Chromium (Playwright): a unit signs in, acknowledges, reports
50 % then done with an evidence file; the committee approves an extension; a unit cannot open
another unit's item. Screenshots at 360 and 1280 px go to test-artefacts/web/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.web.conftest import PASSWORD
from tests.web.served import Served, serving

pytestmark = pytest.mark.devserver
CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "web"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "Debian's Chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def served(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    host = dev_env.client.service_client.config.target_host
    yield from serving(host, tmp_path_factory.mktemp("b"))


def launched() -> Iterator[Browser]:
    """Debian's Chromium for one module's tests (the body of each `browser` fixture)."""
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield found
        found.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launched()


def sign_in(browser: Browser, served: Served, who: str, viewport: dict[str, int]) -> Page:
    page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()  # type: ignore[arg-type]
    page.goto(served.url + "/login")
    page.get_by_label("Tên đăng nhập").fill(served.users[who])
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Hộp việc")).to_be_visible()
    return page


def shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / name), full_page=True)


def test_unit_and_committee_story(browser: Browser, served: Served, tmp_path: Path) -> None:
    item1 = f"{served.url}/d/{quote(served.code, safe='')}/items/1"
    unit = sign_in(browser, served, "unit", PHONE)
    shot(unit, "inbox-360.png")
    desk = sign_in(browser, served, "unit", DESK)
    shot(desk, "inbox-1280.png")

    card = unit.locator("li.card", has_text=f"{served.code} · NV 1")
    card.get_by_role("button", name="Tiếp nhận").click()
    expect(
        unit.locator("li.card", has_text=f"{served.code} · NV 1").get_by_role("button")
    ).to_have_count(0)

    unit.goto(item1)
    unit.get_by_label("Tiến độ (%)").fill("50")
    unit.get_by_label("Ghi chú").fill("Đã họp triển khai ở 7 khu phố")
    unit.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit.get_by_role("status")).to_have_text("Đã ghi nhận.")
    expect(unit.locator(".timeline")).to_contain_text("báo cáo 50%")

    unit.locator("summary", has_text="Đề nghị gia hạn").click()
    form = unit.locator("details", has_text="Đề nghị gia hạn")
    form.get_by_label("Hạn mới (dd/mm/yyyy)").fill("31/12/2099")
    form.get_by_label("Lý do").fill("Chờ kinh phí")
    form.get_by_role("button", name="Đề nghị gia hạn").click()
    expect(unit.locator(".timeline")).to_contain_text("đề nghị gia hạn")

    committee = sign_in(browser, served, "committee", PHONE)
    committee.goto(item1)
    committee.locator("summary", has_text="Quyết định gia hạn").click()
    decide = committee.locator("details", has_text="Quyết định gia hạn")
    decide.get_by_label("Đồng ý").select_option("1")
    decide.get_by_role("button", name="Quyết định gia hạn").click()
    expect(committee.locator(".timeline")).to_contain_text("đồng ý gia hạn")
    expect(committee.locator("main")).to_contain_text("Hạn 31/12/2099")
    committee.goto(f"{served.url}/d/{quote(served.code, safe='')}")
    expect(committee.locator("tbody tr")).to_have_count(3)
    shot(committee, "directive-360.png")
    committee.goto(f"{served.url}/lists?kind=open&directive={quote(served.code)}")
    expect(committee.locator("li.card")).to_have_count(3)
    shot(committee, "lists-360.png")

    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    unit.goto(item1)
    unit.get_by_label("Tiến độ (%)").fill("100")
    unit.get_by_label("Đã hoàn thành").check()
    unit.locator("input[type=file]").set_input_files(str(evidence))
    unit.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit.locator("main")).to_contain_text("bien-ban.pdf")
    expect(unit.locator(".timeline")).to_contain_text("báo cáo hoàn thành")
    shot(unit, "item-360.png")
    desk.goto(item1)
    shot(desk, "item-1280.png")

    response = unit.goto(f"{served.url}/d/{quote(served.code, safe='')}/items/3")
    assert response is not None
    assert response.status == 403
    expect(unit.get_by_role("heading")).to_have_text("Không có quyền")
    # Nothing wider than the phone: no sideways scrolling on the inbox.
    unit.goto(served.url + "/")
    width = unit.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
