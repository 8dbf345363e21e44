"""Accounts, API tokens and browser sessions in dondoc's database.

Passwords are hashed with argon2id; tokens and session keys are random (256 bits), so only their
SHA-256 is kept: a leaked table gives no way in. Nothing here logs a secret.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dondoc.db.models import ApiToken, User, WebSession
from dondoc.db.session import SessionFactory
from dondoc.errors import InvalidInput, NotFound
from dondoc.schemas.accounts import Account, TokenInfo, UserRole

HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi's default)
# Verified when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("dondoc-no-such-user")
TOKEN_PREFIX = "ddc_"
MIN_PASSWORD = 8
MAX_PASSWORD = 256


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _account(u: User) -> Account:
    return Account(
        username=u.username,
        name=u.name,
        unit=u.unit_code,
        role=UserRole(u.role),
        disabled=u.disabled,
    )


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"a password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters; choose another"
        )


def add_user(
    sessions: SessionFactory,
    username: str,
    unit: str,
    role: UserRole,
    password: str,
    now: datetime,
    name: str = "",
) -> Account:
    check_password(password)
    row = User(
        username=username,
        name=name,
        unit_code=unit,
        role=role.value,
        password_hash=HASHER.hash(password),
        created_at=now,
    )
    try:
        with sessions.begin() as s:
            s.add(row)
    except IntegrityError:
        raise InvalidInput(f"user '{username}' exists already; choose another name") from None
    return _account(row)


def list_users(sessions: SessionFactory) -> list[Account]:
    with sessions() as s:
        return [_account(u) for u in s.scalars(select(User).order_by(User.username))]


def _user(s: Session, username: str) -> User:
    found = s.scalars(select(User).where(User.username == username)).one_or_none()
    if found is None:
        raise NotFound(f"no user named '{username}'; see `dondoc user list`")
    return found


def disable_user(sessions: SessionFactory, username: str, now: datetime) -> None:
    """Disabled: no sign-in, and every session and token of the user stops working now."""
    with sessions.begin() as s:
        user = _user(s, username)
        user.disabled = True
        s.execute(
            update(WebSession)
            .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        s.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def set_password(sessions: SessionFactory, username: str, password: str, now: datetime) -> None:
    """A new password; the user's browser sessions end (tokens stay: revoke them on their own)."""
    check_password(password)
    with sessions.begin() as s:
        user = _user(s, username)
        user.password_hash = HASHER.hash(password)
        s.execute(
            update(WebSession)
            .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def authenticate(sessions: SessionFactory, username: str, password: str) -> Account | None:
    """The account, if the name and password match an enabled user; None otherwise (which of
    the two was wrong is not said)."""
    with sessions() as s:
        user = s.scalars(select(User).where(User.username == username)).one_or_none()
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        with sessions.begin() as s:
            _user(s, username).password_hash = HASHER.hash(password)
    return _account(user)


def create_token(
    sessions: SessionFactory,
    username: str,
    now: datetime,
    label: str = "",
    expires_at: datetime | None = None,
) -> tuple[str, TokenInfo]:
    """A new bearer token: returned once, kept only as its hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as s:
        user = _user(s, username)
        if user.disabled:
            raise InvalidInput(f"user '{username}' is disabled; no token can be made for it")
        row = ApiToken(
            user_id=user.id,
            token_hash=digest(token),
            label=label,
            created_at=now,
            expires_at=expires_at,
        )
        s.add(row)
        s.flush()
        info = TokenInfo(
            id=row.id, username=username, label=label, created_at=now, expires_at=expires_at
        )
    return token, info


def revoke_token(sessions: SessionFactory, token_id: int, now: datetime) -> None:
    with sessions.begin() as s:
        row = s.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no token with id {token_id}; see `dondoc token list`")
        row.revoked_at = row.revoked_at or now


def list_tokens(sessions: SessionFactory) -> list[TokenInfo]:
    with sessions() as s:
        rows = s.execute(select(ApiToken, User.username).join(User).order_by(ApiToken.id)).all()
        return [
            TokenInfo(
                id=t.id,
                username=name,
                label=t.label,
                created_at=t.created_at,
                expires_at=t.expires_at,
                revoked_at=t.revoked_at,
            )
            for t, name in rows
        ]


def account_for_token(sessions: SessionFactory, token: str, now: datetime) -> Account | None:
    with sessions() as s:
        found = s.execute(
            select(ApiToken, User).join(User).where(ApiToken.token_hash == digest(token))
        ).one_or_none()
    if found is None:
        return None
    row, user = found
    if row.revoked_at or user.disabled or (row.expires_at and row.expires_at <= now):
        return None
    return _account(user)


@dataclass(frozen=True)
class BrowserSession:
    key: str  # the cookie's value: only its hash is stored
    csrf: str
    expires_at: datetime


def open_session(
    sessions: SessionFactory, account: Account, now: datetime, lifetime: timedelta
) -> BrowserSession:
    key, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with sessions.begin() as s:
        user = _user(s, account.username)
        s.add(
            WebSession(
                user_id=user.id,
                key_hash=digest(key),
                csrf=csrf,
                created_at=now,
                expires_at=now + lifetime,
            )
        )
    return BrowserSession(key=key, csrf=csrf, expires_at=now + lifetime)


def account_for_session(
    sessions: SessionFactory, key: str, now: datetime
) -> tuple[Account, str] | None:
    """The session's account and CSRF token, while it is neither expired, ended nor disabled."""
    with sessions() as s:
        found = s.execute(
            select(WebSession, User).join(User).where(WebSession.key_hash == digest(key))
        ).one_or_none()
    if found is None:
        return None
    row, user = found
    if row.revoked_at or user.disabled or row.expires_at <= now:
        return None
    return _account(user), row.csrf


def close_session(sessions: SessionFactory, key: str, now: datetime) -> None:
    with sessions.begin() as s:
        s.execute(
            update(WebSession)
            .where(WebSession.key_hash == digest(key), WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
