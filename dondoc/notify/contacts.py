"""Contacts: where each unit's messages go (site-wide), set one by one or imported from YAML."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select

from dondoc.db.models import Contact
from dondoc.db.session import SessionFactory
from dondoc.errors import InvalidFile, InvalidInput
from dondoc.schemas.notify import ChannelName, ContactView
from dondoc.schemas.words import in_words


class ContactSpec(BaseModel):
    """One contact as given on the command line or in a contacts file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    email: list[str] = Field(default_factory=list, max_length=20)
    webhook: str | None = Field(default=None, max_length=2000)
    webhook_secret: str | None = Field(default=None, min_length=16, max_length=200)
    channel: list[ChannelName] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for address in value:
            local, at, domain = address.partition("@")
            if not (local and at and "." in domain) or any(c.isspace() for c in address):
                raise ValueError(f"{address!r} is not an email address")
        return value

    @field_validator("webhook")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("a webhook URL starts with https:// (or http://)")
        return value


def view(c: Contact) -> ContactView:
    return ContactView(
        unit_code=c.unit_code,
        emails=list(c.emails),
        webhook_url=c.webhook_url,
        has_secret=bool(c.webhook_secret),
        channels=[ChannelName(ch) for ch in c.channels],
        updated_at=c.updated_at,
    )


def set_contacts(
    sessions: SessionFactory, specs: Sequence[ContactSpec]
) -> list[tuple[ContactView, str | None]]:
    """Create or replace each unit's contact; returns each with the secret generated for it (a
    webhook given without a secret gets one, shown once), or None."""
    now = datetime.now(UTC)
    done: list[tuple[ContactView, str | None]] = []
    with sessions.begin() as s:
        for spec in specs:
            row = s.scalars(select(Contact).where(Contact.unit_code == spec.unit)).one_or_none()
            generated = None
            secret = spec.webhook_secret
            if spec.webhook and secret is None:
                kept = row.webhook_secret if row and row.webhook_url == spec.webhook else None
                secret = kept or (generated := secrets.token_urlsafe(32))
            channels = [c.value for c in spec.channel]
            if ChannelName.WEBHOOK in spec.channel and not spec.webhook:
                raise InvalidInput(f"unit {spec.unit}: --channel webhook needs --webhook URL")
            if ChannelName.EMAIL in spec.channel and not spec.email:
                raise InvalidInput(f"unit {spec.unit}: --channel email needs --email ADDRESS")
            values: dict[str, Any] = {
                "emails": spec.email,
                "webhook_url": spec.webhook,
                "webhook_secret": secret if spec.webhook else None,
                "channels": channels,
                "updated_at": now,
            }
            if row is None:
                row = Contact(unit_code=spec.unit, **values)
                s.add(row)
            else:
                for k, v in values.items():
                    setattr(row, k, v)
            s.flush()
            done.append((view(row), generated))
    return done


def list_contacts(sessions: SessionFactory) -> list[ContactView]:
    with sessions() as s:
        return [view(c) for c in s.scalars(select(Contact).order_by(Contact.unit_code))]


def read_contacts_file(path: Path) -> list[ContactSpec]:
    """`contacts:` a list of {unit, email, webhook, webhook_secret, channel}; every problem is
    reported with its line, and nothing is stored unless the whole file is right."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile(f"{path}: cannot be read ({exc})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidFile(f"{path}: not YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict) or not isinstance(data.get("contacts"), list):
        raise InvalidFile(f"{path}:1: expected a mapping with a `contacts:` list")
    lines = _entry_lines(root)
    specs, problems = [], []
    seen: dict[str, int] = {}
    for n, entry in enumerate(data["contacts"]):
        line = lines[n] if n < len(lines) else 1
        try:
            spec = ContactSpec.model_validate(entry)
        except ValidationError as exc:
            problems.append(f"{path}:{line}: contacts[{n}]: {in_words(exc)}")
            continue
        if spec.unit in seen:
            problems.append(
                f"{path}:{line}: unit {spec.unit} already given on line {seen[spec.unit]}"
            )
        seen[spec.unit] = line
        specs.append(spec)
    if problems:
        raise InvalidFile(f"{path}: {len(problems)} problem(s)\n" + "\n".join(problems), problems)
    return specs


def _entry_lines(root: yaml.Node | None) -> list[int]:
    """The 1-based line of each entry of the `contacts:` list."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "contacts" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []
