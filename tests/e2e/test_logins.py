"""The logins real sites have: a one-time code after the password, pages between the login and the first
screen, a cookie banner over the page, and what only a person can pass, on every rendering, the sandbox's
server-side count of each gate's pages and answers checked (``robot.sandbox._gates``)."""

from __future__ import annotations

import threading
from pathlib import Path

import pyotp
import pytest
from robot_helpers import check_against_portal, leaks, run_check, run_robot, sandbox_settings, snapshot

from robot.sandbox import SKINS, Faults, Sandbox

pytestmark = pytest.mark.e2e

# MaxMD: a code in one field, "Remember this device?"; the portal: a code in six one-digit boxes, a notice, and a
# "What's new" dialog over its first screen.
ALL_GATES = {"maxmd": ("code", "device"), "portal": ("code-boxes", "notice", "welcome")}
BOTH = {"maxmd", "portal"}


def logins(sb: Sandbox, site: str) -> int:
    return sum(1 for s, method, path, _ in sb.requests if s == site and method == "POST" and path in ("/login", "/api/session"))


def settings_with(tmp_path: Path, run_lines: str):
    """The shipped robot.yaml with ``run:`` as given."""
    shipped = (Path(__file__).resolve().parents[2] / "config" / "robot.yaml").read_text(encoding="utf-8")
    head, _, tail = shipped.partition("\nrun:\n")
    rest = tail[tail.index("\n\n"):]
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "robot.yaml").write_text(f"{head}\nrun:\n{run_lines}{rest}", encoding="utf-8")
    return sandbox_settings(tmp_path / "config")


@pytest.mark.parametrize("skin", SKINS)
def test_every_gate_is_passed_on_every_rendering_also_when_a_session_ends_mid_run(skin: str, tmp_path: Path) -> None:
    faults = Faults(gates=dict(ALL_GATES), cookie_banner=set(BOTH))
    ended = threading.Event()

    def end_the_portals_sessions_once(_username: str) -> None:
        if not ended.is_set():
            ended.set()
            sb.end_sessions("portal")  # as an idle timeout would: the next request finds no session
    faults.before_save = end_the_portals_sessions_once
    with Sandbox(skin=skin, faults=faults) as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True, trace=True)
        assert run.result.exit_code == 1, run.stdout[-3000:]  # the seeded practice's conflict needs a person
        check_against_portal(sb, run, before)
        statuses = [p["status"] for p in run.record["providers"]]
        assert "failed" not in statuses and statuses.count("configured") >= 4, run.stdout[-3000:]
        assert ended.is_set()
        # A second portal login after the session ended, with a code of its own (a used one would be refused).
        assert sb.gate_count("portal", "code accepted") >= 2
        assert sb.gate_count("maxmd", "code accepted") == 1
        assert sb.gate_count("portal", "used code refused") == sb.gate_count("maxmd", "used code refused") == 0
        assert sb.gate_count("maxmd", "device: not now") == 1  # never "Yes, remember this device"
        assert sb.gate_count("portal", "notice answered") == sb.gate_count("portal", "code accepted")
        assert sb.gate_count("portal", "welcome: OK") == sb.gate_count("portal", "code accepted")  # closed by its OK
        # The buttons that lead away from the job were never taken.
        for site in BOTH:
            assert sb.gate_count(site, "change password opened") == 0
            assert sb.gate_count(site, "cookie preferences opened") == 0
        assert leaks(run, sb) == []
    log = (run.dir / "robot.log").read_text()
    assert sb.totp_secret not in log
    assert log.count('"cookie banner dismissed"') >= 3  # MaxMD's, and each portal login's new context
    names = [p.name for p in (run.dir / "screenshots").iterdir()]
    # Each kind of page pictured once a run, however often it was passed.
    for part in ("maxmd-one-time-code", "portal-one-time-code", "maxmd-after-login-not-now",
                 "portal-after-login-remind-me-later", "portal-after-login-ok", "maxmd-cookie-banner", "portal-cookie-banner"):
        assert sum(part in n for n in names) == 1, (part, names)


def test_the_spa_rendering_has_its_own_gates_and_the_robot_passes_them(tmp_path: Path) -> None:
    with Sandbox(skin="spa") as sb:  # MaxMD asks for a code; the portal shows a notice and a cookie banner
        assert sb.faults.gates and sb.faults.cookie_banner
        run = run_robot(sb, tmp_path, capture=True)
        assert run.result.exit_code == 1, run.stdout[-3000:]
        assert sb.gate_count("maxmd", "code accepted") == 1
        assert sb.gate_count("portal", "notice: later") == 1
        assert sb.gate_count("portal", "change password opened") == 0


def test_a_code_another_device_used_is_waited_out_once(tmp_path: Path) -> None:
    with Sandbox(providers=1, faults=Faults(gates={"maxmd": ("code",)})) as sb:
        sb.use_code("maxmd")  # someone signed in with the code the robot is about to type
        run = run_robot(sb, tmp_path, capture=True)
        assert run.result.exit_code == 0, run.stdout[-3000:]
        assert sb.gate_count("maxmd", "used code refused") == 1
        assert sb.gate_count("maxmd", "code accepted") == 1
        refused, accepted = sb.code_windows("maxmd")
        assert accepted == refused + 1  # the next window's code, not the same one again, nor one later
    assert "one-time code refused" in (run.dir / "robot.log").read_text()


def test_a_code_refused_twice_stops_the_run_naming_the_site_and_the_clock(tmp_path: Path) -> None:
    wrong = pyotp.random_base32()  # a real secret, but not this account's
    with Sandbox(providers=1, faults=Faults(gates={"maxmd": ("code",)})) as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True, totp_secret=wrong)
        assert run.result.exit_code == 2
        assert sb.gate_count("maxmd", "code answered") == 2  # once more in the next window, never a third time
        assert logins(sb, "maxmd") == 1
        assert snapshot(sb) == before
    error = run.record["error"]
    assert "MaxMD refused the one-time code twice" in error and "clock" in error and "MAXMD_TOTP_SECRET" in error
    assert wrong not in run.stdout + (run.dir / "robot.log").read_text() + (run.dir / "run.json").read_text()


def test_a_code_asked_for_without_a_secret_says_how_to_give_one(tmp_path: Path) -> None:
    with Sandbox(providers=1, faults=Faults(gates={"portal": ("code",)})) as sb:
        run = run_robot(sb, tmp_path, capture=True, totp_secret="")
        assert run.result.exit_code == 2
        assert sb.gate_count("portal", "code answered") == 0
    error = run.record["error"]
    assert "portal asks for a one-time code" in error and "PORTAL_TOTP_SECRET is not set" in error
    assert "authenticator app" in error
    assert any("login-stopped" in p.name for p in (run.dir / "screenshots").iterdir())


@pytest.mark.parametrize(("gate", "words"), [
    ("emailed-code", "a code it sent by e-mail or text message"),
    ("push", "approved on a phone"),
    ("captcha", "CAPTCHA"),
])
@pytest.mark.parametrize("site", ["maxmd", "portal"])
def test_a_second_factor_only_a_person_can_give_stops_at_once(site: str, gate: str, words: str, tmp_path: Path) -> None:
    with Sandbox(providers=1, faults=Faults(gates={site: (gate,)})) as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True)
        assert run.result.exit_code == 2
        assert sb.gate_count(site, f"{gate} shown") == 1
        assert sb.gate_count(site, f"{gate} answered") == 0  # nothing typed, nothing clicked: no loop
        assert logins(sb, site) == 1
        assert snapshot(sb) == before
    error = run.record["error"]
    assert words in error and "nothing was changed" in error
    assert "MAXMD_TOTP_SECRET" in error or "PORTAL_TOTP_SECRET" in error or gate == "captcha"


@pytest.mark.parametrize(("refusal", "words"), [("locked", "account is locked"), ("elsewhere", "already signed in elsewhere")])
def test_a_locked_account_or_a_session_elsewhere_is_said_plainly_and_tried_once(refusal: str, words: str, tmp_path: Path) -> None:
    with Sandbox(providers=1, faults=Faults(login_refusal={"portal": refusal})) as sb:
        run = run_robot(sb, tmp_path, capture=True)
        assert run.result.exit_code == 2
        assert logins(sb, "portal") == 1  # no second try: it could lock the account
    assert words in run.record["error"] and "tried no further" in run.record["error"]


def test_a_page_with_no_safe_answer_stops_with_its_words_and_the_way_away_is_never_taken(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, "  timeout_seconds: 3\n  after_login:\n    remove: [Remind me later]\n")
    with Sandbox(providers=1, faults=Faults(gates={"portal": ("notice",)})) as sb:
        run = run_robot(sb, tmp_path / "runs", capture=True, settings=settings)
        assert run.result.exit_code == 2
        assert sb.gate_count("portal", "change password opened") == 0
        assert sb.gate_count("portal", "notice answered") == 0
    error = run.record["error"]
    assert "does not know how to pass" in error and "Your password expires in 5 days" in error
    assert "'Change password now'" in error and "run.after_login" in error


def test_two_workers_logging_in_together_never_type_the_same_code(tmp_path: Path) -> None:
    with Sandbox(providers=4, faults=Faults(gates={"portal": ("code",)})) as sb:
        run = run_robot(sb, tmp_path, capture=True, workers=2)
        assert run.result.exit_code == 0, run.stdout[-3000:]
        assert sb.gate_count("portal", "code accepted") == 2
        assert sb.gate_count("portal", "used code refused") == 0


def test_check_says_whether_each_login_asked_for_a_code_and_whether_one_is_set(tmp_path: Path, capsys) -> None:
    with Sandbox(skin="spa") as sb:
        code, run_dir, out = run_check(sb, tmp_path, sandbox_settings(), capsys)
        assert sb.gate_count("maxmd", "code accepted") == 1 and sb.gate_count("portal", "change password opened") == 0
    assert code == 0, out
    assert "MaxMD login: a one-time code was asked for; MAXMD_TOTP_SECRET is set and its code was accepted." in out
    assert "portal login: no one-time code was asked for (PORTAL_TOTP_SECRET is set); pages passed after it: 'Remind me later'." in out
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith(("maxmd.login.", "portal.login."))}
    assert rows["maxmd.login.code"] == rows["maxmd.login.verify"] == "found"
    assert rows["portal.login.code"] == "not"  # "not asked (ok)"
    assert sb.totp_secret not in out + (run_dir / "robot.log").read_text()


def test_gates_hold_up_under_5xx_answers_and_every_account_ends_exact_or_failed(tmp_path: Path) -> None:
    faults = Faults(gates=dict(ALL_GATES), cookie_banner=set(BOTH), error_rate=0.06, error_seed=22)
    with Sandbox(providers=4, faults=faults) as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True)
        assert run.result.exit_code in (0, 1), run.stdout[-3000:]
        check_against_portal(sb, run, before)
        assert any(status >= 500 for _, _, _, status in sb.requests)  # the dice did fall
        assert [p for p in run.record["providers"] if p["status"] == "configured"], run.stdout[-3000:]
        for site in BOTH:
            assert sb.gate_count(site, "change password opened") == sb.gate_count(site, "cookie preferences opened") == 0
        assert leaks(run, sb) == []
