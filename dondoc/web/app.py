"""The web app: the JSON API and the pages, over one Temporal client and one database opened
in the lifespan (the web process is a client and a reader: it never runs workflow code)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

from dondoc.client import connect
from dondoc.config import Settings
from dondoc.db.session import SessionFactory, open_database
from dondoc.web import errors
from dondoc.web.auth.limits import LoginLimiter
from dondoc.web.deps import Services
from dondoc.web.pages import HERE
from dondoc.web.routes import api, pages, summary


def create_app(
    settings: Settings, *, sessions: SessionFactory | None = None, client: Client | None = None
) -> FastAPI:
    """The app; `sessions` and `client` are opened in the lifespan unless handed in (a demo
    that holds them already)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services(
            settings=settings,
            sessions=sessions or open_database(settings.database_url),
            client=client or await connect(settings),
            limiter=LoginLimiter(settings.web.login_failures, settings.web.login_window_s),
        )
        yield

    app = FastAPI(
        title="dondoc",
        summary="Đôn đốc thực hiện nhiệm vụ: directives, items, reports and actions",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(api.router)
    app.include_router(summary.api_router)
    app.include_router(summary.router)  # before the pages: /d/{code:path} would take its paths
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def headers(request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
