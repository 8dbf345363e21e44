"""The summary pages in Debian's Chromium (Playwright), on the seed's 2024 story: the committee
asks for the figures at 31/12/2024 on a phone and at a desk, sees the bars, opens a directive's
summary with its timeline and downloads the workbook; a wrong date is named on the form; a unit
sees only its own rows. Screenshots at 360 and 1280 px go to test-artefacts/web/."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect
from temporalio.testing import WorkflowEnvironment

from dondoc.db.session import open_database
from tests.exports.seed_history import record_seed
from tests.web.served import Served, serving
from tests.web.test_browser import DESK, PHONE, launched, shot, sign_in

pytestmark = pytest.mark.devserver


@pytest.fixture(scope="module")
def served(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    host = dev_env.client.service_client.config.target_host
    yield from serving(host, tmp_path_factory.mktemp("s"))


@pytest.fixture(scope="module")
def seed(served: Served) -> str:
    """The seed's story in the served database, under a code of its own."""
    sessions = open_database(served.settings.database_url)
    return record_seed(sessions, f"S{uuid.uuid4().hex[:6]}-KH/ĐU-DVK-D2")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launched()


def ask(page: Page, as_of: str, directive: str | None = None) -> None:
    page.get_by_label("Số liệu tính đến ngày").fill(as_of)
    if directive is not None:
        page.get_by_label("Văn bản", exact=True).fill(directive)
    page.get_by_role("button", name="Xem số liệu").click()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_committee_reads_the_figures_the_bars_and_the_timeline(
    browser: Browser, served: Served, seed: str
) -> None:
    phone = sign_in(browser, served, "committee", PHONE)
    phone.get_by_role("link", name="Tổng hợp").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Tổng hợp kết quả thực hiện nhiệm vụ"
    )
    ask(phone, "31/12/2024", seed)
    total = phone.locator("tr.total td")
    expect(total).to_have_text(
        ["Tổng số", "14", "6", "2", "0", "5", "0", "1", "14", "75%", "42,9%", "914"]
    )
    ubnd = phone.locator("tbody tr", has_text="(UBND) — chủ trì")
    expect(ubnd.locator("td").nth(9)).to_have_text("80%")
    expect(phone.locator(".caption")).to_have_text("Số liệu tính đến 23:59 ngày 31/12/2024")
    expect(phone.locator("figure.chart svg")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "summary-360.png")

    desk = sign_in(browser, served, "committee", DESK)
    desk.goto(f"{served.url}/summary")
    ask(desk, "2024-12-31", seed)
    expect(desk.locator("tr.total td").last).to_have_text("914")
    shot(desk, "summary-1280.png")

    phone.goto(f"{served.url}/d/{quote(seed, safe='')}")
    phone.get_by_role("link", name="Tổng hợp, biểu đồ tiến độ, tải báo cáo").click()
    ask(phone, "31/12/2024")
    expect(phone.locator("figure.gantt svg")).to_be_visible()
    expect(phone.locator("figure.gantt figcaption")).to_contain_text("(14)")
    no_sideways_scroll(phone)
    shot(phone, "directive-summary-360.png")
    with phone.expect_download() as got:
        phone.get_by_role("link", name="Excel (XLSX)").click()
    name = got.value.suggested_filename
    assert name.endswith("-20241231.xlsx"), name
    assert Path(got.value.path()).read_bytes()[:2] == b"PK"  # a zip: the workbook


def test_wrong_date_is_named_and_a_unit_sees_its_own_rows(
    browser: Browser, served: Served, seed: str
) -> None:
    unit = sign_in(browser, served, "unit", PHONE)
    unit.get_by_role("link", name="Tổng hợp").click()
    ask(unit, "31/02/2024", seed)
    expect(unit.get_by_role("alert")).to_contain_text(
        "Số liệu tính đến ngày: không đọc được “31/02/2024”"
    )
    expect(unit.get_by_label("Số liệu tính đến ngày")).to_have_attribute("aria-invalid", "true")
    shot(unit, "summary-error-360.png")
    ask(unit, "31/12/2024")
    expect(unit.locator("tbody tr td:first-child")).to_have_text(
        [
            "Khối vận phường (KHOI_VAN) — chủ trì",
            "Khối vận phường (KHOI_VAN) — phối hợp",
            "Tổng số",
        ]
    )
    expect(unit.get_by_label("Đơn vị", exact=True)).to_have_value("KHOI_VAN")
    no_sideways_scroll(unit)
