"""A local SMTP server (aiosmtpd) and a local webhook (http.server) on 127.0.0.1, each on a free port, that keep
what they receive: the places a test's notifications go."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "robot-mailer"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    """One message as the server took it: who logged in, the envelope, the raw bytes and the decoded text."""

    authenticated: bool
    mail_from: str
    to: list[str]
    raw: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[return-value]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """Every text part, decoded (quoted-printable or base64 would hide a secret from a plain scan)."""
        return "\n".join(part.get_content() for part in self.message.walk() if part.get_content_maintype() == "text")


@dataclass
class SmtpServer:
    port: int
    password: str
    mails: list[Mail] = field(default_factory=list)
    refused_logins: int = 0


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.server.mails.append(Mail(bool(session.authenticated), envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


@contextlib.contextmanager
def smtp_server(password: str = "Smtp-local-Secret-7!") -> Iterator[SmtpServer]:
    """An SMTP server that asks for a login (plain, over loopback only) and keeps every message."""
    server = SmtpServer(free_port(), password)

    def authenticate(_server, _session, _envelope, _mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == SMTP_USER and data.password.decode() == password
        server.refused_logins += not ok
        return AuthResult(success=ok)

    controller = Controller(_Handler(server), hostname="127.0.0.1", port=server.port, authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class Webhook:
    port: int
    bodies: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"


@contextlib.contextmanager
def webhook() -> Iterator[Webhook]:
    """An HTTP server that answers 200 to every POST and keeps its body and headers."""
    hook = Webhook(0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            hook.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            hook.headers.append(dict(self.headers))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
