"""report.html: the page a person reviews after a run, rendered from run.json's record by Jinja2."""

from __future__ import annotations

from collections import Counter

from jinja2 import Environment, PackageLoader, select_autoescape

from robot.model import Status

_env = Environment(
    loader=PackageLoader("robot", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

STATUS_ORDER = [
    Status.FAILED, Status.CONFLICT, Status.CONFIGURED, Status.DRY_RUN, Status.ALREADY_CONFIGURED,
    Status.WAITING_FOR_CDA, Status.NOT_PROVISIONED, Status.EXCLUDED,
]
STATUS_HELP = {
    Status.CONFIGURED: "password set, Poll Direct Mailbox on, Direct address and password set, saved and verified",
    Status.ALREADY_CONFIGURED: "already had Poll Direct Mailbox on and the right Direct address: left alone",
    Status.WAITING_FOR_CDA: "provisioned in MaxMD but no portal account yet: the provider must send one CDA",
    Status.NOT_PROVISIONED: "MaxMD shows no complete provisioning workflow for this provider yet",
    Status.CONFLICT: "the account or providers.yaml disagrees with MaxMD: nothing was changed; a person must resolve it",
    Status.EXCLUDED: "excluded in providers.yaml",
    Status.FAILED: "the robot could not finish this provider; see the error and the last screenshot",
    Status.DRY_RUN: "filled in and photographed, not saved (--dry-run)",
}


def counts(providers: list[dict]) -> list[tuple[str, int]]:
    c = Counter(p["status"] for p in providers)
    return [(str(s), c[str(s)]) for s in STATUS_ORDER if c[str(s)]]


def render(record: dict) -> str:
    """The whole report as one HTML document; screenshots are linked from the run folder beside it."""
    order = {str(s): i for i, s in enumerate(STATUS_ORDER)}
    providers = sorted(record["providers"], key=lambda p: (order.get(p["status"], 99), p["name"].casefold()))
    return _env.get_template("report.html.j2").render(
        run=record,
        providers=providers,
        counts=counts(record["providers"]),
        help={str(k): v for k, v in STATUS_HELP.items()},
        reminders=[p for p in record["providers"] if p.get("resources_setup_reminder")],
    )
