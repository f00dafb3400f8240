"""Helpers for tests that run the robot against a sandbox: one call, the run's files, its secrets."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, quote_plus

from robot.browser import choose_browser
from robot.check import check
from robot.run import RunOptions, RunResult, execute
from robot.sandbox import Sandbox
from robot.otp import OneTimeCodes
from robot.settings import Settings, Site, load

ROOT = Path(__file__).resolve().parents[1]


def sandbox_settings(config_dir: Path | None = None, environ: dict[str, str] | None = None, skin: str = "default") -> Settings:
    """The shipped config/robot.yaml (or one in ``config_dir``), with no real environment or .env.

    Every rendering with the default locators: ``skin`` names the rendering the caller means only.
    """
    config = (config_dir or ROOT / "config") / "robot.yaml"
    return load(config, environ=environ or {}, dotenv_path=None, force_sandbox=True)


@dataclass
class Finished:
    """A finished run: its result and everything it left behind."""

    result: RunResult
    stdout: str = ""
    stderr: str = ""
    secrets: list[str] = field(default_factory=list)

    @property
    def dir(self) -> Path:
        return self.result.run_dir

    @property
    def record(self) -> dict:
        return json.loads((self.dir / "run.json").read_text())

    def status(self, npi: str) -> str:
        return next(p["status"] for p in self.record["providers"] if p["npi"] == npi)

    def provider(self, npi: str) -> dict:
        return next(p for p in self.record["providers"] if p["npi"] == npi)

    def handoff(self) -> dict[str, dict[str, str]]:
        with open(self.dir / "handoff.csv", newline="") as f:
            return {row["npi"]: row for row in csv.DictReader(f)}


@dataclass
class SeededRun:
    """A finished run with its sandbox and the sandbox's state before the run."""

    sandbox: Sandbox
    before: dict
    run: Finished


def run_robot(
    sb: Sandbox,
    out: Path,
    capsys=None,
    settings: Settings | None = None,
    maxmd_url: str | None = None,
    capture: bool = False,
    portal_url: str | None = None,
    practice: bool = False,
    trusted: tuple[str, ...] = (),
    totp_secret: str | None = None,
    **options,
) -> Finished:
    """Run the robot against ``sb`` the way the CLI does, with no back-off between retries.

    Its terminal output is taken from ``capsys``, or with ``capture=True`` from a buffer of its own.
    ``practice``: as for a configured practice (its practice lock, an interrupted run picked up), not
    as the embedded sandbox; ``trusted``: the sign-on origins robot.yaml would give; ``totp_secret``: the
    authenticator secret the robot is given (None: the sandbox's own; "": none).
    """
    settings = settings or sandbox_settings()
    options.setdefault("backoff_seconds", 0)
    # Its own thread: Playwright's sync API cannot nest inside pytest-playwright's, which runs in this one.
    buffer = io.StringIO()
    with ThreadPoolExecutor(max_workers=1) as pool, contextlib.redirect_stdout(buffer) if capture else contextlib.nullcontext():
        result = pool.submit(
            execute,
            settings,
            RunOptions(out=out, **options),
            choose_browser(),
            maxmd=sandbox_site(sb, "MaxMD", maxmd_url, trusted, secret=totp_secret),
            portal=sandbox_site(sb, "portal", portal_url, trusted, secret=totp_secret),
            sandbox=not practice,
        ).result()
    captured = capsys.readouterr() if capsys else None
    return Finished(
        result,
        stdout=captured.out if captured else buffer.getvalue(),
        stderr=captured.err if captured else "",
        secrets=[sb.maxmd_password, sb.portal_password, sb.totp_secret, *([totp_secret] if totp_secret else [])],
    )


def sandbox_site(sb: Sandbox, name: str, url: str | None = None, trusted: tuple[str, ...] = (), *,
                 secret: str | None = None) -> Site:
    """One of the sandbox's sites as the robot is told of it, with an authenticator secret (None: the sandbox's own; "": none)."""
    prefix = "MAXMD" if name == "MaxMD" else "PORTAL"
    maxmd = name == "MaxMD"
    secret = sb.totp_secret if secret is None else secret
    return Site(name, url or (sb.maxmd_url if maxmd else sb.portal_url), sb.maxmd_username if maxmd else sb.portal_username,
                sb.maxmd_password if maxmd else sb.portal_password, trusted,
                OneTimeCodes(secret, f"{prefix}_TOTP_SECRET") if secret else None)


def run_check(sb: Sandbox, out: Path, settings: Settings, capsys) -> tuple[int, Path, str]:
    """``--check`` against ``sb`` as the CLI runs it; its exit code, its folder and what it printed."""
    with ThreadPoolExecutor(max_workers=1) as pool:  # beside pytest-playwright's own sync API
        code, run_dir = pool.submit(
            check, settings, out, choose_browser(),
            maxmd=sandbox_site(sb, "MaxMD"), portal=sandbox_site(sb, "portal"),
        ).result()
    return code, run_dir, capsys.readouterr().out


def clinicians(sb: Sandbox) -> dict[str, object]:
    return {u: sb.state.account(u) for u, a in sb.state.accounts.items() if a.access_type == "Clinician"}


def snapshot(sb: Sandbox) -> dict[str, object]:
    return {u: sb.state.account(u) for u in sb.state.accounts}


def check_against_portal(sb: Sandbox, run: Finished, before: dict[str, object]) -> dict[str, str]:
    """Every handoff row and every provider of ``run`` compared with what the portal holds now
    (``before``: ``snapshot(sb)`` taken just before the run). Fails on the first disagreement.

    ``yes``: the portal holds exactly the row's passwords; ``no``: the account is as it was before;
    ``unknown``: one of the two, and the returned map says which ("applied" or "not applied") per NPI.
    A failed provider with no row was never saved: its account is as it was. ``pending`` never outlives a run.
    """
    rows = run.handoff()
    unknown: dict[str, str] = {}
    for npi, row in rows.items():
        now, was = sb.state.account(npi), before[npi]
        holds = (now.password == (row["portal_password"] or was.password)  # type: ignore[attr-defined]
                 and now.direct_password == (row["direct_password"] or was.direct_password))  # type: ignore[attr-defined]
        if row["applied"] == "yes":
            assert holds and now.saves > was.saves, (npi, row["applied"], now, was)  # type: ignore[attr-defined]
        elif row["applied"] == "no":
            assert now == was, (npi, "applied=no but the account changed", now, was)
        elif row["applied"] == "unknown":
            assert holds or now == was, (npi, "applied=unknown is neither applied nor untouched", now, was)
            unknown[npi] = "applied" if holds and now != was else "not applied"
        else:
            raise AssertionError(f"{npi}: handoff row left as {row['applied']!r} after the run")
    for p in run.record["providers"]:
        npi = p["npi"]
        if p["status"] == "configured":
            assert rows.get(npi, {}).get("applied", "yes") == "yes", p
        if p["status"] == "failed" and npi not in rows and npi in before:
            assert sb.state.account(npi) == before[npi], (npi, "failed with no handoff row, yet the account changed")
        if p["status"] in ("already-configured", "conflict", "acknowledged-conflict", "waiting-for-cda", "not-provisioned", "excluded") and npi in before:
            assert sb.state.account(npi) == before[npi], (npi, p["status"], "yet the account changed")
    return unknown


def leaks(run: Finished, sb: Sandbox) -> list[str]:
    """Where any secret of the run (administrators' and providers' passwords) stands outside handoff.csv and the ledger."""
    secrets = run.secrets + [a.password for a in sb.state.accounts.values() if a.password]
    secrets += [a.direct_password for a in sb.state.accounts.values() if a.direct_password]
    secrets += [row["portal_password"] for row in run.handoff().values()]
    # As typed, and as a form post or a URL would carry them.
    forms = {f for s in secrets if s for f in (s, quote(s, safe=""), quote_plus(s))}
    found = []
    # The run folder, and what lies beside it (the index; the ledger and a printed sheet hold passwords by design).
    for path in [*run.dir.rglob("*"), *run.dir.parent.glob("*")]:
        if not path.is_file() or path.name in ("handoff.csv", "handoff-ledger.csv", "handoff-ledger-sandbox.csv",
                                               "handoff-sheets.html", "handoff-sheets-sandbox.html"):
            continue
        blobs = {path.name: path.read_bytes()}
        if zipfile.is_zipfile(path):  # Playwright traces: look inside
            with zipfile.ZipFile(path) as z:
                blobs.update({f"{path.name}:{n}": z.read(n) for n in z.namelist()})
        found += [name for name, data in blobs.items() for f in forms if f.encode() in data]
    found += ["stdout" for f in forms if f in run.stdout] + ["stderr" for f in forms if f in run.stderr]
    return found


class _Addresses(HTMLParser):
    """Every address laid out in a report (``<span class="addr">``): its pieces, as segments and line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[list[tuple[str, str]]] = []  # each: [("seg", text) | ("wbr", "") | ("text", stray text)]
        self._depth = 0  # span depth inside the address being read; 0 outside one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._depth == 0:
            if tag == "span" and "addr" in classes:
                self.found.append([])
                self._depth = 1
            return
        if tag == "wbr":
            self.found[-1].append(("wbr", ""))
        elif tag == "span":
            self._depth += 1
            self.found[-1].append(("seg" if "seg" in classes else "span", ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "span":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._depth:
            return
        if self._depth == 2 and self.found[-1] and self.found[-1][-1][0] == "seg":
            kind, text = self.found[-1][-1]
            self.found[-1][-1] = (kind, text + data)
        else:
            self.found[-1].append(("text", data))


def laid_out_addresses(html: str) -> list[list[tuple[str, str]]]:
    """The addresses of a report.html as laid out: for each, its segments and ``<wbr>`` in order."""
    parser = _Addresses()
    parser.feed(html)
    return parser.found


def mid_word_breaks(html: str) -> list[str]:
    """Where a report may break an address other than right after "@" or ".": each address with a place it
    could wrap elsewhere (a stray text outside a segment, a <wbr> not after "@" or "."), or a CSS rule that
    lets a segment break; [] when none can."""
    bad = []
    for pieces in laid_out_addresses(html):
        whole = "".join(text for _, text in pieces)
        for i, (kind, text) in enumerate(pieces):
            if kind not in ("seg", "wbr"):
                bad.append(f"{whole}: {kind} {text!r} outside a segment")
            elif kind == "wbr" and (i == 0 or pieces[i - 1][0] != "seg" or not pieces[i - 1][1].endswith(("@", "."))):
                bad.append(f"{whole}: a <wbr> not right after '@' or '.'")
    style = re.sub(r"/\*.*?\*/", "", "".join(re.findall(r"<style>(.*?)</style>", html, re.S)), flags=re.S)
    rules = {sel.strip(): body for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style)}
    if "white-space: nowrap" not in rules.get(".addr .seg", ""):
        bad.append("CSS: a segment of an address is not white-space: nowrap")
    if not {"overflow-wrap: normal", "word-break: keep-all"} <= {d.strip() for d in rules.get(".addr", "").split(";")}:
        bad.append("CSS: .addr does not forbid breaks (overflow-wrap: normal; word-break: keep-all)")
    return bad


def no_browser_allowed(monkeypatch, *extra_vars: str) -> None:
    """A clean environment (no site, no browser setting) and a tripwire on the browser: for input that must be
    refused before any browser is chosen or run started."""
    import robot.cli
    from robot.settings import ENV_VARS

    for var in (*ENV_VARS, "ROBOT_BROWSER_PATH", "ROBOT_BROWSER_WS", *extra_vars):
        monkeypatch.delenv(var, raising=False)

    def no_browser(*args, **kwargs):
        import pytest
        pytest.fail("a browser was chosen or a run started for input that should have been refused")

    monkeypatch.setattr(robot.cli, "choose_browser", no_browser)
    monkeypatch.setattr(robot.cli, "execute", no_browser)
