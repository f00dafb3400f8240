"""The sandbox in a child process, so the robot's process is measured without the web server.

The real sites are remote: the server's CPU time, memory and Python threads (which would fight the
robot for the GIL) belong to another machine. Here they belong to a child started with the "spawn"
context; it sends back its addresses and logins over a Pipe, serves until told to stop, and on request
answers with the server-side check of every Clinician account (``account_problems``).
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from robot.sandbox import SKINS, Faults, Sandbox, SandboxState
from robot.settings import Site

START_TIMEOUT_S = 120.0
ANSWER_TIMEOUT_S = 60.0


def account_problems(state: SandboxState) -> dict[str, list[str]]:
    """For every Clinician account, what keeps it from being configured (empty list = configured)."""
    maxmd = {e.npi: e.direct_address for e in state.entries() if e.npi and e.status == "Complete"}
    found: dict[str, list[str]] = {}
    for a in state.accounts_of_type("Clinician"):
        problems = []
        if a.emergency_access:
            problems.append("Allow Emergency Access is on")
        if not a.poll_direct:
            problems.append("Poll Direct Mailbox is off")
        if not a.direct_address:
            problems.append("no Direct address")
        elif maxmd.get(a.username) and a.direct_address.lower() != (maxmd[a.username] or "").lower():
            problems.append("the Direct address differs from MaxMD's")
        if not a.password:
            problems.append("no password")
        if not a.direct_password:
            problems.append("no Direct password")
        found[a.username] = problems
    return found


def judge(problems: dict[str, list[str]], expected: int) -> str:
    """'' when all ``expected`` Clinicians are configured, else one line saying what is not."""
    bad = {u: p for u, p in problems.items() if p}
    configured = len(problems) - len(bad)
    if configured == expected and not bad:
        return ""
    text = f"{configured} of {expected} providers configured"
    if bad:
        user, why = next(iter(sorted(bad.items())))
        text += f" (e.g. {user}: {', '.join(why)})"
    return text


def _serve(conn: Connection, providers: int, seed: int, latency_ms: int, skin: str = "default") -> None:
    """The child: start the sandbox, say where it is, answer "check" until "stop" (or the parent is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent stops us
    try:
        sandbox = Sandbox(providers=providers, seed=seed, faults=Faults(latency_ms=latency_ms, gates={}, cookie_banner=set()), skin=skin).start()
    except BaseException:  # noqa: BLE001 - tell the parent, whatever it was
        conn.send({"error": traceback.format_exc(limit=3)})
        return
    try:
        conn.send({
            "maxmd_url": sandbox.maxmd_url,
            "maxmd_username": sandbox.maxmd_username,
            "maxmd_password": sandbox.maxmd_password,
            "portal_url": sandbox.portal_url,
            "portal_username": sandbox.portal_username,
            "portal_password": sandbox.portal_password,
        })
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break  # the parent is gone
            if message == "check":
                conn.send(account_problems(sandbox.state))
            elif message == "stop":
                break
    finally:
        sandbox.stop()
        conn.close()


class SandboxChild:
    """A fresh sandbox of ``providers`` generated providers (same ``seed``: the same practice) in a child process,
    in one of its renderings (``skin``: one of ``robot.sandbox.SKINS``).

        with SandboxChild(10, seed=0, latency_ms=0, skin="legacy") as sb:
            sb.maxmd, sb.portal (robot.settings.Site), sb.pid, sb.check()
    """

    def __init__(self, providers: int, *, seed: int = 0, latency_ms: int = 0, skin: str = "default") -> None:
        if skin not in SKINS:
            raise ValueError(f"skin must be one of {', '.join(SKINS)}, not {skin!r}")
        self.providers, self.seed, self.latency_ms, self.skin = providers, seed, latency_ms, skin
        self.info: dict[str, Any] = {}
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    @property
    def maxmd(self) -> Site:
        i = self.info
        return Site("MaxMD", i["maxmd_url"], i["maxmd_username"], i["maxmd_password"])

    @property
    def portal(self) -> Site:
        i = self.info
        return Site("portal", i["portal_url"], i["portal_username"], i["portal_password"])

    @property
    def pid(self) -> int:
        assert self._process is not None and self._process.pid is not None
        return self._process.pid

    def start(self) -> SandboxChild:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child_end, self.providers, self.seed, self.latency_ms, self.skin),
                                    name=f"bench-sandbox-{self.skin}-{self.providers}", daemon=True)
        self._process.start()
        child_end.close()
        self.info = self._answer(START_TIMEOUT_S, "start")
        if "error" in self.info:
            self.stop()
            raise RuntimeError(f"the sandbox did not start:\n{self.info['error']}")
        return self

    def check(self) -> dict[str, list[str]]:
        """Every Clinician account's problems (see ``account_problems``), read from the server's state."""
        assert self._conn is not None
        self._conn.send("check")
        return self._answer(ANSWER_TIMEOUT_S, "check")

    def _answer(self, timeout: float, what: str) -> Any:
        assert self._conn is not None and self._process is not None
        deadline = time.monotonic() + timeout
        while not self._conn.poll(0.2):
            if not self._process.is_alive():
                raise RuntimeError(f"the sandbox child ended (exit code {self._process.exitcode}) before answering {what}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox child gave no answer to {what} within {timeout:.0f} s")
        try:
            return self._conn.recv()
        except EOFError:
            raise RuntimeError(f"the sandbox child ended (exit code {self._process.exitcode}) before answering {what}") from None

    def stop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send("stop")
            except (OSError, ValueError):
                pass
        if self._process is not None:
            self._process.join(10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def __enter__(self) -> SandboxChild:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
