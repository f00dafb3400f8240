"""The files for many practices and past one host, checked as far as this machine allows: the systemd template
unit and timer (read for their keys, and verified by ``systemd-analyze verify`` where it is installed), the
staggered crontab, the container image's build steps (run on this host into a throwaway prefix, the apt step
simulated), and the Kubernetes CronJob (parsed, its fields checked, and validated against Kubernetes' own schema
with kubernetes-validate). No container engine and no cluster run here: the image is never built, the manifest
never applied."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from test_schedule_files import CRON_FIELD, NO_SYSTEMD_ANALYZE, every, unit

from robot import practices

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICE = DEPLOY / "provider-portal-robot@.service"
TIMER = DEPLOY / "provider-portal-robot@.timer"
CRONTAB = DEPLOY / "crontab-practices.example"
CONTAINERFILE = DEPLOY / "container" / "Containerfile"
BUILD_STEPS = DEPLOY / "container" / "build-steps.sh"
CRONJOB = DEPLOY / "kubernetes" / "cronjob.yaml"
INSTALL = "/opt/provider-portal-robot"
PRACTICES = f"{INSTALL}/practices"


# --- systemd ---------------------------------------------------------------------------------------------


def test_the_template_unit_runs_the_practice_its_instance_names_from_its_own_folder() -> None:
    s = unit(SERVICE)["Service"]
    assert s["ExecStart"] == f"{INSTALL}/.venv/bin/python -m robot --practice {PRACTICES}/%i"
    assert s["WorkingDirectory"] == f"{PRACTICES}/%i"
    assert "EnvironmentFile" not in s, "the robot reads the practice's .env itself; systemd must not load another's"
    assert unit(SERVICE)["Unit"]["AssertPathIsDirectory"] == f"{PRACTICES}/%i"


def test_the_template_unit_keeps_the_single_practice_units_safety() -> None:
    single = unit(DEPLOY / "provider-portal-robot.service")["Service"]
    s = unit(SERVICE)["Service"]
    for key in ("Type", "User", "Group", "UMask", "TimeoutStartSec", "KillMode", "NoNewPrivileges", "PrivateTmp",
                "ProtectSystem", "ProtectHome", "CapabilityBoundingSet", "RestrictAddressFamilies", "StateDirectory"):
        assert s[key] == single[key], key
    assert s["User"] not in ("root", "0") and "SuccessExitStatus" not in s
    assert every(SERVICE, "Service", "ReadWritePaths") == [PRACTICES]  # its runs/ and the page across practices


def test_the_template_timer_staggers_the_practices_the_same_way_every_night() -> None:
    cp = unit(TIMER)
    t = cp["Timer"]
    assert re.fullmatch(r"\*-\*-\* \d{2}:\d{2}(:\d{2})?", t["OnCalendar"])
    assert t["RandomizedDelaySec"] == "4h" and t["FixedRandomDelay"] == "true" and t["Persistent"] == "true"
    assert TIMER.stem == SERVICE.stem and cp["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason=NO_SYSTEMD_ANALYZE)
def test_systemd_analyze_verifies_an_instance_of_the_template_and_its_timer(tmp_path: Path) -> None:
    install = tmp_path / "install"
    (install / ".venv" / "bin").mkdir(parents=True)
    (install / ".venv" / "bin" / "python").symlink_to(Path(sys.executable).resolve())
    (install / "practices" / "northside" / "runs").mkdir(parents=True)
    units = tmp_path / "units"
    units.mkdir()
    for src in (SERVICE, TIMER):
        (units / src.name).write_text(src.read_text(encoding="utf-8").replace(INSTALL, str(install)), encoding="utf-8")
        (units / src.name.replace("@.", "@northside.")).symlink_to(units / src.name)  # an instance of the template
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(units / "provider-portal-robot@northside.service"),
                           str(units / "provider-portal-robot@northside.timer")],
                          capture_output=True, text=True, timeout=60, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0 and not [line for line in output.splitlines() if "provider-portal-robot" in line or str(units) in line], output


# --- cron -----------------------------------------------------------------------------------------------


def test_the_crontab_example_is_what_the_command_prints_for_its_practices(tmp_path: Path, capsys) -> None:
    from robot.cli import main

    lines = [line for line in CRONTAB.read_text().splitlines() if line and not line.startswith("#")]
    names = [re.search(r"--practice \S+/(\w+) ", line)[1] for line in lines]  # type: ignore[index]
    root = tmp_path / "practices"
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "robot.yaml").write_text("")
    assert main(["practices", str(root), "--crontab", "--install", INSTALL]) == 0
    assert capsys.readouterr().out.replace(str(tmp_path), INSTALL).splitlines() == lines
    for line in lines:
        *times, command = line.split(None, 5)
        assert all(CRON_FIELD.match(f) for f in times) and not re.search(r"(?<!\\)%", command)
        assert command.startswith(f"cd {INSTALL} && ") and "flock" not in command


def test_fifty_practices_start_in_fifty_different_minutes() -> None:
    found = [practices.Practice(Path(f"/p/practice-{i:02d}")) for i in range(50)]
    slots = practices.staggered(found, (1, 0), 240)
    times = [(s.hour, s.minute) for s in slots]
    assert len(set(times)) == 50 and min(times) == (1, 0) and max(times) < (5, 0)


# --- the container image --------------------------------------------------------------------------------


def test_the_containerfile_runs_the_build_steps_and_the_robot_as_a_user_of_its_own() -> None:
    text = CONTAINERFILE.read_text()
    assert re.search(r"^FROM debian:\S+", text, re.M)
    assert re.search(r"^RUN /usr/local/sbin/build-steps.sh /src /opt/provider-portal-robot", text, re.M)
    assert f"COPY {BUILD_STEPS.relative_to(ROOT)} /usr/local/sbin/build-steps.sh" in text
    user = re.search(r"^USER (\d+):(\d+)$", text, re.M)
    assert user and user[1] != "0" and f'--uid "$ROBOT_UID"' in BUILD_STEPS.read_text() and "ROBOT_UID=" + user[1] in BUILD_STEPS.read_text()
    assert '"--practice", "/practice"' in text and "tini" in text
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "**/.env", ".venv", "runs"} <= set(ignored), "no practice's secrets or runs in the build context"


def _apt_knows_chromium() -> bool:
    """Whether apt's package lists hold Chromium (a fresh container has none until apt-get update)."""
    if shutil.which("apt-cache") is None:
        return False
    shown = subprocess.run(["apt-cache", "policy", "chromium"], capture_output=True, text=True, timeout=60, check=False).stdout
    return "Candidate:" in shown and "Candidate: (none)" not in shown


@pytest.mark.skipif(not _apt_knows_chromium(), reason="no apt, or its package lists do not hold chromium (run apt-get "
                    "update): the build steps resolve Debian's packages")
def test_the_build_steps_install_a_working_robot_on_this_host(tmp_path: Path) -> None:
    """The image's own script with --host-test: apt-get only simulated (every package resolves), no user made;
    the virtualenv, the plain install of this checkout and its checks for real, in a throwaway prefix."""
    prefix = tmp_path / "prefix"
    # A copy, as the image's /src is: setuptools builds in the source folder, and the checkout must stay clean.
    src = shutil.copytree(ROOT, tmp_path / "src", ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "runs", "*.egg-info", "__pycache__", ".pytest_cache", "test-results", ".env"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the installed robot, not this checkout
    done = subprocess.run(["sh", str(BUILD_STEPS), "--host-test", str(src), str(prefix)], capture_output=True,
                          text=True, timeout=600, check=False, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "system /usr/bin/chromium" in done.stdout or "playwright" in done.stdout
    python = prefix / ".venv" / "bin" / "python"
    installed = subprocess.run([str(python), "-c", "import robot, pathlib; print(pathlib.Path(robot.__file__).parent)"],
                               capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path, env=env).stdout.strip()
    assert str(prefix) in installed and (Path(installed) / "templates" / "practices.html.j2").is_file()


# --- Kubernetes -----------------------------------------------------------------------------------------


def documents() -> dict[str, dict]:
    return {d["kind"]: d for d in yaml.safe_load_all(CRONJOB.read_text()) if d}


def test_the_cronjob_runs_one_practice_at_a_time_from_its_volume_with_its_env_from_a_secret() -> None:
    docs = documents()
    job = docs["CronJob"]["spec"]
    assert job["concurrencyPolicy"] == "Forbid"
    fields = job["schedule"].split()
    assert len(fields) == 5 and all(CRON_FIELD.match(f) for f in fields)
    pod = job["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and job["jobTemplate"]["spec"]["backoffLimit"] == 0
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    assert container["args"] == ["--practice", "/practice"]
    image = container["image"]
    assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), "a pinned image"
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    practice = volumes[mounts["/practice"]["name"]]
    assert practice["persistentVolumeClaim"]["claimName"] == docs["PersistentVolumeClaim"]["metadata"]["name"]
    env = mounts["/practice/.env"]
    assert env["subPath"] == ".env" and env["readOnly"] is True
    secret = volumes[env["name"]]["secret"]
    assert secret["secretName"].endswith("-env") and secret["items"] == [{"key": ".env", "path": ".env"}]
    assert {e["name"]: e["value"] for e in container["env"]}["ROBOT_STATE_DIR"].startswith("/practice/")


def test_the_cronjob_runs_as_the_images_user_never_root() -> None:
    pod = documents()["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    user = re.search(r"^USER (\d+):(\d+)$", CONTAINERFILE.read_text(), re.M)
    assert user
    sc = pod["securityContext"]
    assert sc["runAsNonRoot"] is True and str(sc["runAsUser"]) == user[1] and str(sc["runAsGroup"]) == user[2]
    (container,) = pod["containers"]
    csc = container["securityContext"]
    assert csc["allowPrivilegeEscalation"] is False and csc["capabilities"]["drop"] == ["ALL"]
    if csc.get("readOnlyRootFilesystem"):
        writable = {m["mountPath"] for m in container["volumeMounts"]}
        assert {"/tmp", "/home/robot", "/dev/shm"} <= writable, "Chromium writes there"


@pytest.mark.parametrize("version", ["1.27.0", "1.33.0"])
def test_the_manifest_is_valid_against_kubernetes_own_schema(version: str) -> None:
    for doc in yaml.safe_load_all(CRONJOB.read_text()):
        kubernetes_validate.validate(doc, version, strict=True)  # raises on an unknown field or a wrong type
