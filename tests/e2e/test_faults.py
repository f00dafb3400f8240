"""Faults a 2 a.m. run meets, through the sandbox's switches: each provider ends configured exactly
(server-side state checked) or failed with a reason, nothing leaks, and a second run finishes the rest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import zipfile
from dataclasses import replace
from pathlib import Path

import psutil
import pytest
from robot_helpers import ROOT, Finished, check_against_portal, leaks, run_robot, sandbox_settings, snapshot

from pages.locators import Selectors
from robot.run import RunResult
from robot.sandbox import SKINS, Faults, Sandbox

pytestmark = pytest.mark.e2e


def clinician_npis(sb: Sandbox) -> list[str]:
    return [u for u, a in sb.state.accounts.items() if a.access_type == "Clinician"]


def assert_exact_or_failed(sb: Sandbox, run: Finished) -> None:
    """Every provider is either configured exactly as the handoff says, or listed as failed with a reason."""
    handoff = run.handoff()
    maxmd = {e.npi: e.direct_address for e in sb.state.maxmd_entries if e.npi}
    for p in run.record["providers"]:
        account = sb.state.account(p["npi"])
        if p["status"] == "configured":
            assert account.poll_direct and not account.emergency_access, p
            assert account.direct_address.lower() == maxmd[p["npi"]].lower(), p
            assert handoff[p["npi"]]["applied"] == "yes"
            assert handoff[p["npi"]]["portal_password"] == account.password
            assert handoff[p["npi"]]["direct_password"] == account.direct_password
        else:
            assert p["status"] == "failed" and p["error"], p
            row = handoff.get(p["npi"])
            if row and row["applied"] == "no":
                assert account.password != row["portal_password"]


def test_three_seconds_of_latency_per_request_fails_no_step(tmp_path: Path) -> None:
    with Sandbox(providers=1, faults=Faults(latency_ms=3000)) as sb:
        run = run_robot(sb, tmp_path, capture=True)
        (npi,) = clinician_npis(sb)
        assert run.status(npi) == "configured", run.provider(npi)
        assert sb.state.account(npi).password == run.handoff()[npi]["portal_password"]
    # A slow site: no line of the run's own for many seconds, so the terminal hears it is alive, and at what.
    alive = [line for line in run.stdout.splitlines() if "still working" in line]
    assert alive and all(" at step '" in line for line in alive), run.stdout
    assert "[1/1 " in run.stdout


@pytest.mark.parametrize("skin", SKINS)
def test_a_share_of_5xx_answers_is_retried_per_step(tmp_path: Path, skin: str) -> None:
    # The screens' answers: the logins' own gates (the spa skin's) under 5xx are tests/e2e/test_logins.py's.
    with Sandbox(providers=6, faults=Faults(error_rate=0.2, error_seed=3, gates={}, cookie_banner=set()), skin=skin) as sb:
        # Which requests fail follows their order: with the shipped 2 retries, a login of the spa's (a page and its
        # calls) answered 503 on each of its 3 attempts once a read-back's fetch changed that order. Five retries:
        # the test is of retries per step, not of one lucky order.
        run = run_robot(sb, tmp_path, settings=replace(sandbox_settings(), retries=5))
        assert sum(1 for *_, status in sb.requests if status == 503) >= 5  # the faults did happen
        assert_exact_or_failed(sb, run)
        assert all(p["status"] == "configured" for p in run.record["providers"]), run.record["providers"]


def _chromium_processes() -> list[psutil.Process]:
    me = psutil.Process()
    return [p for p in me.children(recursive=True) if "chrom" in p.name().lower() and "--type=" not in " ".join(p.cmdline())]


def test_a_browser_killed_mid_run_is_replaced_and_the_run_goes_on(tmp_path: Path) -> None:
    with Sandbox(providers=5) as sb:
        killed = threading.Event()

        def kill_after_first_save() -> None:
            while not killed.is_set():
                if any(a.saves for a in sb.state.accounts.values() if a.access_type == "Clinician"):
                    for proc in _chromium_processes():
                        proc.kill()
                    killed.set()
                threading.Event().wait(0.05)

        watcher = threading.Thread(target=kill_after_first_save, daemon=True)
        watcher.start()
        run = run_robot(sb, tmp_path)
        killed.set()
        assert_exact_or_failed(sb, run)
        assert all(p["status"] == "configured" for p in run.record["providers"]), run.record["providers"]
        assert "browser lost" in (run.dir / "robot.log").read_text()


def test_sigterm_during_a_save_stops_after_that_step_and_the_handoff_matches_the_portal(tmp_path: Path) -> None:
    """SIGTERM while the second provider's Save is in flight (held by the sandbox until the signal
    has been sent): that Save finishes, nothing after it starts, and every handoff row says what the
    portal holds. The default rendering answers Save with a new page, so the provider's verification
    needs no step of its own (an in-place Save would stop before opening the account again)."""
    held, release = threading.Event(), threading.Event()
    with Sandbox(providers=5) as sb:
        before = snapshot(sb)
        target = [e.npi for e in sb.state.maxmd_entries][1]  # the second in the robot's order (MaxMD's)
        saves_seen: list[str] = []

        def hold(username: str) -> None:
            saves_seen.append(username)
            if username == target:
                held.set()
                assert release.wait(120), "the test never released the held Save"

        sb.faults.before_save = hold
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAXMD_", "PORTAL_"))}
        env.update(MAXMD_URL=sb.maxmd_url, MAXMD_USERNAME=sb.maxmd_username, MAXMD_PASSWORD=sb.maxmd_password,
                   PORTAL_URL=sb.portal_url, PORTAL_USERNAME=sb.portal_username, PORTAL_PASSWORD=sb.portal_password)
        proc = subprocess.Popen(
            [sys.executable, "-m", "robot", "--out", str(tmp_path), "--config", str(ROOT / "config" / "robot.yaml")],
            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            assert held.wait(180), "the robot never reached the second provider's Save"
            proc.send_signal(signal.SIGTERM)  # only noted: the run goes on to the end of this step
            release.set()  # the Save is applied and answered
            output, _ = proc.communicate(timeout=120)
        finally:
            release.set()
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 128 + signal.SIGTERM, output
        assert "stopped by SIGTERM" in output
        (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
        assert run_dir.name in (tmp_path / "index.html").read_text()
        record = json.loads((run_dir / "run.json").read_text())
        assert "stopped by SIGTERM" in record["error"] and (run_dir / "report.html").is_file()
        run = Finished(RunResult(proc.returncode, run_dir), secrets=[sb.maxmd_password, sb.portal_password])
        assert check_against_portal(sb, run, before) == {}
        # The Save in flight was answered and verified; nothing after it was started.
        assert run.status(target) == "configured" and run.handoff()[target]["applied"] == "yes"
        assert saves_seen[-1] == target
        later = [p["npi"] for p in record["providers"]][[p["npi"] for p in record["providers"]].index(target) + 1:]
        assert all(sb.state.account(n) == before[n] for n in later if n in before)
        assert leaks(run, sb) == []


@pytest.mark.parametrize(("skin", "workers"), [("default", 1), ("default", 3), ("legacy", 1), ("modern", 1), ("modern", 3), ("spa", 1)])
def test_every_fault_at_once_over_a_dozen_providers(tmp_path: Path, skin: str, workers: int) -> None:
    faults = Faults(latency_ms=40, error_rate=0.1, error_seed=11, session_expiry_after=30)
    with Sandbox(providers=12, odd_data=True, faults=faults, skin=skin) as sb:
        npis = clinician_npis(sb)
        assert len(npis) >= 12 and sb.odd_npis
        refused, answered_5xx = npis[1], npis[4]
        faults.refuse_save = {refused}
        faults.save_5xx = {answered_5xx}

        # One request in ten fails at random, and with 3 workers which ones is not the same from run
        # to run: with the shipped 2 retries a named provider failed about once in 15 runs (its
        # lost Save, then two logins answered 503). Five retries make that about 1 in 10,000.
        settings = replace(sandbox_settings(), retries=5)
        before = snapshot(sb)
        first = run_robot(sb, tmp_path / "first", settings=settings, capture=True, workers=workers)
        assert_exact_or_failed(sb, first)
        check_against_portal(sb, first, before)
        assert first.handoff()[refused]["applied"] == "no"
        assert sb.state.account(refused) == before[refused]  # the refused Save changed nothing
        statuses = {p["npi"]: p["status"] for p in first.record["providers"]}
        assert statuses[refused] == "failed" and "could not be verified" in first.provider(refused)["error"]
        assert statuses[answered_5xx] == "configured", (first.provider(answered_5xx)["error"], first.provider(answered_5xx)["notes"])
        assert sb.state.account(answered_5xx).saves == 1
        assert all(statuses[n] == "configured" for n in sb.odd_npis), first.record["providers"]
        assert first.result.exit_code == 1
        assert leaks(first, sb) == []

        faults.refuse_save = set()
        before = snapshot(sb)
        second = run_robot(sb, tmp_path / "second", settings=settings, capture=True, workers=workers)
        check_against_portal(sb, second, before)
        assert second.status(refused) == "configured", second.provider(refused)
        assert all(p["status"] in ("configured", "already-configured") for p in second.record["providers"])
        assert second.result.exit_code == 0
        assert leaks(second, sb) == []


def test_a_provider_that_fails_on_its_retry_keeps_a_trace_of_it_without_a_secret(tmp_path: Path) -> None:
    # A check box the account page does not have: step 11 times out on every attempt.
    broken = Selectors({"portal.account.emergency_access": "text=\"No Such Check Box\""})
    settings = replace(sandbox_settings(), selectors=broken, timeout_ms=1000, retries=1)
    with Sandbox(providers=2) as sb:
        first, second = clinician_npis(sb)
        run = run_robot(sb, tmp_path, settings=settings, capture=True, only=frozenset({first}))
        failed = run.provider(first)
        assert failed["status"] == "failed" and "11 User Account Information" in failed["error"], failed
        assert "after 2 attempts" in failed["error"]
        # The second attempt was traced ("on first retry"), and the trace was kept for the failure.
        assert [Path(t).name for t in failed["traces"]] == [f"{first}-1.zip"]
        with zipfile.ZipFile(run.dir / failed["traces"][0]) as z:
            events = b"".join(z.read(n) for n in z.namelist() if n.endswith(".trace"))
        assert b"No Such Check Box" in events  # the trace shows what the robot waited for
        assert leaks(run, sb) == []
        assert sb.state.account(second).saves == 0 and sb.state.account(first).saves == 0
