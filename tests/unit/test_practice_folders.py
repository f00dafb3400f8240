"""``--practice DIR``: one folder per practice (its .env, robot.yaml, runs/), bad input refused in one line naming
the practice before a browser starts, only that folder's .env read (never the one where the command runs), the
environment unable to contradict it, a run that could not start told to notify.urls and shown on the page across
practices, and ``--notify-test``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mail_helpers import SMTP_USER, free_port, smtp_server, webhook
from robot_helpers import no_browser_allowed

import robot.cli
from robot import practices
from robot.cli import main
from robot.run import RunResult

MAXMD_PASSWORD = "Mx-practice-Secret-1!"
PORTAL_PASSWORD = "Pt-practice-Secret-2!"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a folder of its own holding another .env (which must never be read), with a clean environment
    and a tripwire on the browser."""
    here = tmp_path / "elsewhere"
    here.mkdir()
    (here / ".env").write_text("MAXMD_URL=https://wrong.example/login\nMAXMD_PASSWORD=from-the-cwd\n")
    monkeypatch.chdir(here)
    no_browser_allowed(monkeypatch, "SMTP_PASSWORD")
    return tmp_path


def practice(root: Path, name: str = "northside", yaml: str = "practice:\n  name: Northside Eye\n", env: str | None = None) -> Path:
    folder = root / "practices" / name
    folder.mkdir(parents=True)
    (folder / "robot.yaml").write_text(yaml)
    (folder / ".env").write_text(env if env is not None else
                                 f"MAXMD_URL=https://maxmd.example/login\nMAXMD_USERNAME=admin\nMAXMD_PASSWORD={MAXMD_PASSWORD}\n"
                                 f"PORTAL_URL=https://portal.example/login\nPORTAL_USERNAME=admin\nPORTAL_PASSWORD={PORTAL_PASSWORD}\n")
    return folder


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_a_practice_folder_that_does_not_exist(tmp_path: Path, capsys) -> None:
    line = refused(["--practice", str(tmp_path / "nope")], capsys)
    assert f"--practice {tmp_path / 'nope'}" in line and "does not exist" in line and "create it" in line


def test_a_practice_folder_without_its_env(tmp_path: Path, capsys) -> None:
    folder = practice(tmp_path)
    (folder / ".env").unlink()
    line = refused(["--practice", str(folder)], capsys)
    assert "practice northside has no .env" in line and "copy config/.env.example there" in line
    assert "has no .env" in (folder.parent / "index.html").read_text(), "the page across practices shows it"


def test_a_practice_folder_without_its_robot_yaml(tmp_path: Path, capsys) -> None:
    folder = practice(tmp_path)
    (folder / "robot.yaml").unlink()
    line = refused(["--practice", str(folder)], capsys)
    assert "practice northside has no robot.yaml" in line


def test_a_bad_notify_url_names_the_practice_and_never_its_secret(tmp_path: Path, capsys) -> None:
    folder = practice(tmp_path, yaml="notify:\n  urls: ['nosuchservice://robot:${SMTP_PASSWORD}@host']\n")
    with (folder / ".env").open("a") as f:
        f.write("SMTP_PASSWORD=Smtp-in-env-3!\n")
    line = refused(["--practice", str(folder)], capsys)
    assert line.startswith("error: practice northside: robot.yaml: notify.urls #1 (nosuchservice)"), line
    assert "Smtp-in-env-3!" not in line


@pytest.mark.parametrize("other", [["--config", "config/robot.yaml"], ["--out", "runs2"], ["--sandbox"]])
def test_a_practice_is_named_one_way(tmp_path: Path, capsys, other: list[str]) -> None:
    line = refused(["--practice", str(practice(tmp_path)), *other], capsys)
    assert f"--practice with {other[0]}" in line


def test_only_the_practice_folders_env_is_read_and_its_runs_go_in_it(tmp_path: Path, monkeypatch) -> None:
    folder = practice(tmp_path)
    seen = {}

    def execute(settings, options, choice, *, maxmd, portal, sandbox):
        seen.update(maxmd=maxmd, out=options.out, practice=options.practice, dotenv=settings.dotenv)
        return RunResult(0, options.out / "x")

    monkeypatch.setattr(robot.cli, "choose_browser", lambda: None)
    monkeypatch.setattr(robot.cli, "execute", execute)
    assert main(["--practice", str(folder)]) == 0
    assert seen["maxmd"].url == "https://maxmd.example/login" and seen["maxmd"].password == MAXMD_PASSWORD
    assert seen["out"] == folder / "runs" and seen["dotenv"] == folder / ".env" and seen["practice"] == "Northside Eye"
    assert (folder.parent / "index.html").is_file(), "the page across practices is rewritten after the run"


def test_the_environment_cannot_contradict_the_practice_folders_env(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = practice(tmp_path)
    monkeypatch.setenv("MAXMD_PASSWORD", "another-practices-password")
    line = refused(["--practice", str(folder)], capsys)
    assert "practice northside: MAXMD_PASSWORD is set in the environment to another value" in line and "unset MAXMD_PASSWORD" in line
    assert "another-practices-password" not in line and MAXMD_PASSWORD not in line


def test_a_run_that_could_not_start_is_told_and_shown_on_the_page(tmp_path: Path, capsys) -> None:
    with webhook() as hook:
        folder = practice(tmp_path, yaml=f"practice:\n  name: Northside Eye\nfiles:\n  selectors: typo.yaml\n"
                                         f"notify:\n  urls: ['{hook.url()}']\n")
        refused(["--practice", str(folder)], capsys)
    assert len(hook.bodies) == 1
    body = json.loads(hook.bodies[0])
    assert "Northside Eye could not run (exit 2)" in body["title"] and "typo.yaml" in body["message"]
    assert MAXMD_PASSWORD not in hook.bodies[0].decode() and PORTAL_PASSWORD not in hook.bodies[0].decode()
    page = (folder.parent / "index.html").read_text()
    assert "could not start" in page and "typo.yaml" in page and "Northside" in page
    assert json.loads((folder / "runs" / practices.NOT_STARTED_NAME).read_text())["error"].startswith("practice northside:")


def test_notify_test_sends_one_message_and_a_place_that_does_not_answer_is_exit_2(tmp_path: Path, capsys) -> None:
    with smtp_server("Smtp-Secret-5!") as smtp:
        url = f"mailto://{SMTP_USER}:${{SMTP_PASSWORD}}@127.0.0.1:{smtp.port}/?from=robot@practice.test&to=it@contractor.test"
        folder = practice(tmp_path, yaml=f"notify:\n  urls: ['{url}']\n")
        with (folder / ".env").open("a") as f:
            f.write("SMTP_PASSWORD=Smtp-Secret-5!\n")
        assert main(["--practice", str(folder), "--notify-test"]) == 0
    assert len(smtp.mails) == 1 and "test message" in smtp.mails[0].subject and "northside" in smtp.mails[0].text
    assert "Test message sent to 1 place" in capsys.readouterr().out
    assert main(["--practice", str(folder), "--notify-test"]) == 2  # the server is gone
    err = capsys.readouterr().err
    assert "notify.urls #1 (mailto): not delivered" in err and "Smtp-Secret-5!" not in err


def test_notify_test_without_urls_says_what_to_add(tmp_path: Path, capsys) -> None:
    line = refused(["--practice", str(practice(tmp_path)), "--notify-test"], capsys)
    assert "lists no notify.urls" in line


def test_notify_test_runs_nothing_else(tmp_path: Path, capsys) -> None:
    line = refused(["--practice", str(practice(tmp_path)), "--notify-test", "--dry-run"], capsys)
    assert "--notify-test takes no --dry-run" in line


def test_a_practice_with_no_site_never_runs_the_sandbox_even_at_a_terminal(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(robot.cli, "_at_terminal", lambda: True)
    line = refused(["--practice", str(practice(tmp_path, env="MAXMD_USERNAME=admin\n"))], capsys)
    assert line.startswith("error: practice northside: no site configured") and "--sandbox" not in line


def test_handoff_reads_the_practice_folders_ledger(tmp_path: Path, capsys) -> None:
    from robot import ledger

    folder = practice(tmp_path)
    secret = "Pw-handed-1!"
    ledger.update(folder / "runs", lambda _: [ledger.Entry("1234567893", "Jane Okafor", "1234567893", secret, "j@d.test",
                                                          secret, "yes", "2031-06-01T02:31:00+00:00", "20310601T023000Z", "https://p.test/")])
    assert main(["handoff", "--practice", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Jane Okafor" in out and secret not in out
    assert main(["handoff", "--practice", str(folder), "--out", "x"]) == 2
    assert "--practice names the practice folder's runs/" in capsys.readouterr().err
