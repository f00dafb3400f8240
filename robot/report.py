"""report.html: the page a person reviews after a run, rendered from run.json's record by Jinja2.

A practice keeps these pages for years, so the page stands alone: one file beside its
``screenshots/`` folder, no network, readable printed. Records written before a field existed
lack it; every new field is optional here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from robot.model import Status
from robot.safetext import LINE_LIMIT, VALUE_LIMIT, cut

_env = Environment(
    loader=PackageLoader("robot", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Values too long to read are cut where the page lays them out (a name, an address, a field: ``|cut``;
# an error or a note, the robot's words around the sites': ``|cut(line)``); run.json keeps them whole.
_env.filters["cut"] = lambda value, limit=VALUE_LIMIT: cut(str(value), limit) if value else value
_env.globals.update(line=LINE_LIMIT)

# An address may wrap after "@" or "." only. A longer piece than a local part (64) or a DNS label (63) with the
# character that ends it is no part of a real address: it may wrap anywhere rather than widen the table past use.
LONGEST_PIECE = 65
_AFTER_BREAK = re.compile(r"(?<=[@.])")


def address(value: object, limit: int = VALUE_LIMIT) -> object:
    """An address (Direct, e-mail, a URL) laid out to wrap only after "@" or ".": each piece between them a
    segment no line break may enter (not even at a hyphen), a ``<wbr>`` after each "@" and "."; escaped first."""
    if not value:
        return value
    pieces = [piece for piece in _AFTER_BREAK.split(cut(str(value), limit)) if piece]
    segments = (f'<span class="seg{" long" if len(piece) > LONGEST_PIECE else ""}">{escape(piece)}</span>' for piece in pieces)
    return Markup('<span class="addr">' + "<wbr>".join(segments) + "</span>")


_env.filters["address"] = address

STATUS_ORDER = [
    Status.FAILED, Status.CONFLICT, Status.ACKNOWLEDGED_CONFLICT, Status.CONFIGURED, Status.DRY_RUN, Status.ALREADY_CONFIGURED,
    Status.WAITING_FOR_CDA, Status.NOT_PROVISIONED, Status.EXCLUDED,
]
STATUS_HELP = {
    Status.CONFIGURED: "password set, Poll Direct Mailbox on, Direct address and password set, saved and verified",
    Status.ALREADY_CONFIGURED: "already had Poll Direct Mailbox on and the right Direct address: left alone",
    Status.WAITING_FOR_CDA: "provisioned in MaxMD but no portal account yet: the provider must send one CDA",
    Status.NOT_PROVISIONED: "MaxMD shows no complete provisioning workflow for this provider yet",
    Status.CONFLICT: "the account or providers.yaml disagrees with MaxMD: nothing was changed; a person must resolve it",
    Status.ACKNOWLEDGED_CONFLICT: ("a conflict providers.yaml acknowledges, as both sites still show it: nothing was "
                                   "changed; see the reason and the date to look again in the notes"),
    Status.EXCLUDED: "excluded in providers.yaml",
    Status.FAILED: "the robot could not finish this provider; see the error and the last screenshot",
    Status.DRY_RUN: "filled in and photographed, not saved (--dry-run)",
}

# The only words a password field's value may show; anything else there is hidden.
PASSWORD_WORDS = "password set, see handoff"
NOT_SHOWN = "not shown by the portal"  # a password field is blank on every page: "empty" would read as "had none"
HIDDEN = "(not shown)"


def counts(providers: list[dict]) -> list[tuple[str, int]]:
    c = Counter(p["status"] for p in providers)
    return [(str(s), c[str(s)]) for s in STATUS_ORDER if c[str(s)]]


def _file(path: str) -> str:
    return PurePosixPath(path).name


def _pictures(paths: list[str], described: list[dict] | None) -> list[dict]:
    """Each picture with its kind and caption; old records have paths only, captioned by file name."""
    if described is None:
        return [{"kind": "", "caption": "", "path": p, "file": _file(p)} for p in paths]
    return [
        {"kind": d.get("kind") or "", "caption": d.get("caption") or "", "path": d["path"], "file": _file(d["path"])}
        for d in described
        if d.get("path")
    ]


def _value(field: str, value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    # A second line of defence behind the redactor: a password field never shows what it holds.
    if text and _is_password(field) and text not in (PASSWORD_WORDS, NOT_SHOWN):
        return HIDDEN
    return text


def _is_password(field: str) -> bool:
    return "password" in field.casefold()


def _is_address(value: object) -> bool:
    """A value laid out as an address: one word holding an "@" or a scheme's "://"."""
    text = str(value or "")
    return bool(text) and not any(c.isspace() for c in text) and ("@" in text or "://" in text)


def _fields(rows: list[dict] | None) -> list[dict]:
    out = []
    for row in rows or []:
        name = str(row.get("field") or "")
        before, after = row.get("before"), row.get("after")
        before = "" if before is None else before
        if _is_password(name) and before == "":
            before = NOT_SHOWN  # records written before evidence.NOT_SHOWN: the portal showed the field blank, as always
        out.append({
            "field": name,
            "before": _value(name, before),
            "after": _value(name, after),
            "changed": after is not None and str(before) != str(after),
            "address": _is_address(before) or _is_address(after),
        })
    return out


def match_words(p: dict) -> str:
    """How the provider's MaxMD entry met its portal account, in a sentence; "" where the record does not say."""
    by, names = p.get("matched_by"), p.get("matched_names") or {}
    if by == "npi":
        return f"Matched by NPI: MaxMD's entry shows NPI {p.get('npi')}, the portal account's Username."
    if by == "name":
        return (f"Matched by name: MaxMD's entry shows no NPI; its name «{cut(str(names.get('maxmd') or ''))}» matched the "
                f"portal account's First Name «{cut(str(names.get('portal_first_name') or ''))}», Last Name "
                f"«{cut(str(names.get('portal_last_name') or ''))}» (Username {p.get('npi')}).")
    if by == "providers.yaml":
        return (f"Matched by providers.yaml: MaxMD's entry shows no NPI; providers.yaml pins its Direct address to "
                f"NPI {p.get('npi')}.")
    return ""


def answer_words(answer: dict | None) -> str:
    """The portal's answer to Save as the card gives it: where it came (a dialog leaves no picture), its words."""
    if not answer or not answer.get("words"):
        return ""
    where = "a browser dialog" if answer.get("dialog") else "on the page"
    meaning = {"refused": " (a refusal)", "neither": " (says neither saved nor refused)"}.get(str(answer.get("meaning")), "")
    return f"Answer ({where}): «{cut(str(answer['words']), LINE_LIMIT)}»{meaning}"


def _provider(p: dict, index: int) -> dict:
    return {
        **p,
        "anchor": f"provider-{index}",
        "pictures": _pictures(p.get("screenshots") or [], p.get("pictures")),
        "fields": _fields(p.get("fields")),
        "changed": p.get("changed"),
        "match": match_words(p),
        "answer_words": answer_words(p.get("answer")),
    }


# What the practice card's pictures are, by kind, in the words of its summary line.
_PRACTICE_KINDS = {
    "workflow list": "MaxMD's whole provisioning workflow list",
    "after login": "the pages passed after a login (a one-time code, a notice, a cookie banner)",
    "step": "the page after each seed step done once a run (screenshots: every-step)",
    "failure": "the window where a step before any provider failed",
}


def _practice(practice: dict) -> dict:
    workflow = practice.get("workflow_list")
    if practice.get("pictures") is not None:
        pictures = _pictures([], practice.get("pictures"))
    else:  # a record written before the practice's pictures had kinds
        shots = list(practice.get("screenshots") or [])
        if workflow and workflow not in shots:
            shots.append(workflow)
        pictures = _pictures(shots, None)
    for pic in pictures:
        if pic["path"] == workflow:
            pic.update(kind="workflow list", caption=pic["caption"] or "MaxMD's provisioning workflows, the whole list")
    kinds = list(dict.fromkeys(pic["kind"] for pic in pictures))
    shows = [_PRACTICE_KINDS.get(k, k) for k in kinds if k]
    if "" in kinds:
        shows.append("pictures named by their file")
    return {**practice, "pictures": pictures, "shows": "; ".join(shows)}


def options_words(options: dict | None) -> str:
    """What the run was told, as it would be typed: ``--dry-run --only 1234567893 --workers 2``; "" nothing."""
    if not options:
        return ""
    words = ["--dry-run"] if options.get("dry_run") else []
    words += [f"--only {n}" for n in options.get("only") or []] + [f"--force {n}" for n in options.get("force") or []]
    if (workers := options.get("workers")) not in (None, 1):
        words.append(f"--workers {workers}")
    if options.get("headed"):
        words.append("--headed")
    if options.get("slow_mo"):
        words.append(f"--slow-mo {options['slow_mo']:g}")
    return " ".join(words) or "none"


def outcome_words(record: dict) -> str:
    """The run's exit status in a person's words, with who needs a person where some do (SPEC: 0, 1 or 2)."""
    code = record.get("exit_code")
    if code is None:
        return ""
    if code == 0:
        return "exit 0: every provider the robot could act on is configured or was already"
    if code == 2:
        return "exit 2: the run could not start, or stopped (see below)"
    needs = [p for p in record["providers"] if p.get("status") in ("failed", "conflict")]
    who = ", ".join(f"{p.get('name') or p.get('npi')} ({p['status']})" for p in needs[:5]) + (", ..." if len(needs) > 5 else "")
    return f"exit {code}: a provider needs a person" + (f": {who}" if who else "")


def render(record: dict) -> str:
    """The whole report as one HTML document; screenshots are linked from the run folder beside it."""
    order = {str(s): i for i, s in enumerate(STATUS_ORDER)}
    ranked = sorted(record["providers"], key=lambda p: (order.get(p["status"], 99), (p.get("name") or "").casefold()))
    providers = [_provider(p, i) for i, p in enumerate(ranked, 1)]
    return _env.get_template("report.html.j2").render(
        run=record,
        practice=_practice(record.get("practice") or {}),
        providers=providers,
        counts=counts(record["providers"]),
        help={str(k): v for k, v in STATUS_HELP.items()},
        reminders=[p for p in record["providers"] if p.get("resources_setup_reminder")],
        options=options_words(record.get("options")),
        screenshots=(record.get("options") or {}).get("screenshots"),
        administrators=record.get("administrators") or {},
        outcome=outcome_words(record),
    )
