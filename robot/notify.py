"""A word to a person when a run needs one: a short summary sent through Apprise (e-mail, Teams, Slack, a
webhook, ...) to the places ``notify.urls`` in robot.yaml lists.

The URLs' secrets never sit in YAML: ``${VAR}`` in a URL is filled from the environment or the practice's
``.env``, and every filled value (and every whole URL) goes to the run's redactor. A URL is only ever named by
its number and scheme (``notify.urls #2 (mailtos)``), never shown. A notification that cannot be sent is said
and logged; it never changes the run's exit status.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from robot.errors import ConfigError
from robot.yamlfile import check_keys, mapping

# What a notification is sent for: the run's exit status says which.
EVENTS = {"needs-a-person": "a provider needs a person (exit 1)", "could-not-run": "the run could not start or stopped (exit 2)",
          "interrupted": "the run was interrupted (stopped by a signal, or killed and picked up by the next run)"}
KEYS = {"urls", "when"}
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_PROVIDERS = 25  # a message lists at most this many providers; the report has them all


@dataclass(frozen=True)
class Notify:
    """robot.yaml's ``notify:``, its placeholders filled. Empty ``urls``: notifications are off (the default)."""

    urls: tuple[str, ...] = field(default=(), repr=False)
    labels: tuple[str, ...] = ()  # how messages name each URL: "notify.urls #1 (mailto)"
    when: frozenset[str] = frozenset(EVENTS)
    secrets: tuple[str, ...] = field(default=(), repr=False)  # the filled-in values and the whole URLs
    variables: frozenset[str] = frozenset()  # the variables the URLs name: kept from the browser's environment

    @property
    def on(self) -> bool:
        return bool(self.urls)


def from_config(section: Any, env: Mapping[str, str], where: str) -> Notify:
    """``notify:`` from robot.yaml (``where`` names the file): ``urls`` (a list) and ``when`` (some of EVENTS)."""
    raw = mapping(section, f"{where}: notify")
    check_keys(raw, KEYS, f"{where}: notify")
    urls = raw.get("urls") or []
    if not isinstance(urls, list) or not all(isinstance(u, str) and u.strip() for u in urls):
        raise ConfigError(f"{where}: notify.urls: expected a list of Apprise URLs, such as "
                          "[\"mailtos://robot:${SMTP_PASSWORD}@smtp.example.com?to=it@example.com\"]")
    when = raw.get("when", sorted(EVENTS))
    if not isinstance(when, list) or not when or any(w not in EVENTS for w in when):
        raise ConfigError(f"{where}: notify.when: expected a list of some of {', '.join(EVENTS)}, found {when!r}")
    filled, labels, secrets, variables = [], [], [], set()
    for i, url in enumerate(urls, start=1):
        label = f"notify.urls #{i} ({url.strip().split(':', 1)[0] or '?'})"
        value, used = _fill(url.strip(), env, f"{where}: {label}")
        _no_literal_password(url, f"{where}: {label}")
        _accepted(value, f"{where}: {label}")
        filled.append(value)
        labels.append(label)
        secrets += [env[v] for v in used] + [value]
        variables |= used
    return Notify(tuple(filled), tuple(labels), frozenset(when), tuple(s for s in secrets if s), frozenset(variables))


def _fill(url: str, env: Mapping[str, str], where: str) -> tuple[str, set[str]]:
    """``${VAR}`` replaced by its value from the environment or .env; a variable unset or empty is an error."""
    used = set(PLACEHOLDER.findall(url))
    if missing := sorted(v for v in used if not env.get(v, "").strip()):
        raise ConfigError(f"{where} names {', '.join('${' + v + '}' for v in missing)}, which "
                          f"{'is' if len(missing) == 1 else 'are'} not set in the environment or .env; set "
                          f"{'it' if len(missing) == 1 else 'them'} there (the URL's secret goes in .env, never in robot.yaml)")
    if "${" in PLACEHOLDER.sub("", url):
        raise ConfigError(f"{where}: a '${{' that is not a placeholder; write each one as ${{NAME}} (letters, digits, _)")
    return PLACEHOLDER.sub(lambda m: env[m.group(1)].strip(), url), used


def _no_literal_password(url: str, where: str) -> None:
    """A password written into the URL in robot.yaml is refused: it belongs in .env, named by ``${VAR}``."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password and not PLACEHOLDER.fullmatch(password):
        raise ConfigError(f"{where}: the URL holds a password written in robot.yaml; passwords are never read from YAML: "
                          "put it in .env (SMTP_PASSWORD=...) and write ${SMTP_PASSWORD} in its place")


def _accepted(url: str, where: str) -> None:
    import apprise  # only where notifications are configured: it loads a hundred services' plugins

    with _quiet_apprise():
        if apprise.Apprise.instantiate(url) is None:
            raise ConfigError(f"{where}: not a URL Apprise can send to (its scheme unknown, or a part missing or wrong); "
                              "see https://github.com/caronc/apprise/wiki for each service's URL form")


class _Collect(logging.Handler):
    """Apprise's own log lines, kept (to be redacted and logged by the run) instead of reaching stderr as they are."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class _quiet_apprise:
    """Apprise logs through ``logging`` and, with no handler, Python would print its warnings (which may name a
    host or a user) straight to stderr: while it works, its lines go to a collector of ours instead."""

    def __enter__(self) -> _Collect:
        self.logger = logging.getLogger("apprise")
        self.before = (self.logger.propagate, self.logger.level)
        self.handler = _Collect()
        self.logger.addHandler(self.handler)
        self.logger.propagate = False
        self.logger.setLevel(logging.WARNING)
        return self.handler

    def __exit__(self, *_exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate, level = self.before
        self.logger.setLevel(level)


def event_of(exit_code: int, picked_up: bool = False) -> str | None:
    """Which event a run's end is: exit 1 needs a person, 2 could not run, 130/143 interrupted; a run that picked
    up a killed one says so even when it went well."""
    if exit_code == 1:
        return "needs-a-person"
    if exit_code == 2:
        return "could-not-run"
    if exit_code in (130, 143) or picked_up:
        return "interrupted"
    return None


def summary(record: Mapping[str, Any], practice: str, report: Path | None, exit_code: int) -> tuple[str, str]:
    """(title, body) of a run's message: the practice, what happened, counts by status, each provider that needs a
    person with the reason, where the report is. Built from the run's record, which the redactor has already seen."""
    event = event_of(exit_code, bool(record.get("picked_up")))
    what = {"needs-a-person": "needs a person", "could-not-run": "could not run",
            "interrupted": "was interrupted"}.get(event or "", "finished")
    title = f"Provider Portal Robot: {practice} {what} (exit {exit_code})"
    lines = [f"Practice: {practice}", f"Host: {socket.gethostname()}", f"Exit status: {exit_code} ({what})"]
    if started := record.get("started"):
        lines.append(f"Run started: {started}")
    if error := record.get("error"):
        lines.append(f"Why it stopped: {error}")
    if picked := record.get("picked_up"):
        lines.append(f"It picked up the interrupted run {picked.get('run', '?')} (see its report)")
    if counts := record.get("counts"):
        lines += ["", "Providers by status:", *(f"  {status}: {n}" for status, n in counts.items())]
    attention = [p for p in record.get("providers") or [] if p.get("status") in ("failed", "conflict")]
    if attention:
        lines += ["", "Needs a person:"]
        for p in attention[:MAX_PROVIDERS]:
            lines.append(f"  {p.get('name') or '?'} (NPI {p.get('npi') or 'none'}): {p.get('status')}: {p.get('error') or ''}".rstrip(": "))
        if len(attention) > MAX_PROVIDERS:
            lines.append(f"  and {len(attention) - MAX_PROVIDERS} more: see the report")
    lines += ["", f"Report: {report}" if report else "No report: the run did not start (no run folder)."]
    return title, "\n".join(lines) + "\n"


def send(notify: Notify, title: str, body: str, redact: Callable[[str], str]) -> list[str]:
    """Send to every URL; what went wrong, one line each, redacted (empty: all delivered). Never raises."""
    import apprise

    problems = []
    with _quiet_apprise() as collected:
        for url, label in zip(notify.urls, notify.labels, strict=True):
            try:
                sender = apprise.Apprise()
                sender.add(url)
                ok = bool(sender.notify(title=redact(title), body=redact(body), body_format=apprise.NotifyFormat.TEXT))
            except Exception as exc:  # noqa: BLE001 - a notification must never end the run
                ok, collected.lines = False, [*collected.lines, type(exc).__name__]
            if not ok:
                why = "; ".join(dict.fromkeys(collected.lines)) or "no answer"
                problems.append(redact(f"{label}: not delivered ({why})"))
            collected.lines = []
    return problems


def test_message(practice: str, notify: Notify, check_result: str = "") -> tuple[str, str]:
    """``--notify-test``: a message that proves each URL reaches someone."""
    lines = [f"Practice: {practice}", f"Host: {socket.gethostname()}",
             "A test message from python -m robot --notify-test: notifications reach this place.",
             f"Sent for: {', '.join(e for e in EVENTS if e in notify.when)}."]
    if check_result:
        lines.append(check_result)
    return f"Provider Portal Robot: {practice}: test message", "\n".join(lines) + "\n"


def lenient(config_path: Path, env: Mapping[str, str]) -> Notify | None:
    """``notify:`` alone, for a run whose other settings were refused: so that 'could not run' still reaches a
    person. None where robot.yaml or its notify section cannot be read either."""
    from robot.yamlfile import read_yaml

    try:
        raw = read_yaml(config_path, "")
        return from_config(raw.get("notify") if isinstance(raw, dict) else None, env, config_path.name)
    except ConfigError:
        return None
