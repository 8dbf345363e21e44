"""The email channel: plain text and HTML in Vietnamese over SMTP (STARTTLS, TLS or plain)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from pathlib import Path

from pydantic import SecretStr

from dondoc.config import Settings
from dondoc.notify import texts
from dondoc.notify.channels import DeliveryError
from dondoc.schemas.notify import OutboxMessage, Recipient


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = True
    ssl: bool = False
    sender: str = "dondoc@localhost"
    ca_file: Path | None = None
    timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, s: Settings) -> SmtpConfig | None:
        if not s.smtp_host:
            return None
        return cls(
            host=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            starttls=s.smtp_starttls,
            ssl=s.smtp_ssl,
            sender=s.smtp_from,
            ca_file=s.smtp_ca_file,
            timeout_s=s.smtp_timeout_s,
        )


class SmtpChannel:
    """One connection per send: simple, and a broken connection never poisons the next one."""

    name = "email"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        context = ssl.create_default_context()
        if config.ca_file is not None:
            context.load_verify_locations(cafile=str(config.ca_file))
        self.context = context
        self.domain = parseaddr(config.sender)[1].rpartition("@")[2] or "dondoc.local"

    def build(self, m: OutboxMessage, to: Recipient) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = texts.subject(m)
        mail["From"] = self.config.sender
        mail["To"] = ", ".join(str(Address(addr_spec=a)) for a in to.emails)
        mail["Date"] = formatdate(m.created_at.timestamp(), usegmt=True)
        mail["Message-ID"] = texts.message_id(m, self.domain)
        mail["X-Dondoc-Delivery"] = str(m.id)
        mail.set_content(texts.plain(m), charset="utf-8")
        mail.add_alternative(texts.html_body(m), subtype="html", charset="utf-8")
        return mail

    def send(self, message: OutboxMessage, to: Recipient) -> str:
        if not to.emails:
            raise DeliveryError(f"unit {to.unit_code} has no email address", permanent=True)
        mail = self.build(message, to)
        c = self.config
        try:
            smtp: smtplib.SMTP
            if c.ssl:
                smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout_s, context=self.context)
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout_s)
            with smtp:
                if c.starttls and not c.ssl:
                    smtp.starttls(context=self.context)
                if c.username:
                    password = c.password.get_secret_value() if c.password else ""
                    smtp.login(c.username, password)
                refused, answer = _transmit(smtp, parseaddr(c.sender)[1], to.emails, mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"every recipient refused: {_codes(exc)}", permanent=True) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})", permanent=False) from None
        except smtplib.SMTPResponseException as exc:
            text = f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}"
            raise DeliveryError(text, permanent=500 <= exc.smtp_code < 600) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {type(exc).__name__}: {exc}", permanent=False) from None
        kept = f" (refused: {', '.join(sorted(refused))})" if refused else ""
        return f"{answer}{kept}"


def _transmit(
    smtp: smtplib.SMTP, sender: str, rcpts: list[str], mail: EmailMessage
) -> tuple[dict[str, tuple[int, bytes]], str]:
    """sendmail's steps, keeping the server's final answer (`250 … queued as …`)."""
    smtp.ehlo_or_helo_if_needed()
    code, resp = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, resp, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for rcpt in rcpts:
        code, resp = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, resp)
    if len(refused) == len(rcpts):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, resp = smtp.data(mail.as_bytes(policy=mail.policy.clone(linesep="\r\n")))
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPDataError(code, resp)
    return refused, f"{code} {_text(resp)}"


def _codes(exc: smtplib.SMTPRecipientsRefused) -> str:
    return ", ".join(f"{addr} {code}" for addr, (code, _msg) in exc.recipients.items())


def _text(raw: bytes | str) -> str:
    value = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return " ".join(value.split())[:200]
