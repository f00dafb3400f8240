"""What the command line tells beyond a run's own folder: a notification when a run could not start (a run that
started sends its own, robot.run), the ``--notify-test`` message, and a practice folder's place on the page
across practices (robot.practices)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from robot import notify, practices
from robot.audit import Redactor
from robot.errors import ConfigError
from robot.safetext import plural, shown
from robot.settings import Settings, load_env


@dataclass
class Told:
    """What the command line knew when it stopped, filled in as it goes."""

    practice: practices.Practice | None = None
    config: Path | None = None
    dotenv: Path | None = None
    settings: Settings | None = None
    ran: bool = False  # a run folder was made and finished: it said everything itself

    def label(self) -> str:
        """The practice as messages name it: practice.name, else its folder's name."""
        if self.settings is not None and self.settings.practice_name:
            return self.settings.practice_name
        if self.settings is None and (named := practices.name_in(self.config)):
            return named  # robot.yaml was refused, but its practice.name is there to read
        if self.practice is not None:
            return self.practice.name
        return (self.config.absolute().parent.parent.name if self.config else "") or "the practice"

    def named(self, message: str) -> str:
        """An error of a practice folder's run, beginning with the practice it is about."""
        if self.practice is None or message.startswith((f"practice {self.practice.name}:", "--practice")):
            return message
        return f"practice {self.practice.name}: {message}"

    def _notify(self) -> tuple[notify.Notify | None, Redactor]:
        """The notification settings: the loaded ones, or robot.yaml's ``notify:`` alone where the rest was refused."""
        redactor = Redactor()
        if self.settings is not None:
            redactor.add(*self.settings.secrets())
            return self.settings.notify, redactor
        if self.config is None or not self.config.is_file():
            return None, redactor
        found = notify.lenient(self.config, load_env(self.dotenv, os.environ))
        if found is not None:
            redactor.add(*found.secrets)
        return found, redactor

    def could_not_run(self, error: str, code: int, *, asked: bool) -> None:
        """A run that stopped before its run folder (exit 2): on the practice's page, and to notify.urls."""
        if self.practice is not None and code == 2 and asked:
            practices.note_not_started(self.practice, error)
        if not asked or code != 2:
            return
        found, redactor = self._notify()
        if found is None or not found.on or "could-not-run" not in found.when:
            return
        title, body = notify.summary({"error": error}, self.label(), None, code)
        for problem in notify.send(found, title, body, redactor):
            print(f"warning: {shown(problem)}", file=sys.stderr)

    def test_message(self, check_result: str = "") -> int:
        """``--notify-test``: 0 when every place took the message, 2 naming each that did not."""
        found, redactor = self._notify()
        if found is None or not found.on:
            raise ConfigError(f"--notify-test: {self.config.name if self.config else 'robot.yaml'} lists no notify.urls; "
                              "add the places to tell (docs/reference.md, 'notify')")
        title, body = notify.test_message(self.label(), found, check_result)
        problems = notify.send(found, title, body, redactor)
        for problem in problems:
            print(f"error: {shown(problem)}", file=sys.stderr)
        if not problems:
            print(f"Test message sent to {plural(len(found.urls), 'place')}: {', '.join(found.labels)}.")
        return 2 if problems else 0

    def practice_page(self, code: int, check: bool) -> None:
        """A practice folder's run: its page across practices rewritten (a --check changes nothing there)."""
        if self.practice is None or check:
            return
        if self.ran:
            practices.clear_not_started(self.practice)
        try:
            practices.write_index(self.practice.root)
        except (OSError, ConfigError) as exc:
            print(f"warning: the page across practices in {self.practice.root} could not be written "
                  f"({getattr(exc, 'strerror', None) or exc})", file=sys.stderr)

