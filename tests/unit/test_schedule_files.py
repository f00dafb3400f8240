"""deploy/: the systemd service and timer and the crontab example say what docs/scheduling.md says.

The unit files are read with configparser (systemd's format is close enough for key checks); where
``systemd-analyze`` exists, systemd itself verifies copies whose paths point at real files.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVICE = DEPLOY / "provider-portal-robot.service"
TIMER = DEPLOY / "provider-portal-robot.timer"
CRONTAB = DEPLOY / "crontab.example"
INSTALL = "/opt/provider-portal-robot"


def unit(path: Path) -> configparser.ConfigParser:
    # strict=False: systemd allows a key more than once (the last wins for single-valued keys).
    cp = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"), empty_lines_in_values=False)
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    cp.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return cp


def every(path: Path, section: str, key: str) -> list[str]:
    """All values of a repeatable key (Environment=, ReadWritePaths=), which configparser collapses."""
    values, current = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == section and line.startswith(f"{key}="):
            values.append(line.split("=", 1)[1])
    return values


def test_service_runs_the_robot_once_from_the_install_folder() -> None:
    s = unit(SERVICE)["Service"]
    assert s["Type"] == "oneshot"
    assert s["WorkingDirectory"] == INSTALL
    assert s["ExecStart"] == f"{INSTALL}/.venv/bin/python -m robot"
    # No "-" prefix: a missing .env must stop the unit, not send the robot to its sandbox.
    assert s["EnvironmentFile"] == f"{INSTALL}/.env"
    env = " ".join(every(SERVICE, "Service", "Environment"))
    assert "PYTHONUNBUFFERED=1" in env


def test_service_runs_as_a_dedicated_user_with_a_private_umask() -> None:
    s = unit(SERVICE)["Service"]
    assert s.get("User") and s["User"] not in ("root", "0")
    assert s.get("Group") not in ("root", "0")
    assert "DynamicUser" not in s, "run folders must keep one owner from night to night"
    assert s["UMask"] == "0077"


def test_service_hardening_leaves_chromium_working() -> None:
    s = unit(SERVICE)["Service"]
    assert s["NoNewPrivileges"] == "yes"
    assert s["PrivateTmp"] == "yes"
    assert s["ProtectSystem"] == "strict"
    writable = " ".join(every(SERVICE, "Service", "ReadWritePaths")).split()
    assert f"{INSTALL}/runs" in writable
    # Each of these would stop Chromium (V8's JIT, its namespace sandbox, its /proc reads).
    assert s.get("MemoryDenyWriteExecute", "no") == "no"
    assert s.get("RestrictNamespaces", "no") == "no"
    assert s.get("ProcSubset", "all") == "all"
    families = s.get("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6 AF_NETLINK").split()
    assert {"AF_UNIX", "AF_INET", "AF_INET6"} <= set(families)


def test_failures_reach_the_monitor() -> None:
    s = unit(SERVICE)["Service"]
    success = " ".join(every(SERVICE, "Service", "SuccessExitStatus")).split()
    assert "1" not in success and "2" not in success
    # A oneshot has no start timeout by default: a hung run would block every following night.
    assert s.get("TimeoutStartSec", "infinity") not in ("infinity", "0")


def test_service_waits_for_the_network() -> None:
    u = unit(SERVICE)["Unit"]
    assert "network-online.target" in u["After"].split()
    assert "network-online.target" in u["Wants"].split()


def test_timer_fires_nightly_catches_up_and_spreads() -> None:
    cp = unit(TIMER)
    t = cp["Timer"]
    assert re.fullmatch(r"\*-\*-\* \d{2}:\d{2}(:\d{2})?", t["OnCalendar"]), t["OnCalendar"]
    assert t["Persistent"] == "true"
    assert t.get("RandomizedDelaySec")
    assert t.get("Unit", SERVICE.name) == SERVICE.name  # the timer starts our service
    assert TIMER.stem == SERVICE.stem
    assert cp["Install"]["WantedBy"] == "timers.target"


NO_SYSTEMD_ANALYZE = "systemd-analyze is not installed (apt-get install systemd); the configparser checks above still ran"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason=NO_SYSTEMD_ANALYZE)
def test_systemd_analyze_verifies_both_units(tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists, so point the install folder at a real one.
    install = tmp_path / "install"
    (install / ".venv" / "bin").mkdir(parents=True)
    (install / ".venv" / "bin" / "python").symlink_to(Path(sys.executable).resolve())
    (install / "runs").mkdir()
    (install / ".env").write_text("")
    units = tmp_path / "units"
    units.mkdir()
    for src in (SERVICE, TIMER):
        (units / src.name).write_text(src.read_text(encoding="utf-8").replace(INSTALL, str(install)), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(units / SERVICE.name), str(units / TIMER.name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    # verify only warns (exit 0) about a key it cannot parse; any line about our files is a fault.
    about_ours = [line for line in output.splitlines() if SERVICE.stem in line or str(units) in line]
    assert done.returncode == 0 and not about_ours, output
    calendar = subprocess.run(
        ["systemd-analyze", "calendar", unit(TIMER)["Timer"]["OnCalendar"]], capture_output=True, text=True, timeout=60, check=False
    )
    assert calendar.returncode == 0, calendar.stderr


def cron_lines() -> list[str]:
    lines = []
    for raw in CRONTAB.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*=", line):
            continue  # blank, comment, or an environment line such as MAILTO=
        lines.append(line)
    return lines


CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


def test_crontab_has_one_line_with_five_time_fields_running_the_robot() -> None:
    lines = cron_lines()
    assert len(lines) == 1, lines
    fields = lines[0].split(None, 5)
    assert len(fields) == 6, "five time fields and a command"
    *times, command = fields
    for field in times:
        assert CRON_FIELD.match(field), f"not a cron time field: {field!r}"
    minute, hour = times[0], times[1]
    assert minute.isdigit() and 0 <= int(minute) <= 59
    assert hour.isdigit() and 0 <= int(hour) <= 23
    assert command.startswith(f"cd {INSTALL} && "), "the robot reads .env and config/ from the folder it runs in"
    assert re.search(r"(^|[\s/])python -m robot(\s|$)", command)
    assert ">>" in command, "appends to a log"
    assert "flock" not in command, "the robot locks itself"
    # cron turns an unescaped % into a newline.
    assert not re.search(r"(?<!\\)%", command)


def test_crontab_says_why_no_flock() -> None:
    text = CRONTAB.read_text(encoding="utf-8")
    assert re.search(r"#.*flock", text) and "locks" in text


DATED = re.compile(rb"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2} ")


def test_every_line_the_cron_line_writes_to_cron_log_starts_with_a_date_time(tmp_path: Path) -> None:
    """The crontab's own command, run by /bin/sh in a stand-in install folder: the robot there has no
    config/robot.yaml, so it exits 2 at once with one line, and `exit 2` follows; each line of cron.log is dated."""
    command = cron_lines()[0].split(None, 5)[5].replace(f"cd {INSTALL}", f"cd {tmp_path}")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    python = tmp_path / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "cron.log").write_bytes(b"")
    subprocess.run(["/bin/sh", "-c", command], stdin=subprocess.DEVNULL, timeout=120, check=False, cwd=tmp_path,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    lines = (tmp_path / "runs" / "cron.log").read_bytes().splitlines()
    assert any(b"error: " in line and b"robot.yaml" in line for line in lines), lines
    assert lines and lines[-1].endswith(b" exit 2"), lines
    assert all(DATED.match(line) for line in lines), lines
