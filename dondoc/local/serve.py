"""`dondoc demo --serve`: the demo's engine, worker and the web kept running with two demo
accounts (a unit and the committee) until Ctrl-C."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import uvicorn
from temporalio.client import Client

from dondoc.config import Settings
from dondoc.console import Renderer
from dondoc.db.accounts import add_user
from dondoc.db.session import SessionFactory
from dondoc.schemas.accounts import UserRole
from dondoc.web.app import create_app


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    unit: str
    role: UserRole


def demo_accounts(sessions: SessionFactory, unit: str, committee: str) -> list[DemoAccount]:
    """Two throw-away accounts with fresh random passwords (the demo's database is deleted)."""
    found = [
        DemoAccount("donvi", secrets.token_urlsafe(9), unit, UserRole.UNIT),
        DemoAccount("capuy", secrets.token_urlsafe(9), committee, UserRole.COMMITTEE),
    ]
    now = datetime.now(UTC)
    for a in found:
        add_user(sessions, a.username, a.unit, a.role, a.password, now, name=f"Demo {a.unit}")
    return found


async def serve_web(
    settings: Settings,
    sessions: SessionFactory,
    client: Client,
    accounts: list[DemoAccount],
    out: Renderer,
) -> None:
    """Serve the pages and API on the demo's engine until Ctrl-C (uvicorn then returns)."""
    app = create_app(settings, sessions=sessions, client=client)
    config = uvicorn.Config(
        app, host=settings.web.host, port=settings.web.port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    url = f"http://{settings.web.host}:{settings.web.port}/"
    lines = [f"\nThe web is at {url} — sign in as (demo accounts, this run only):"]
    lines += [f"  {a.username} / {a.password}   ({a.role.value}, {a.unit})" for a in accounts]
    lines.append(f"Summaries, charts and the report downloads: {url}summary")
    lines.append("Engine, worker and web keep running; press Ctrl-C to stop them all.")
    out.console.print("\n".join(lines), highlight=False, markup=False)
    await server.serve()
