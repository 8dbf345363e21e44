"""`dondoc user …` and `dondoc token …`: passwords from stdin, a token shown once, hashed."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.db.accounts import account_for_token, authenticate
from dondoc.db.models import ApiToken, User
from dondoc.db.session import open_database

PASSWORD = "một-mật-khẩu-dài"


def add(runner: CliRunner, env: dict[str, str], name: str = "kv1", *extra: str) -> str:
    got = runner.invoke(
        app, ["user", "add", name, "--unit", "KHOI_VAN", *extra], input=PASSWORD + "\n", env=env
    )
    assert got.exit_code == 0, got.output
    return got.output


class TestUser:
    def test_add_reads_the_password_from_stdin_and_hashes_it_with_argon2id(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        """The password never appears in the output or the database, only its argon2id hash."""
        out = add(runner, env, "kv1", "--role", "unit", "--name", "Nguyễn Văn A")
        sessions = open_database(env["DONDOC_DATABASE_URL"])
        with sessions() as s:
            stored = s.scalars(select(User.password_hash)).one()
        assert PASSWORD not in out
        assert stored.startswith("$argon2id$")
        assert authenticate(sessions, "kv1", PASSWORD) is not None

    def test_list_shows_role_and_unit(self, runner: CliRunner, env: dict[str, str]) -> None:
        add(runner, env, "kv1")
        got = runner.invoke(app, ["user", "list"], env=env)
        assert got.output.splitlines() == ["kv1\tunit\tKHOI_VAN\t"]

    def test_a_short_password_is_refused_in_one_line(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        got = runner.invoke(
            app, ["user", "add", "kv1", "--unit", "KHOI_VAN"], input="short\n", env=env
        )
        assert (got.exit_code, len(got.output.splitlines())) == (2, 1)

    def test_a_bad_username_is_refused(self, runner: CliRunner, env: dict[str, str]) -> None:
        got = runner.invoke(
            app, ["user", "add", "a b", "--unit", "KHOI_VAN"], input=PASSWORD + "\n", env=env
        )
        assert got.exit_code == 2

    def test_disable_ends_sign_in_and_tokens(self, runner: CliRunner, env: dict[str, str]) -> None:
        add(runner, env, "kv1")
        token = runner.invoke(app, ["token", "create", "kv1"], env=env).stdout.splitlines()[-1]
        assert runner.invoke(app, ["user", "disable", "kv1"], env=env).exit_code == 0
        sessions = open_database(env["DONDOC_DATABASE_URL"])
        assert authenticate(sessions, "kv1", PASSWORD) is None
        assert account_for_token(sessions, token, datetime.now(UTC)) is None

    def test_password_changes_it(self, runner: CliRunner, env: dict[str, str]) -> None:
        add(runner, env, "kv1")
        got = runner.invoke(app, ["user", "password", "kv1"], input="mật-khẩu-mới-1\n", env=env)
        sessions = open_database(env["DONDOC_DATABASE_URL"])
        assert got.exit_code == 0
        assert authenticate(sessions, "kv1", "mật-khẩu-mới-1") is not None
        assert authenticate(sessions, "kv1", PASSWORD) is None


class TestToken:
    def test_create_prints_the_token_alone_on_its_last_line_and_keeps_its_hash(
        self, runner: CliRunner, env: dict[str, str]
    ) -> None:
        add(runner, env, "kv1")
        got = runner.invoke(
            app,
            ["token", "create", "kv1", "--label", "zalo-bot", "--expires", "31/12/2099"],
            env=env,
        )
        token = got.stdout.splitlines()[-1]
        sessions = open_database(env["DONDOC_DATABASE_URL"])
        with sessions() as s:
            row = s.scalars(select(ApiToken)).one()
        found = account_for_token(sessions, token, datetime.now(UTC))
        assert token.startswith("ddc_")
        assert len(token) > 40
        assert token not in row.token_hash
        assert found is not None
        assert found.username == "kv1"
        assert row.expires_at is not None
        assert row.expires_at.year == 2099

    def test_revoke_stops_it(self, runner: CliRunner, env: dict[str, str]) -> None:
        add(runner, env, "kv1")
        token = runner.invoke(app, ["token", "create", "kv1"], env=env).stdout.splitlines()[-1]
        listed = runner.invoke(app, ["token", "list"], env=env).stdout
        assert token not in listed
        assert (
            runner.invoke(app, ["token", "revoke", listed.split("\t")[0]], env=env).exit_code == 0
        )
        sessions = open_database(env["DONDOC_DATABASE_URL"])
        assert account_for_token(sessions, token, datetime.now(UTC)) is None

    def test_an_expired_token_stops_working(self, runner: CliRunner, env: dict[str, str]) -> None:
        add(runner, env, "kv1")
        got = runner.invoke(app, ["token", "create", "kv1", "--expires", "01/01/2020"], env=env)
        sessions = open_database(env["DONDOC_DATABASE_URL"])
        assert account_for_token(sessions, got.stdout.splitlines()[-1], datetime.now(UTC)) is None
