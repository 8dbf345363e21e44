"""The email channel against a real SMTP server in the test process (aiosmtpd), over STARTTLS
with a certificate made here: recipients, Vietnamese subject and body, Message-ID."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import update

from dondoc.db.models import Notification
from dondoc.db.session import SessionFactory
from dondoc.notify.channels.smtp import SmtpChannel, SmtpConfig
from dondoc.notify.contacts import ContactSpec, set_contacts
from dondoc.notify.dispatch import Dispatcher, Policy
from dondoc.notify.outbox import Notifier
from dondoc.schemas.notify import OutboxState
from tests.notify.conftest import FAST, record, rows, settle


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (it is its own CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Inbox:
    """What the server received: envelope recipients, the message, and whether TLS was on."""

    mails: list[tuple[list[str], EmailMessage, bool]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append((list(envelope.rcpt_tos), mail, session.ssl is not None))
        return "250 2.0.0 queued as T1"


@dataclass
class Server:
    inbox: Inbox
    port: int
    ca_file: Path


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[Server]:
    cert, key = make_certificate(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=True
    )
    controller.start()
    try:
        yield Server(inbox, port, cert)
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def channel(server: Server, **kw: Any) -> SmtpChannel:
    config = SmtpConfig(
        host="127.0.0.1",
        port=server.port,
        sender="Đôn đốc <dondoc@phuong.gov.vn>",
        ca_file=server.ca_file,
        timeout_s=5,
        **kw,
    )
    return SmtpChannel(config)


def test_an_escalation_arrives_by_email_over_starttls(
    db: SessionFactory, smtp_server: Server
) -> None:
    """Recipients, the Vietnamese subject and body in UTF-8, a Message-ID from the row, TLS on."""
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", email=["a@phuong.vn", "b@phuong.vn"])])
    notifier = Notifier()
    [row_id] = record(db, notifier)
    policy_ = Policy(first_retry=FAST, web_url="https://dondoc.phuong.vn")
    settle(Dispatcher(db, notifier, {"email": channel(smtp_server)}, policy_), db)

    [(rcpts, mail, tls)] = smtp_server.inbox.mails
    assert (rcpts, tls) == (["a@phuong.vn", "b@phuong.vn"], True)
    assert mail["Subject"] == "[Đôn đốc] Nhiệm vụ 2 quá hạn (lần 2) — 127-KH/ĐU-DVK-D2"
    assert mail["Message-ID"].startswith(f"<dondoc.{row_id}.")
    assert mail["Message-ID"].endswith("@phuong.gov.vn>")
    assert str(row_id) == mail["X-Dondoc-Delivery"]
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None
    assert html is not None
    text = plain.get_content()
    assert "Báo cáo quá hạn (lần 2): nhiệm vụ 2 «Tuyên truyền» số 0" in text
    assert "https://dondoc.phuong.vn/directives/127-KH%2F%C4%90U-DVK-D2/items/2" in text
    assert "«Tuyên truyền»" in html.get_content()
    [row] = rows(db)
    assert (row.state, row.answer) == (OutboxState.SENT, "email: 250 2.0.0 queued as T1")


def test_a_repeat_carries_the_same_message_id(db: SessionFactory, smtp_server: Server) -> None:
    """A second send of one row (after a lost answer) is recognisably the same message."""
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", email=["a@phuong.vn"])])
    notifier = Notifier()
    record(db, notifier)
    ch = channel(smtp_server)
    dispatcher = Dispatcher(db, notifier, {"email": ch})
    settle(dispatcher, db)
    with db.begin() as s:  # as if the server's answer had been lost: the row is sent again
        s.execute(update(Notification).values(state="pending", done_channels=[]))
    settle(dispatcher, db)
    ids = [mail["Message-ID"] for _, mail, _ in smtp_server.inbox.mails]
    assert len(ids) == 2
    assert ids[0] == ids[1]


def test_an_untrusted_certificate_is_retried_not_sent_in_clear(
    db: SessionFactory, smtp_server: Server
) -> None:
    """Without the CA the TLS handshake fails: nothing is sent, the row waits to be retried."""
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", email=["a@phuong.vn"])])
    notifier = Notifier()
    record(db, notifier)
    untrusting = SmtpChannel(SmtpConfig(host="127.0.0.1", port=smtp_server.port, timeout_s=5))
    Dispatcher(db, notifier, {"email": untrusting}).run_once()
    [row] = rows(db)
    assert (row.state, smtp_server.inbox.mails) == (OutboxState.RETRYING, [])
    assert row.last_error is not None
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error


def test_a_refused_recipient_fails_for_good(db: SessionFactory, smtp_server: Server) -> None:
    class Refusing(Inbox):
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: Any
        ) -> str:
            return "550 5.1.1 no such mailbox"

    smtp_server.inbox.__class__ = Refusing
    set_contacts(db, [ContactSpec(unit="KHOI_VAN", email=["ghost@phuong.vn"])])
    notifier = Notifier()
    record(db, notifier)
    settle(Dispatcher(db, notifier, {"email": channel(smtp_server)}, Policy(first_retry=FAST)), db)
    [row] = rows(db)
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert row.last_error is not None
    assert "550" in row.last_error


def test_a_directives_own_address_for_a_unit_is_used_for_its_messages(
    db: SessionFactory, smtp_server: Server
) -> None:
    """`units: - {code: DANG_UY, email: [...]}` in a directive: that directive's messages to the
    unit go there, even with no site contact; another directive's keep the site's."""
    from temporalio.testing import ActivityEnvironment

    from dondoc.activities.records import RecordActivities
    from dondoc.db.store import store_directive
    from dondoc.importer.yaml_file import parse_directive
    from dondoc.schemas.records import ItemRef, RecordEscalationInput

    set_contacts(db, [ContactSpec(unit="KHOI_VAN", email=["khoivan@phuong.vn"])])
    text = (
        'code: "OWN-KH/ĐU"\ntitle: "Chỉ thị"\ncommittee: DANG_UY\nunits:\n'
        '  - {code: DANG_UY, name: "Đảng ủy", email: [bithu@phuong.vn]}\n'
        '  - {code: KHOI_VAN, name: "Khối vận"}\n'
        "defaults: {remind_before: P3D, escalate_every: P7D}\nitems:\n"
        '  - {number: "1", title: "Việc", lead: [KHOI_VAN], due: 2031-06-30T17:00:00+07:00}\n'
    )
    store_directive(db, parse_directive(text, "<test>"), dt.datetime(2031, 6, 1, tzinfo=dt.UTC))
    notifier = Notifier()
    acts = RecordActivities(db, notifier)
    at = dt.datetime(2031, 7, 1, tzinfo=dt.UTC)
    ref = ItemRef(directive_code="OWN-KH/ĐU", number="1")
    ActivityEnvironment().run(
        acts.record_escalation, RecordEscalationInput(item=ref, level=1, at=at)
    )
    settle(Dispatcher(db, notifier, {"email": channel(smtp_server)}, Policy(first_retry=FAST)), db)

    assert [rcpts for rcpts, _, _ in smtp_server.inbox.mails] == [["bithu@phuong.vn"]]
    assert [r.state for r in rows(db)] == [OutboxState.SENT]
