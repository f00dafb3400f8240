"""Everything a run is told before a browser starts: robot.yaml, providers.yaml, selectors.yaml, .env.

Every problem is a ConfigError naming the file, key or variable and what to do. Passwords come
only from the environment (or ``.env``), never from a YAML file or the command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from pages.locators import DEFAULTS, Selectors
from robot.errors import ConfigError
from robot.model import SCREENSHOT_MODES, AcknowledgedConflict, ProviderSettings
from robot.history import Retention
from robot.notify import KEYS as NOTIFY_KEYS, Notify, from_config as notify_from_config
from robot.origins import origin, plain_http
from robot.otp import OneTimeCodes, codes_from
from robot.login_pages import DEFAULT_ANSWERS, answers_from_config
from robot.passwords import FORMULA_START, PasswordPolicy, meets
from robot.rules import is_valid_email, npi_problem
from robot.yamlfile import boolean as _bool, check_keys as _check_keys, mapping as _mapping, read_yaml as _read_yaml
from robot.yamlfile import day as _date, key_lines, text as _str, whole_number as _int

ENV_VARS = ("MAXMD_URL", "MAXMD_USERNAME", "MAXMD_PASSWORD", "PORTAL_URL", "PORTAL_USERNAME", "PORTAL_PASSWORD")
# The environment variables that hold a secret whatever their value: never passed on to the browser.
SECRET_VARIABLES = frozenset({"MAXMD_PASSWORD", "PORTAL_PASSWORD", "MAXMD_TOTP_SECRET", "PORTAL_TOTP_SECRET"})

_ROBOT_KEYS = {
    "practice": {"name", "direct_domain"},
    "sites": {"maxmd_url", "portal_url", "maxmd_username", "portal_username", "trusted_origins", "allow_http"},
    "passwords": {"length", "upper", "lower", "digit", "symbol", "symbols", "direct_same_as_portal"},
    "files": {"providers", "selectors"},
    "run": {"timeout_seconds", "retries", "viewport_width", "viewport_height", "ignore_tls_errors", "after_login"},
    "retention": {"changed_days", "unchanged_days"},
    "handoff": {"forget_given_after_days"},
    "notify": NOTIFY_KEYS,
}
_PROVIDER_KEYS = {
    "npi", "direct_address", "exclude", "display_name", "first_name", "last_name", "email",
    "password_env", "direct_password_env", "acknowledged_conflict",
}
_ACK_KEYS = {"maxmd_address", "account_address", "reason", "look_again"}


@dataclass(frozen=True)
class Site:
    name: str  # "MaxMD" or "portal", as messages say it
    url: str
    username: str
    password: str = field(repr=False)
    trusted: tuple[str, ...] = ()  # single sign-on origins where its login may also be typed (sites.trusted_origins)
    codes: OneTimeCodes | None = field(default=None, repr=False, compare=False)  # <PREFIX>_TOTP_SECRET, where set

    @property
    def variable(self) -> str:
        """The environment variable that names the site's login page."""
        return "MAXMD_URL" if self.name == "MaxMD" else "PORTAL_URL"

    @property
    def login_origins(self) -> tuple[str, ...]:
        """Where the administrator's username and password may be typed: the site's own origin first."""
        return (origin(self.url), *self.trusted)

    def secrets(self) -> tuple[str, ...]:  # what the redactor is given: the password, the one-time codes' secret
        return (self.password, *(self.codes.forms if self.codes else ()))

    @property
    def code_variable(self) -> str:  # where the secret of its one-time codes is given
        return "MAXMD_TOTP_SECRET" if self.name == "MaxMD" else "PORTAL_TOTP_SECRET"

    @property
    def own_origin(self) -> tuple[str, ...]:
        """Where the providers' passwords may be typed: the site itself, never a sign-on host."""
        return (origin(self.url),)


@dataclass(frozen=True)
class Settings:
    """One run's validated settings."""

    config_path: Path
    maxmd: Site | None  # None: the embedded sandbox supplies the site
    portal: Site | None
    practice_name: str
    direct_domain: str | None
    policy: PasswordPolicy
    direct_same_as_portal: bool
    providers: dict[str, ProviderSettings]
    provider_passwords: dict[str, tuple[str | None, str | None]] = field(repr=False)
    selectors: Selectors = field(repr=False)
    retention: Retention = Retention()
    forget_given_after_days: int = 7  # a handed-out password is kept in the ledger this long (robot.ledger)
    ignore_tls_errors: bool = False
    timeout_ms: int = 15_000
    retries: int = 2
    viewport: tuple[int, int] = (1280, 1150)
    dotenv: Path | None = None  # the .env that was read, if any (named when no site is configured)
    screenshots: str = "evidence"  # which pictures a run keeps (robot.model.SCREENSHOT_MODES)
    warnings: tuple[str, ...] = ()  # said once as a run starts (a plain http:// site that robot.yaml allows)
    after_login: tuple[str, ...] = DEFAULT_ANSWERS  # the answers a page between a login and its first screen may get
    notify: Notify = Notify()  # where a run that needs a person is told of (robot.notify); off by default

    @property
    def sandbox(self) -> bool:
        return self.maxmd is None

    @property
    def secret_variables(self) -> frozenset[str]:
        """The variables providers.yaml names for providers' own passwords (``password_env``), and notify.urls' secrets'."""
        return frozenset({v for p in self.providers.values() for v in (p.password_env, p.direct_password_env) if v} | self.notify.variables)

    def secrets(self) -> list[str]:
        """Every secret the settings hold, for the redactor."""
        out = [s.password for s in (self.maxmd, self.portal) if s]
        out += [f for s in (self.maxmd, self.portal) if s for f in s.secrets()]
        for portal_pw, direct_pw in self.provider_passwords.values():
            out += [p for p in (portal_pw, direct_pw) if p]
        return out + list(self.notify.secrets)


def forget_given_after_days(config_path: Path) -> int:
    """``handoff.forget_given_after_days`` alone, for ``python -m robot handoff`` (which needs no site):
    7 where robot.yaml does not say, or is not there."""
    if not config_path.exists():
        return Settings.forget_given_after_days
    where = config_path.name
    section = _mapping(_mapping(_read_yaml(config_path, ""), where).get("handoff"), f"{where}: handoff")
    _check_keys(section, _ROBOT_KEYS["handoff"], f"{where}: handoff")
    return _int(section.get("forget_given_after_days", Settings.forget_given_after_days),
                f"{where}: handoff.forget_given_after_days", 0, 3650)


def load_env(dotenv_path: Path | None, environ: Mapping[str, str]) -> dict[str, str]:
    """The process environment over ``.env`` (environment beats the file), except that a variable set
    but empty (or blank) in the environment does not hide the file's value: the administrator wrote the
    value in ``.env``, and an empty ``MAXMD_URL=`` in a profile or a unit is a leftover, not a choice."""
    merged: dict[str, str] = {}
    if dotenv_path and dotenv_path.is_file():
        merged.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    merged.update({k: v for k, v in environ.items() if v.strip() or not merged.get(k, "").strip()})
    return merged


def _unset(env: Mapping[str, str], var: str) -> str:
    """How a message says a variable has no value: empty (a blank ``VAR=``) or not set at all."""
    return "is set but empty" if var in env else "is not set"


def dotenv_candidates(config_path: Path) -> list[Path]:
    """Where ``.env`` is looked for, in order: the folder the robot runs from, the config folder, the
    folder above it (the install folder), so a scheduled run started from elsewhere with
    ``--config /opt/.../config/robot.yaml`` finds it."""
    return list(dict.fromkeys(p.absolute() for p in (Path(".env"), config_path.parent / ".env", config_path.parent.parent / ".env")))


def find_dotenv(config_path: Path) -> Path | None:
    return next((p for p in dotenv_candidates(config_path) if p.is_file()), None)


_FIND = Path("<find>")


def load(
    config_path: Path,
    *,
    environ: Mapping[str, str] | None = None,
    dotenv_path: Path | None = _FIND,
    force_sandbox: bool = False,
) -> Settings:
    """Read and check everything; raise ConfigError with a one-line, actionable message.

    ``dotenv_path``: a ``.env`` file, None for none, or by default the first of ``find_dotenv``.
    """
    if dotenv_path == _FIND:
        dotenv_path = find_dotenv(config_path)
    env = load_env(dotenv_path, os.environ if environ is None else environ)
    raw = _mapping(
        _read_yaml(config_path, "pass --config PATH, or copy config/robot.yaml from the project"),
        str(config_path),
    )
    where = config_path.name
    _check_keys(raw, {*_ROBOT_KEYS, "screenshots"}, where)
    sections = {name: _mapping(raw.get(name), f"{where}: {name}") for name in _ROBOT_KEYS}
    screenshots = _str(raw.get("screenshots", "evidence"), f"{where}: screenshots")
    if screenshots not in SCREENSHOT_MODES:
        raise ConfigError(f"{where}: screenshots: {screenshots!r} is not one of {', '.join(SCREENSHOT_MODES)}")
    for name, keys in _ROBOT_KEYS.items():
        _check_keys(sections[name], keys, f"{where}: {name}")

    practice, sites, pw, files, run = (sections[k] for k in ("practice", "sites", "passwords", "files", "run"))
    domain = _str(practice["direct_domain"], f"{where}: practice.direct_domain").lower() if practice.get("direct_domain") else None
    if domain and not is_valid_email(f"x@{domain}"):
        raise ConfigError(f"{where}: practice.direct_domain {domain!r} is not a domain name")

    policy = _policy(pw, where)

    providers_file = _named_file(config_path, files, "providers", where)
    selectors_file = _named_file(config_path, files, "selectors", where)
    providers = load_providers(providers_file) if providers_file.exists() else {}
    overrides = load_selectors(selectors_file) if selectors_file.exists() else {}
    written_at = {key: f"{selectors_file} line {line}" for key, line in key_lines(selectors_file).items()} if overrides else {}

    provider_passwords = _provider_passwords(providers, env, policy, providers_file.name)
    maxmd, portal, warnings = (None, None, []) if force_sandbox else _sites(env, sites, where)
    return Settings(
        config_path=config_path,
        maxmd=maxmd,
        portal=portal,
        practice_name=_str(practice.get("name", ""), f"{where}: practice.name"),
        direct_domain=domain,
        policy=policy,
        direct_same_as_portal=_bool(pw.get("direct_same_as_portal", True), f"{where}: passwords.direct_same_as_portal"),
        providers=providers,
        provider_passwords=provider_passwords,
        selectors=Selectors(overrides, written_at),
        retention=Retention.from_config(sections["retention"], where=f"{where}: retention"),
        forget_given_after_days=_int(sections["handoff"].get("forget_given_after_days", 7),
                                     f"{where}: handoff.forget_given_after_days", 0, 3650),
        ignore_tls_errors=_bool(run.get("ignore_tls_errors", False), f"{where}: run.ignore_tls_errors"),
        timeout_ms=_int(run.get("timeout_seconds", 15), f"{where}: run.timeout_seconds", 1, 600) * 1000,
        retries=_int(run.get("retries", 2), f"{where}: run.retries", 0, 10),
        viewport=(_int(run.get("viewport_width", 1280), f"{where}: run.viewport_width", 320, 7680),
                  _int(run.get("viewport_height", 1150), f"{where}: run.viewport_height", 240, 4320)),
        dotenv=dotenv_path,
        screenshots=screenshots,
        warnings=tuple(warnings),
        after_login=answers_from_config(run.get("after_login"), f"{where}: run.after_login"),
        notify=notify_from_config(sections["notify"], env, where),
    )


def _sites(env: Mapping[str, str], sites: Mapping, where: str) -> tuple[Site | None, Site | None, list[str]]:
    """Both sites, or neither (the sandbox), with a warning for each plain http:// one robot.yaml allows."""
    urls = _urls(env, sites, where)
    allow_http = _bool(sites.get("allow_http", False), f"{where}: sites.allow_http")
    trusted = _trusted_origins(sites.get("trusted_origins"), allow_http, where)
    if not (urls["MAXMD_URL"][0] or urls["PORTAL_URL"][0]):
        return None, None, []
    maxmd = _site("MaxMD", "MAXMD", *urls["MAXMD_URL"], env, sites, trusted)
    portal = _site("portal", "PORTAL", *urls["PORTAL_URL"], env, sites, trusted)
    warnings = []
    for site, (url, source) in ((maxmd, urls["MAXMD_URL"]), (portal, urls["PORTAL_URL"])):
        warnings += _http_warning(site, url, source, allow_http, where)
    return maxmd, portal, warnings


def _http_warning(site: Site, url: str, source: str, allow_http: bool, where: str) -> list[str]:
    """A plain http:// site off this machine is refused unless robot.yaml allows it, and then said once."""
    if not plain_http(url):
        return []
    if not allow_http:
        raise ConfigError(
            f"{source}={url!r} is plain http:// on another machine: the {site.name} administrator's password would "
            f"cross the network unencrypted; use the site's https:// address, or, only on a network you trust, "
            f"set sites.allow_http: true in {where}")
    return [f"{source} is plain http:// ({origin(url)}): passwords go to it unencrypted, as sites.allow_http in {where} allows"]


def _trusted_origins(value: Any, allow_http: bool, where: str) -> tuple[str, ...]:
    """robot.yaml's ``sites.trusted_origins``: the practice's single sign-on hosts, each an https:// origin."""
    key = f"{where}: sites.trusted_origins"
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{key}: expected a list of addresses such as [\"https://sso.example.com\"]")
    out = []
    for v in value:
        found = origin(v)
        if found == "null":
            raise ConfigError(f"{key}: {v!r} is not a web address; give the sign-on host as https://host")
        if plain_http(v) and not allow_http:
            raise ConfigError(f"{key}: {v!r} is plain http:// on another machine; give its https:// address")
        out.append(found)
    return tuple(dict.fromkeys(out))


def _policy(pw: Mapping, where: str) -> PasswordPolicy:
    policy = PasswordPolicy(
        length=_int(pw.get("length", 16), f"{where}: passwords.length", 1, 10_000),
        upper=_bool(pw.get("upper", True), f"{where}: passwords.upper"),
        lower=_bool(pw.get("lower", True), f"{where}: passwords.lower"),
        digit=_bool(pw.get("digit", True), f"{where}: passwords.digit"),
        symbol=_bool(pw.get("symbol", True), f"{where}: passwords.symbol"),
        **({"symbols": _str(pw["symbols"], f"{where}: passwords.symbols")} if "symbols" in pw else {}),
    )
    if problem := policy.problem():
        raise ConfigError(f"{where}: passwords: {problem}")
    return policy


def _provider_passwords(providers: Mapping[str, ProviderSettings], env: Mapping[str, str], policy: PasswordPolicy,
                        file: str) -> dict[str, tuple[str | None, str | None]]:
    """The passwords providers.yaml names by variable (``password_env``), each set and strong enough."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for npi, p in providers.items():
        got = []
        for var in (p.password_env, p.direct_password_env):
            if var is None:
                got.append(None)
                continue
            value = env.get(var, "")
            if not value:
                raise ConfigError(f"{file}: provider {npi} names {var}, which {_unset(env, var)} in the environment or .env")
            if value.startswith(FORMULA_START):
                raise ConfigError(
                    f"{file}: provider {npi}: the password in {var} starts with = + - @ ' or a tab, which a "
                    "spreadsheet opening handoff.csv reads as a formula; choose one that starts with a letter or a digit"
                )
            if not meets(value, policy):
                raise ConfigError(
                    f"{file}: provider {npi}: the password in {var} is too weak for the portal "
                    "(at least 8 characters with upper case, lower case, a digit and a symbol); choose another"
                )
            got.append(value)
        out[npi] = (got[0], got[1])
    return out


def _urls(env: Mapping[str, str], sites: Mapping, where: str) -> dict[str, tuple[str, str]]:
    """Each site's login page, from the environment or else robot.yaml's ``sites:``, and where it came from."""
    urls: dict[str, tuple[str, str]] = {}  # variable -> (url, where it came from)
    for var in ("MAXMD_URL", "PORTAL_URL"):
        if env.get(var, "").strip():
            urls[var] = (env[var].strip(), var)
        else:
            key = f"{where}: sites.{var.lower()}"
            value = sites.get(var.lower())
            if value is not None and not isinstance(value, str):
                raise ConfigError(f"{key}: expected the site's login page as text (https://...), found {value!r}")
            urls[var] = ((value or "").strip(), key)
    return urls


# The files robot.yaml names by default: optional while left as shipped (a practice may need neither).
_DEFAULT_FILES = {"providers": "providers.yaml", "selectors": "selectors.yaml"}


def _named_file(config_path: Path, files: Mapping, key: str, where: str) -> Path:
    """A file robot.yaml names under ``files:``, relative to it. A name other than the default must
    exist: a typo would otherwise drop every pin or override without a word."""
    name = _str(files.get(key, _DEFAULT_FILES[key]), f"{where}: files.{key}")
    path = config_path.parent / name
    if name != _DEFAULT_FILES[key] and not path.is_file():
        raise ConfigError(f"{where}: files.{key} names {path}, which does not exist; fix the name, "
                          f"or remove the line to use {_DEFAULT_FILES[key]} where it exists")
    return path


def _site(name: str, prefix: str, url: str, source: str, env: Mapping[str, str], sites: Mapping,
          trusted: tuple[str, ...] = ()) -> Site:
    if not url:
        other = "PORTAL_URL" if prefix == "MAXMD" else "MAXMD_URL"
        raise ConfigError(f"{prefix}_URL {_unset(env, prefix + '_URL')} but {other} is set; set both (the login page of each site), or neither for the sandbox")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{source}={url!r} is not a web address; give the {name} login page, starting with https://")
    username = (env.get(f"{prefix}_USERNAME") or str(sites.get(f"{prefix.lower()}_username") or "")).strip()
    if not username:
        raise ConfigError(f"{prefix}_USERNAME {_unset(env, prefix + '_USERNAME')}; put the {name} administrator's username in .env or the environment")
    password = env.get(f"{prefix}_PASSWORD", "")
    if not password:
        raise ConfigError(f"{prefix}_PASSWORD {_unset(env, prefix + '_PASSWORD')}; put the {name} administrator's password in .env or the environment")
    return Site(name, url, username, password, trusted, codes_from(env, prefix))


def load_providers(path: Path) -> dict[str, ProviderSettings]:
    """providers.yaml: ``providers:`` a list of entries keyed by NPI (pins, exclusions, step-12 edits)."""
    raw = _read_yaml(path, "create it from config/providers.example.yaml or remove files.providers")
    if isinstance(raw, list):
        raise ConfigError(f"{path.name}: the entries must come under 'providers:': start the file with a line "
                          "'providers:' and put each '- npi: ...' entry below it, indented")
    raw = _mapping(raw, path.name)
    _check_keys(raw, {"providers"}, path.name)
    items = raw.get("providers") or []
    if not isinstance(items, list):
        raise ConfigError(f"{path.name}: providers: expected a list of entries, each starting with '- npi: ...'")
    out: dict[str, ProviderSettings] = {}
    for i, item in enumerate(items, start=1):
        where = f"{path.name}: provider #{i}"
        item = _mapping(item, where)
        if "npi" not in item:
            raise ConfigError(f"{where}: missing npi (every entry names its provider's 10-digit NPI)")
        npi = _str(item["npi"], f"{where}.npi")
        where = f"{path.name}: provider {npi}"
        _check_keys(item, _PROVIDER_KEYS, where)
        if problem := npi_problem(npi):
            raise ConfigError(f"{where}: npi {npi!r} is not a valid NPI ({problem})")
        if npi in out:
            raise ConfigError(f"{where}: listed twice; merge the two entries")
        text = {k: _str(item[k], f"{where}.{k}") for k in _PROVIDER_KEYS - {"npi", "exclude", "acknowledged_conflict"}
                if item.get(k) is not None}
        for key in ("direct_address", "email"):
            if key in text and not is_valid_email(text[key]):
                raise ConfigError(f"{where}: {key} {text[key]!r} is not a valid e-mail address")
        exclude = _bool(item.get("exclude", False), f"{where}.exclude")
        ack = _acknowledged_conflict(item.get("acknowledged_conflict"), f"{where}.acknowledged_conflict")
        if ack is not None and exclude:
            raise ConfigError(f"{where}: exclude and acknowledged_conflict together; keep one (an excluded provider is never looked at)")
        out[npi] = ProviderSettings(npi=npi, exclude=exclude, acknowledged_conflict=ack, **text)
    return out


def _acknowledged_conflict(value: Any, where: str) -> AcknowledgedConflict | None:
    """A conflict a person knows of: the two Direct addresses as they were (so that a change shows), why, and
    optionally the day to look again."""
    if value is None:
        return None
    raw = _mapping(value, where)
    _check_keys(raw, _ACK_KEYS, where)
    for key in ("maxmd_address", "account_address", "reason"):
        if raw.get(key) is None or not _str(raw[key], f"{where}.{key}"):
            raise ConfigError(f"{where}: missing {key} (an acknowledgement names the address MaxMD shows, "
                              "the one the account holds, and the reason)")
    maxmd, account = (_str(raw[k], f"{where}.{k}") for k in ("maxmd_address", "account_address"))
    for key, address in (("maxmd_address", maxmd), ("account_address", account)):
        if not is_valid_email(address):
            raise ConfigError(f"{where}.{key}: {address!r} is not a valid e-mail address")
    if maxmd.strip().lower() == account.strip().lower():
        raise ConfigError(f"{where}: maxmd_address and account_address are the same address, which is no conflict")
    return AcknowledgedConflict(maxmd, account, _str(raw["reason"], f"{where}.reason"),
                                _date(raw.get("look_again"), f"{where}.look_again"))


def load_selectors(path: Path) -> dict[str, str]:
    """selectors.yaml: canonical key -> Playwright selector string; an unknown key is an error."""
    raw = _mapping(_read_yaml(path, "create it from config/selectors.example.yaml or remove files.selectors"), path.name)
    out = {}
    for key, value in raw.items():
        if key not in DEFAULTS:
            raise ConfigError(
                f"{path.name}: unknown selector key {key!r}; the keys are listed in config/selectors.example.yaml"
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path.name}: {key}: expected a Playwright selector string such as \"css=#txtDirect\"")
        out[key] = value.strip()
    return out
