"""Many practices from one host: three sandbox practices (their own ports, rosters and administrators) run at the
same time from their folders as three ``python -m robot --practice DIR`` processes, each under its own lock and
with its own ledger, and nothing crosses between them, checked on each sandbox's server side; the one whose run
needs a person sends one e-mail to a local SMTP server (and one webhook message), with the summary and no secret;
the page across practices lists all three. A run stopped by SIGTERM tells that it was interrupted."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mail_helpers import SMTP_USER, smtp_server, webhook
from robot_helpers import Finished, check_against_portal, clinicians, leaks, snapshot
from test_edges_process import descendants, read_process, wait_for

from robot import handoff, ledger
from robot.lock import LockHolder, state_dir
from robot.run import RunResult
from robot.sandbox import Faults, Sandbox

pytestmark = pytest.mark.e2e

SMTP_SECRET = "Smtp-Practice-Secret-8!"
HOOK_SECRET = "Hook-Practice-Secret-3"
RUN_SECONDS = 300


@dataclass
class Practice:
    name: str  # the folder's
    title: str  # practice.name in its robot.yaml
    sb: Sandbox
    folder: Path

    @property
    def secrets(self) -> list[str]:
        return [self.sb.maxmd_password, self.sb.portal_password]


def make_practice(root: Path, name: str, title: str, sb: Sandbox, notify: list[str] = ()) -> Practice:
    """A practice folder as an operator makes one: its .env (the sandbox's sites and administrators, the notify
    URLs' secrets) and its robot.yaml (its name, and where to tell)."""
    folder = root / name
    (folder / "runs").mkdir(parents=True)
    (folder / ".env").write_text(
        f"MAXMD_URL={sb.maxmd_url}\nMAXMD_USERNAME={sb.maxmd_username}\nMAXMD_PASSWORD='{sb.maxmd_password}'\n"
        f"PORTAL_URL={sb.portal_url}\nPORTAL_USERNAME={sb.portal_username}\nPORTAL_PASSWORD='{sb.portal_password}'\n"
        f"SMTP_PASSWORD='{SMTP_SECRET}'\nHOOK_PASSWORD='{HOOK_SECRET}'\n")
    (folder / "robot.yaml").write_text(f"practice:\n  name: {title}\n" + (
        "notify:\n  urls:\n" + "".join(f"    - \"{u}\"\n" for u in notify) if notify else ""))
    return Practice(name, title, sb, folder)


def start(p: Practice, cwd: Path) -> subprocess.Popen:
    """The practice's run as cron or systemd starts it: no terminal, no site in the environment, from elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAXMD_", "PORTAL_", "SMTP_", "HOOK_"))}
    out = cwd / f"{p.name}.out"
    with out.open("w") as f:
        return subprocess.Popen([sys.executable, "-m", "robot", "--practice", str(p.folder)], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)


@contextlib.contextmanager
def reaped(procs: list[subprocess.Popen]) -> Iterator[list[subprocess.Popen]]:
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


def locks_held_by(pids: set[int]) -> dict[int, Path]:
    """The practice locks in the state folder that name one of ``pids`` as their holder now."""
    held = {}
    for path in (state_dir() / "locks").glob("practice-*.lock"):
        holder = LockHolder.from_text(path.read_text())
        if holder is not None and holder.pid in pids:
            held[holder.pid] = path
    return held


def finished(p: Practice) -> Finished:
    (run_dir,) = [d for d in (p.folder / "runs").iterdir() if d.is_dir() and re.fullmatch(r"\d{8}T\d{6}Z(-\d+)?", d.name)]
    record = json.loads((run_dir / "run.json").read_text())
    return Finished(RunResult(record["exit_code"], run_dir), secrets=p.secrets + [SMTP_SECRET, HOOK_SECRET])


def test_three_practices_run_at_once_from_their_folders_and_nothing_crosses(tmp_path: Path) -> None:
    root = tmp_path / "practices"
    slow = dict(latency_ms=120, gates={}, cookie_banner=set())
    with Sandbox(providers=2, seed=11, faults=Faults(**slow)) as east, \
            Sandbox(providers=3, seed=22, faults=Faults(**slow)) as north, \
            Sandbox(providers=4, seed=33, faults=Faults(**slow)) as west, \
            smtp_server(SMTP_SECRET) as smtp, webhook() as hook:
        rosters = {name: set(clinicians(sb)) for name, sb in (("eastgate", east), ("northside", north), ("westbrook", west))}
        assert not (rosters["eastgate"] & rosters["northside"] or rosters["northside"] & rosters["westbrook"]
                    or rosters["eastgate"] & rosters["westbrook"]), "three different rosters"
        refused = sorted(rosters["westbrook"])[0]
        west.faults.refuse_save = {refused}  # Westbrook's run needs a person
        tell = [f"mailto://{SMTP_USER}:${{SMTP_PASSWORD}}@127.0.0.1:{smtp.port}/?from=robot@westbrook.test&to=it@contractor.test",
                f"json://robot:${{HOOK_PASSWORD}}@127.0.0.1:{hook.port}/hook"]
        practices = [make_practice(root, "eastgate", "Eastgate Vision", east, tell),
                     make_practice(root, "northside", "Northside Eye", north, tell),
                     make_practice(root, "westbrook", "Westbrook Optometry", west, tell)]
        before = {p.name: snapshot(p.sb) for p in practices}
        with reaped([start(p, tmp_path) for p in practices]) as procs:
            pids = {proc.pid for proc in procs}
            # At the same time: each holds its own practice lock while the other two hold theirs.
            held = wait_for(lambda: h if len(h := locks_held_by(pids)) == 3 else None, "three practices running at once", RUN_SECONDS)
            assert len(set(held.values())) == 3
            # No practice's secret in any process of another's (or of its own: they stay in the robot's memory).
            for proc in procs:
                for pid in [proc.pid, *descendants(proc.pid)]:
                    seen = read_process(pid)
                    assert seen is None or not any(s.encode() in seen.environ for p in practices for s in p.secrets)
            codes = {p.name: proc.wait(timeout=RUN_SECONDS) for p, proc in zip(practices, procs, strict=True)}
        outputs = {p.name: (tmp_path / f"{p.name}.out").read_text() for p in practices}
        assert codes == {"eastgate": 0, "northside": 0, "westbrook": 1}, outputs
        runs = {p.name: finished(p) for p in practices}

        for p in practices:
            run = runs[p.name]
            # Server side: this practice's sandbox holds exactly what its own handoff says, for its own roster.
            check_against_portal(p.sb, run, before[p.name])
            changed = {npi for npi, a in before[p.name].items() if p.sb.state.account(npi) != a}
            assert changed == rosters[p.name] - ({refused} if p.name == "westbrook" else set())
            assert {row.npi for row in handoff.read(run.dir / "handoff.csv")} <= rosters[p.name]
            assert {e.npi for e in ledger.read(ledger.path_in(p.folder / "runs"))} == changed, "its own ledger, its own providers"
            assert run.record["sites"]["maxmd"] == p.sb.maxmd_url and run.record["sites"]["portal"] == p.sb.portal_url
            assert (p.folder / "runs" / ".robot.lock").is_file()
            # Nothing of another practice in this one's folder, and no secret of its own outside its handoff.
            others = [q for q in practices if q is not p]
            text = b"".join(f.read_bytes() for f in p.folder.rglob("*") if f.is_file() and f.name != ".env")
            for q in others:
                for value in (*q.secrets, q.sb.maxmd_username, q.sb.portal_username, q.sb.portal_url):
                    assert value.encode() not in text, (p.name, q.name, value)
                assert not rosters[q.name] & {e.npi for e in ledger.read(ledger.path_in(p.folder / "runs"))}
            assert leaks(run, p.sb) == []

    # The one run that needs a person told: one e-mail, one webhook message, with the summary and no secret.
    assert len(smtp.mails) == 1 and len(hook.bodies) == 1, (len(smtp.mails), len(hook.bodies))
    mail = smtp.mails[0]
    assert mail.authenticated and mail.to == ["it@contractor.test"]
    assert "Westbrook Optometry needs a person (exit 1)" in mail.subject
    west_run = runs["westbrook"]
    name = west_run.provider(refused)["name"]
    assert f"{name} (NPI {refused}): failed:" in mail.text and "refused" in mail.text.lower()
    assert f"configured: {len(rosters['westbrook']) - 1}" in mail.text and "failed: 1" in mail.text
    assert str((west_run.dir / "report.html").resolve()) in mail.text
    posted = json.loads(hook.bodies[0])
    assert refused in posted["message"] and "Westbrook" in posted["title"]
    everything = [SMTP_SECRET, HOOK_SECRET, *(s for p in practices for s in p.secrets), east.totp_secret]
    everything += [r[k] for run in runs.values() for r in run.handoff().values() for k in ("portal_password", "direct_password") if r[k]]
    for secret in everything:
        for where, data in (("mail", mail.raw), ("mail text", mail.text.encode()), ("webhook", hook.bodies[0])):
            assert secret.encode() not in data, (where, "holds a secret")

    # The page across practices lists all three, Westbrook first with its provider to look at.
    page = (root / "index.html").read_text()
    rows = re.findall(r'<tr class="run (\w+)" aria-label="([^"]+)"', page)
    assert rows == [("attn", "westbrook"), ("ok", "eastgate"), ("ok", "northside")], rows
    assert "Westbrook Optometry" in page and "Eastgate Vision" in page and "Northside Eye" in page
    assert refused in page and "needs a person" in page
    assert not any(s in page for s in everything)


def test_a_run_stopped_by_sigterm_tells_that_it_was_interrupted(tmp_path: Path) -> None:
    with Sandbox(providers=3, seed=44, faults=Faults(latency_ms=150, gates={}, cookie_banner=set())) as sb, webhook() as hook:
        p = make_practice(tmp_path / "practices", "southport", "Southport Eye", sb, [hook.url()])
        with reaped([start(p, tmp_path)]) as (proc,):
            # Once the first provider is saved (a row past pending), stop it as systemd would.
            wait_for(lambda: any(r.applied == "yes" for d in (p.folder / "runs").glob("2*") for r in
                                 (handoff.read(d / "handoff.csv") if (d / "handoff.csv").is_file() else [])),
                     "a first provider saved", RUN_SECONDS)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=RUN_SECONDS) == 143
    assert len(hook.bodies) == 1
    posted = json.loads(hook.bodies[0])
    assert "Southport Eye was interrupted (exit 143)" in posted["title"] and "SIGTERM" in posted["message"]
    assert not any(s.encode() in hook.bodies[0] for s in (sb.maxmd_password, sb.portal_password))


def test_a_notification_that_cannot_be_sent_is_logged_and_the_exit_status_stays(tmp_path: Path) -> None:
    from mail_helpers import free_port
    from robot_helpers import run_robot, sandbox_settings

    config = tmp_path / "config"
    config.mkdir()
    dead = f"mailto://{SMTP_USER}:${{SMTP_PASSWORD}}@127.0.0.1:{free_port()}/?from=robot@x.test&to=it@x.test"
    (config / "robot.yaml").write_text(f"practice:\n  name: Brightside\nnotify:\n  urls: [\"{dead}\"]\n")
    settings = sandbox_settings(config, environ={"SMTP_PASSWORD": SMTP_SECRET})
    with Sandbox() as sb:  # the seeded practice: a provider in conflict, so the run needs a person
        run = run_robot(sb, tmp_path / "runs", settings=settings, capture=True)
        assert run.result.exit_code == 1
        run.secrets.append(SMTP_SECRET)
        assert leaks(run, sb) == []
    assert "warning: notify.urls #1 (mailto): not delivered" in run.stdout
    log = [json.loads(line) for line in (run.dir / "robot.log").read_text().splitlines()]
    assert any(e["event"] == "notification not sent" and "notify.urls #1 (mailto)" in e["problem"] for e in log)
    assert run.record["exit_code"] == 1
