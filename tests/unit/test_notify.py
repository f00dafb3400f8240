"""Notifications (robot.notify): notify.urls with their secrets from the environment, refused when they would put a
secret in YAML or cannot be sent to, the summary a person gets, and delivery to a local SMTP server and webhook
with no secret in what arrives and nothing on stderr when a place does not answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mail_helpers import SMTP_USER, free_port, smtp_server, webhook

from robot import notify
from robot.audit import Redactor
from robot.cli import hide_secrets
from robot.errors import ConfigError
from robot.settings import load

ROOT = Path(__file__).resolve().parents[2]
SMTP_SECRET = "Smtp-Secret-4u!"
HOOK_SECRET = "Hook-Secret-9z"


def mailto(port: int, secret: str = "${SMTP_PASSWORD}") -> str:
    return f"mailto://{SMTP_USER}:{secret}@127.0.0.1:{port}/?from=robot@practice.test&to=it@contractor.test"


def record(**extra) -> dict:
    return {
        "started": "2031-06-01T02:30:07+00:00", "exit_code": 1, "error": None, "picked_up": None,
        "counts": {"configured": 3, "failed": 1, "conflict": 1},
        "providers": [
            {"npi": "1234567893", "name": "Jane Okafor, OD", "status": "configured", "error": None},
            {"npi": "1982736459", "name": "Ada Byrne, OD", "status": "failed", "error": "step 'Save' failed: the portal refused the Save"},
            {"npi": "1540926783", "name": "Aisha Bello, MD", "status": "conflict", "error": "the account holds another Direct address"},
        ],
        **extra,
    }


def test_placeholders_are_filled_from_the_environment_and_their_values_are_secrets() -> None:
    n = notify.from_config({"urls": [mailto(25), "json://127.0.0.1:8/hook"]}, {"SMTP_PASSWORD": SMTP_SECRET}, "robot.yaml")
    assert n.on and SMTP_SECRET in n.urls[0] and "${" not in n.urls[0]
    assert SMTP_SECRET in n.secrets and n.urls[0] in n.secrets and n.variables == {"SMTP_PASSWORD"}
    assert n.labels == ("notify.urls #1 (mailto)", "notify.urls #2 (json)")
    assert SMTP_SECRET not in repr(n)
    assert n.when == set(notify.EVENTS)


def test_notifications_are_off_by_default() -> None:
    assert not notify.from_config(None, {}, "robot.yaml").on
    assert not load(ROOT / "config" / "robot.yaml", environ={}, dotenv_path=None, force_sandbox=True).notify.on


@pytest.mark.parametrize(("section", "words"), [
    ({"urls": [mailto(25)]}, ["${SMTP_PASSWORD}", "not set in the environment or .env", "notify.urls #1 (mailto)"]),
    ({"urls": [f"mailto://u:{SMTP_SECRET}@smtp.example.com?to=a@b.test"]}, ["never read from YAML", "${SMTP_PASSWORD}"]),
    ({"urls": ["nosuchservice://token@host"]}, ["notify.urls #1 (nosuchservice)", "not a URL Apprise can send to"]),
    ({"urls": "mailto://x"}, ["expected a list of Apprise URLs"]),
    ({"urls": [mailto(25)], "when": ["sometimes"]}, ["notify.when", "needs-a-person"]),
    ({"url": []}, ["notify.url", "unknown key"]),
    ({"urls": ["json://127.0.0.1:8/${bad-name}"]}, ["not a placeholder"]),
])
def test_a_bad_notify_section_is_one_line_naming_the_url_by_number_never_its_secret(section: dict, words: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        notify.from_config(section, {}, "robot.yaml")
    message = str(caught.value)
    assert all(w in message for w in words), message
    assert SMTP_SECRET not in message and "\n" not in message


def test_the_summary_names_the_practice_counts_each_provider_to_look_at_and_the_report() -> None:
    title, body = notify.summary(record(), "Brightside Eye Care", Path("/srv/p/runs/20310601T023007Z/report.html"), 1)
    assert "Brightside Eye Care" in title and "needs a person" in title
    assert "configured: 3" in body and "failed: 1" in body
    assert "Ada Byrne, OD (NPI 1982736459): failed: step 'Save' failed: the portal refused the Save" in body
    assert "Aisha Bello, MD (NPI 1540926783): conflict" in body
    assert "Jane Okafor" not in body, "only those that need a person"
    assert "Report: /srv/p/runs/20310601T023007Z/report.html" in body


def test_a_run_that_could_not_start_says_why_and_that_there_is_no_report() -> None:
    title, body = notify.summary({"error": "MAXMD_PASSWORD is not set"}, "North", None, 2)
    assert "could not run" in title and "Why it stopped: MAXMD_PASSWORD is not set" in body and "No report" in body


@pytest.mark.parametrize(("code", "picked_up", "event"), [
    (0, False, None), (1, False, "needs-a-person"), (2, False, "could-not-run"), (143, False, "interrupted"),
    (130, False, "interrupted"), (0, True, "interrupted"), (1, True, "needs-a-person")])
def test_which_runs_are_told(code: int, picked_up: bool, event: str | None) -> None:
    assert notify.event_of(code, picked_up) == event


def test_one_email_and_one_webhook_arrive_with_the_summary_and_no_secret(capsys) -> None:
    with smtp_server(SMTP_SECRET) as smtp, webhook() as hook:
        env = {"SMTP_PASSWORD": SMTP_SECRET, "HOOK_PASSWORD": HOOK_SECRET}
        n = notify.from_config({"urls": [mailto(smtp.port), f"json://robot:${{HOOK_PASSWORD}}@127.0.0.1:{hook.port}/hook"]},
                               env, "robot.yaml")
        redactor = Redactor()
        provider_password = "Pw-of-a-provider-1!"
        redactor.add(*n.secrets, provider_password)
        rec = record()
        rec["providers"][1]["error"] += f" (typed {provider_password})"  # a secret that slipped into an error is scrubbed
        title, body = notify.summary(rec, "Brightside Eye Care", Path("/r/report.html"), 1)
        assert notify.send(n, title, body, redactor) == []
    assert len(smtp.mails) == 1 and smtp.mails[0].authenticated and smtp.mails[0].to == ["it@contractor.test"]
    mail = smtp.mails[0]
    assert "Brightside Eye Care" in mail.subject and "Ada Byrne" in mail.text and "/r/report.html" in mail.text
    assert len(hook.bodies) == 1
    posted = json.loads(hook.bodies[0])
    assert "Ada Byrne" in posted["message"] and "Brightside" in posted["title"]
    for secret in (SMTP_SECRET, HOOK_SECRET, provider_password):
        assert secret not in mail.text and secret.encode() not in mail.raw and secret.encode() not in hook.bodies[0]
    assert capsys.readouterr().err == ""


def test_a_place_that_does_not_answer_is_one_line_with_no_secret_and_nothing_on_stderr(capsys) -> None:
    env = {"SMTP_PASSWORD": SMTP_SECRET}
    n = notify.from_config({"urls": [mailto(free_port()), f"json://127.0.0.1:{free_port()}/hook"]}, env, "robot.yaml")
    redactor = Redactor()
    redactor.add(*n.secrets)
    problems = notify.send(n, "t", "b", redactor)
    assert [p.split(":")[0] for p in problems] == ["notify.urls #1 (mailto)", "notify.urls #2 (json)"]
    assert all("not delivered" in p and SMTP_SECRET not in p for p in problems), problems
    assert capsys.readouterr().err == ""


def test_the_urls_secrets_leave_the_environment_the_browser_inherits(tmp_path: Path) -> None:
    (tmp_path / "robot.yaml").write_text(f"notify:\n  urls: ['{mailto(25)}']\n")
    environ = {"SMTP_PASSWORD": SMTP_SECRET, "HOME": "/x"}
    settings = load(tmp_path / "robot.yaml", environ=environ, dotenv_path=None, force_sandbox=True)
    assert SMTP_SECRET in settings.secrets()
    assert hide_secrets(settings, environ) == ["SMTP_PASSWORD"] and environ == {"HOME": "/x"}
