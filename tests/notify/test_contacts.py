"""`dondoc contact set|list|import`: contacts per unit, secrets generated once, files checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.config import get_settings
from dondoc.db.models import Contact
from dondoc.db.session import SessionFactory


@pytest.fixture
def cli(db: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    with db() as s:
        monkeypatch.setenv("DONDOC_DATABASE_URL", s.get_bind().engine.url.render_as_string())
    get_settings.cache_clear()
    return CliRunner()


def secret_of(db: SessionFactory, unit: str) -> str | None:
    with db() as s:
        from sqlalchemy import select

        return s.scalars(select(Contact.webhook_secret).where(Contact.unit_code == unit)).one()


def test_a_webhook_without_a_secret_gets_one_printed_once(
    cli: CliRunner, db: SessionFactory
) -> None:
    first = cli.invoke(app, ["contact", "set", "KHOI_VAN", "--webhook", "https://h.vn/x"])
    assert first.exit_code == 0, first.output
    secret = secret_of(db, "KHOI_VAN")
    assert secret is not None
    assert secret in first.output
    again = cli.invoke(
        app, ["contact", "set", "KHOI_VAN", "--webhook", "https://h.vn/x", "--email", "a@b.vn"]
    )
    assert (secret, False) == (secret_of(db, "KHOI_VAN"), secret in again.output)
    listed = json.loads(cli.invoke(app, ["contact", "list", "--json"]).output)
    assert [(c["unit_code"], c["emails"], c["has_secret"]) for c in listed["contacts"]] == [
        ("KHOI_VAN", ["a@b.vn"], True)
    ]
    assert secret not in cli.invoke(app, ["contact", "list", "--json"]).output


def test_a_bad_address_is_refused_with_exit_2(cli: CliRunner) -> None:
    found = cli.invoke(app, ["contact", "set", "UBND", "--email", "not-an-address"])
    assert found.exit_code == 2
    assert "not-an-address" in found.output


def test_an_imported_file_names_every_problem_with_its_line_and_stores_nothing(
    cli: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(
        "contacts:\n"
        "  - unit: UBND\n"
        "    email: [ubnd@phuong.vn]\n"
        "  - unit: MTTQ\n"
        "    email: [wrong]\n"
        "  - unit: UBND\n"
        "    channel: [log]\n"
        "  - unit: DOAN_TN\n"
        "    webhook: ftp://x\n",
        encoding="utf-8",
    )
    found = cli.invoke(app, ["contact", "import", str(path)])
    assert found.exit_code == 2
    lines = [f"{path}:4:", f"{path}:6: unit UBND already given on line 2", f"{path}:8:"]
    assert [line in found.output for line in lines] == [True, True, True]
    assert "no contacts" in cli.invoke(app, ["contact", "list"]).output


def test_a_good_file_stores_every_contact(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(
        "contacts:\n"
        "  - {unit: UBND, email: [ubnd@phuong.vn], channel: [email]}\n"
        "  - {unit: DANG_UY, channel: [log]}\n",
        encoding="utf-8",
    )
    found = cli.invoke(app, ["contact", "import", str(path)])
    assert found.exit_code == 0, found.output
    listed = json.loads(cli.invoke(app, ["contact", "list", "--json"]).output)
    assert [(c["unit_code"], c["channels"]) for c in listed["contacts"]] == [
        ("DANG_UY", ["log"]),
        ("UBND", ["email"]),
    ]
