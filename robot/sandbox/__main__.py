"""``python -m robot.sandbox``: serve both fake sites for a demo until Ctrl-C.

MaxMD on --port (default 8700), the portal on --port + 1, with fixed demo credentials printed below.
"""

from __future__ import annotations

import argparse
import sys
import threading

from robot.sandbox._common import SKINS, Faults
from robot.sandbox._gates import GATES, REFUSALS
from robot.sandbox._server import DEMO_MAXMD_CREDENTIALS, DEMO_PORTAL_CREDENTIALS, Sandbox


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m robot.sandbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8700, help="MaxMD's port; the portal uses PORT+1 (default 8700)")
    parser.add_argument("--providers", type=int, default=None, metavar="N",
                        help="generate N ready providers instead of the seeded Brightside Eye Care practice")
    parser.add_argument("--seed", type=int, default=0, help="seed for --providers (default 0)")
    parser.add_argument("--odd-data", action="store_true",
                        help="add six ready providers with hostile or odd data (quotes, <script>, accents, "
                             "a 200-character name, an upper-case Direct address, extra whitespace)")
    parser.add_argument("--long-address", action="store_true",
                        help="add a ready provider whose Direct address is 60 characters long")
    parser.add_argument("--narrow-inputs", action="store_true",
                        help="draw the portal account page's text boxes 20 characters wide (size=20), narrower than "
                             "every Direct address")
    parser.add_argument("--sandbox-skin", choices=SKINS, default="default",
                        help="how both sites look: default; legacy (table layouts, unlabelled inputs, "
                             "hover menu, paged search grid, alert() after Save); or modern (Bootstrap, Select2, "
                             "DataTables: lists and results loaded in place, a confirmation modal, an XHR Save); "
                             "or spa (Shoelace web components on MaxMD, a Vue single-page portal with User "
                             "Accounts in an iframe, paged results, a confirm dialog and a toast after Save)")
    parser.add_argument("--latency-ms", type=int, default=0, metavar="MS", help="delay added to every request")
    parser.add_argument("--error-rate", type=float, default=0.0, metavar="R", help="share of requests answered 503 (0..1)")
    parser.add_argument("--error-seed", type=int, default=0, metavar="S", help="seed deciding which requests fail")
    parser.add_argument("--session-expiry", type=int, default=None, metavar="N", help="a login session ends after N requests")
    parser.add_argument("--refuse-save", action="append", default=[], metavar="USER", help="refuse this account's Save (repeatable)")
    parser.add_argument("--save-5xx", action="append", default=[], metavar="USER",
                        help="apply this account's Save but answer 500 (repeatable)")
    parser.add_argument("--save-drops-poll", action="append", default=[], metavar="USER",
                        help="answer this account's Save as saved but leave Poll Direct Mailbox as it was (repeatable)")
    parser.add_argument("--gate", action="append", default=None, metavar="SITE=KIND[,KIND]",
                        help=f"pages a login on SITE (maxmd, portal) must pass after the password, in order, of {', '.join(GATES)} "
                             "(repeatable; given, it replaces the rendering's own: the spa skin has maxmd=code, portal=notice)")
    parser.add_argument("--cookie-banner", action="append", default=None, metavar="SITE",
                        help="lay a cookie banner over SITE's pages until it is accepted (repeatable; the spa skin has portal)")
    parser.add_argument("--login-refusal", action="append", default=[], metavar="SITE=KIND",
                        help="refuse every login on SITE as 'locked' or as signed in 'elsewhere'")
    return parser


def _sites(values: list[str] | None) -> set[str] | None:
    if values is not None and not set(values) <= {"maxmd", "portal"}:
        raise SystemExit(f"error: --cookie-banner takes maxmd or portal, not {sorted(set(values) - {'maxmd', 'portal'})[0]!r}")
    return None if values is None else set(values)


def _site_map(values: list[str] | None, allowed: tuple[str, ...], flag: str) -> dict[str, tuple[str, ...]] | None:
    """``SITE=A,B`` flags as {site: (A, B)}; None where the flag was not given."""
    if values is None:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for value in values:
        site, _, kinds = value.partition("=")
        chosen = tuple(k.strip() for k in kinds.split(",") if k.strip())
        if site not in ("maxmd", "portal") or not chosen or any(k not in allowed for k in chosen):
            raise SystemExit(f"error: {flag} {value!r}: give SITE=KIND with SITE maxmd or portal and KIND one of {', '.join(allowed)}")
        out[site] = out.get(site, ()) + chosen
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 0.0 <= args.error_rate <= 1.0:
        print("error: --error-rate must be between 0 and 1", file=sys.stderr)
        return 2
    faults = Faults(
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        error_seed=args.error_seed,
        session_expiry_after=args.session_expiry,
        refuse_save=set(args.refuse_save),
        save_5xx=set(args.save_5xx),
        save_drops_poll=set(args.save_drops_poll),
        gates=_site_map(args.gate, GATES, "--gate"),
        cookie_banner=_sites(args.cookie_banner),
        login_refusal={site: kinds[0] for site, kinds in (_site_map(args.login_refusal, tuple(REFUSALS), "--login-refusal") or {}).items()},
    )
    sandbox = Sandbox(
        providers=args.providers,
        faults=faults,
        maxmd_credentials=DEMO_MAXMD_CREDENTIALS,
        portal_credentials=DEMO_PORTAL_CREDENTIALS,
        host=args.host,
        maxmd_port=args.port,
        portal_port=args.port + 1,
        seed=args.seed,
        odd_data=args.odd_data,
        skin=args.sandbox_skin,
        long_address=args.long_address,
        narrow_inputs=args.narrow_inputs,
    )
    try:
        sandbox.start()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}/{args.port + 1}: {exc}", file=sys.stderr)
        return 2
    print(f"Sandbox running, {sandbox.skin} skin (Ctrl-C to stop)")
    print(f"  MaxMD provisioning tool:       {sandbox.maxmd_url}")
    print(f"    username: {sandbox.maxmd_username}   password: {sandbox.maxmd_password}")
    print(f"  Patient and Provider Portal:   {sandbox.portal_url}")
    print(f"    username: {sandbox.portal_username}   password: {sandbox.portal_password}")
    gates = {site: kinds for site, kinds in (sandbox.faults.gates or {}).items() if kinds}
    if gates or sandbox.faults.cookie_banner:
        print(f"  After the password:            {gates or 'nothing'}; cookie banner on {sorted(sandbox.faults.cookie_banner or []) or 'neither'}")
    print(f"  Authenticator secret (both):   {sandbox.totp_secret}  (MAXMD_TOTP_SECRET, PORTAL_TOTP_SECRET)")
    if sandbox.odd_npis:
        print(f"  Odd-data providers (NPIs):     {', '.join(sandbox.odd_npis)}")
    if sandbox.long_address_npi:
        print(f"  60-character Direct address:   {sandbox.long_address_npi}")
    if sandbox.faults.narrow_inputs:
        print("  Account page text boxes:       20 characters wide (--narrow-inputs)")
    print("  For the robot: MAXMD_URL, MAXMD_USERNAME, MAXMD_PASSWORD, PORTAL_URL, PORTAL_USERNAME, PORTAL_PASSWORD,"
          " and the secret above", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

