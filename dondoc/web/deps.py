"""What every route depends on: the services opened once, the caller, and the permission check
(the one place the authorization table is enforced, for pages and API alike)."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from dondoc.config import Settings
from dondoc.db.accounts import account_for_session, account_for_token
from dondoc.db.session import SessionFactory
from dondoc.errors import NotFound
from dondoc.schemas.accounts import Account
from dondoc.web import evidence, reads
from dondoc.web.auth.limits import LoginLimiter
from dondoc.web.auth.policy import SITE, Op, Target, authorize
from dondoc.web.errors import CsrfFailed, Unauthenticated

SESSION_COOKIE = "dondoc_session"
LOGIN_CSRF_COOKIE = "dondoc_login_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Services:
    settings: Settings
    sessions: SessionFactory
    client: Client
    limiter: LoginLimiter


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


@dataclass(frozen=True)
class Caller:
    account: Account
    csrf: str | None = None  # a browser session's CSRF token (None for a bearer token)
    session_key: str | None = None


def now() -> datetime:
    return datetime.now(UTC)


async def optional_caller(request: Request) -> Caller | None:
    """The signed-in user, from `Authorization: Bearer` or the session cookie; None if neither."""
    svc = services(request)
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("use `Authorization: Bearer <token>`")
        account = await run_in_threadpool(account_for_token, svc.sessions, token.strip(), now())
        if account is None:
            raise Unauthenticated("the token is unknown, expired or revoked")
        return Caller(account)
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        found = await run_in_threadpool(account_for_session, svc.sessions, key, now())
        if found is not None:
            return Caller(found[0], csrf=found[1], session_key=key)
    return None


async def caller(request: Request) -> Caller:
    """The signed-in user; a browser session's unsafe request must carry its CSRF token."""
    found = await optional_caller(request)
    if found is None:
        raise Unauthenticated()
    request.state.account, request.state.csrf = found.account, found.csrf  # for the pages
    if request.method not in SAFE_METHODS and found.csrf is not None:
        await check_csrf(request, found.csrf)
    return found


async def check_csrf(request: Request, expected: str) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf")
        given = value if isinstance(value, str) else None
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfFailed()


def target_of(svc: Services, request: Request) -> Target:
    """What the request acts on, from its path (an item, a directive, a file) or its filter."""
    params = request.path_params
    if "evidence_id" in params:
        raw = str(params["evidence_id"])  # as in the path: the route's int is not parsed yet
        if not raw.isdigit() or len(raw) > 12:
            raise NotFound(f"no evidence file {raw[:20]}")
        found = evidence.locate(svc.sessions, svc.settings.web.evidence_dir, int(raw))
        return reads.item_target(svc.sessions, found.code, found.number)
    if "number" in params:
        return reads.item_target(svc.sessions, params["code"], params["number"])
    if "code" in params:
        return reads.directive_target(svc.sessions, params["code"])
    unit = request.query_params.get("unit")
    return Target(units=frozenset({unit})) if unit else SITE


def permit(op: Op) -> Callable[..., Awaitable[Caller]]:
    """A dependency: the caller, once the table allows `op` on what the request names."""

    async def check(request: Request, who: Annotated[Caller, Depends(caller)]) -> Caller:
        svc = services(request)
        target = await run_in_threadpool(target_of, svc, request)
        authorize(who.account, op, target)
        return who

    return check
