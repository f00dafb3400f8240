"""report.html: the page a person reviews after a run, rendered from run.json's record by Jinja2.

A practice keeps these pages for years, so the page stands alone: one file beside its
``screenshots/`` folder, no network, readable printed. Records written before a field existed
lack it; every new field is optional here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from jinja2 import Environment, PackageLoader, select_autoescape

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
    if text and "password" in field.casefold() and text != PASSWORD_WORDS:
        return HIDDEN
    return text


def _fields(rows: list[dict] | None) -> list[dict]:
    out = []
    for row in rows or []:
        name = str(row.get("field") or "")
        before, after = row.get("before"), row.get("after")
        before = "" if before is None else before
        out.append({
            "field": name,
            "before": _value(name, before),
            "after": _value(name, after),
            "changed": after is not None and str(before) != str(after),
        })
    return out


def _provider(p: dict, index: int) -> dict:
    return {
        **p,
        "anchor": f"provider-{index}",
        "pictures": _pictures(p.get("screenshots") or [], p.get("pictures")),
        "fields": _fields(p.get("fields")),
        "changed": p.get("changed"),
    }


def _practice(practice: dict) -> dict:
    shots = list(practice.get("screenshots") or [])
    workflow = practice.get("workflow_list")
    if workflow and workflow not in shots:
        shots.append(workflow)
    pictures = _pictures(shots, None)
    for pic in pictures:
        if pic["path"] == workflow:
            pic.update(kind="workflow list", caption="MaxMD's workflow list, once a run")
    return {**practice, "pictures": pictures}


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
    )
