"""The pure parts of the benchmark: measurements, rows, the table, the targets and the page.

Nothing here starts a process or a browser, so all of it is unit-tested (tests/unit/test_bench_results.py).
KB and MB are binary here: 1 KB = 1024 bytes, 1 MB = 1024 KB.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

KB = 1024
MB = 1024 * 1024

# The targets the benchmark judges its rows by.
TARGET_N = 200  # the size the targets are judged at
LINEAR_BASE_N = 50  # cost linear in N: s/provider at TARGET_N within LINEAR_TOLERANCE of this size's
MAX_S_PER_PROVIDER = 1.0
MAX_S_BY_SKIN = {"default": 0.8}  # issue 23: the default rendering at most 0.8 s a provider
MAX_RATIO = 1.5  # with the evidence pictures (screenshots: evidence), on every rendering (issue 23)
MAX_RATIO_BY_SKIN: dict[str, float] = {}
LINEAR_TOLERANCE = 0.15
MAX_PEAK_MB = 600.0
MAX_SHOT_KB_PER_PROVIDER = 300.0

SAMPLE_INTERVAL_S = 0.25  # how often peak memory is sampled

MET, NOT_MET, NOT_MEASURED = "met", "NOT met", "not measured"

COLUMNS = (
    "N", "workers", "wall s", "s/provider", "providers/min", "peak MB (robot+browser)",
    "screenshot KB/provider", "shots/provider", "baseline s/provider", "robot/baseline", "result",
)


# --- measurements and rows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Measurement:
    """One timed run (robot or baseline) over a fresh sandbox of ``providers`` generated providers.

    ``problem`` is empty when the sandbox's server-side state shows every provider configured.
    """

    providers: int
    wall_s: float
    problem: str = ""
    peak_bytes: int | None = None  # robot runs only
    shot_bytes: int = 0
    shots: int = 0
    memory_metric: str = ""  # "PSS" or "RSS": what peak_bytes sums
    pictures: tuple[tuple[str, int, float, int], ...] = ()  # per kind: (kind, count, ms in all, bytes in all)

    @property
    def ok(self) -> bool:
        return not self.problem


def combine(runs: Sequence[Measurement]) -> Measurement:
    """Repeats of one configuration as one: median wall time and screenshot size, the highest peak,
    and the first problem (one failed repeat fails the row)."""
    if not runs:
        raise ValueError("nothing to combine")
    if len(runs) == 1:
        return runs[0]
    peaks = [r.peak_bytes for r in runs if r.peak_bytes is not None]
    problems = [r.problem for r in runs if r.problem]
    return Measurement(
        providers=runs[0].providers,
        wall_s=statistics.median(r.wall_s for r in runs),
        problem=(f"{len(problems)} of {len(runs)} repeats failed; first: {problems[0]}" if problems else ""),
        peak_bytes=max(peaks) if peaks else None,
        shot_bytes=round(statistics.median(r.shot_bytes for r in runs)),
        shots=round(statistics.median(r.shots for r in runs)),
        memory_metric=runs[0].memory_metric,
        pictures=sorted(runs, key=lambda r: r.wall_s)[len(runs) // 2].pictures,  # the median run's
    )


@dataclass(frozen=True)
class Row:
    """One line of the table: the robot at one size and worker count on one rendering of the sandbox,
    beside that size's baseline for the same rendering."""

    providers: int
    workers: int
    robot: Measurement
    baseline: Measurement | None = None  # None: --no-baseline
    skin: str = "default"  # the sandbox's rendering (robot.sandbox.SKINS)

    @property
    def s_per_provider(self) -> float:
        return self.robot.wall_s / self.providers

    @property
    def providers_per_min(self) -> float:
        return 60.0 * self.providers / self.robot.wall_s if self.robot.wall_s > 0 else 0.0

    @property
    def peak_mb(self) -> float | None:
        return None if self.robot.peak_bytes is None else self.robot.peak_bytes / MB

    @property
    def shot_kb_per_provider(self) -> float:
        return self.robot.shot_bytes / KB / self.providers

    @property
    def shots_per_provider(self) -> float:
        return self.robot.shots / self.providers

    @property
    def baseline_s_per_provider(self) -> float | None:
        if self.baseline is None or not self.baseline.ok:
            return None
        return self.baseline.wall_s / self.providers

    @property
    def ratio(self) -> float | None:
        base = self.baseline_s_per_provider
        return self.s_per_provider / base if base else None

    @property
    def ok(self) -> bool:
        return self.robot.ok and (self.baseline is None or self.baseline.ok)

    @property
    def result(self) -> str:
        if self.ok:
            return "OK"
        why = []
        if not self.robot.ok:
            why.append(f"robot: {self.robot.problem}")
        if self.baseline is not None and not self.baseline.ok:
            why.append(f"baseline: {self.baseline.problem}")
        return "FAILED (" + "; ".join(why) + ")"


# --- the table --------------------------------------------------------------------------------------

def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def table_header() -> str:
    return "| " + " | ".join(COLUMNS) + " |\n|" + "|".join("---:" if c != "result" else "---" for c in COLUMNS) + "|"


def table_row(row: Row) -> str:
    cells = [
        str(row.providers),
        str(row.workers),
        _num(row.robot.wall_s, 1),
        _num(row.s_per_provider, 3),
        _num(row.providers_per_min, 1),
        _num(row.peak_mb, 0),
        _num(row.shot_kb_per_provider, 1),
        _num(row.shots_per_provider, 1),
        _num(row.baseline_s_per_provider, 3),
        _num(row.ratio, 2),
        _cell(row.result),
    ]
    return "| " + " | ".join(cells) + " |"


def render_table(rows: Sequence[Row]) -> str:
    return "\n".join([table_header(), *(table_row(r) for r in rows)])


# --- renderings ---------------------------------------------------------------------------------------

DEFAULT_SKIN = "default"
SKIN_WORDS = {
    "default": "fixtures/html/maxmd and fixtures/html/portal",
    "legacy": "fixtures/html/legacy: table layouts with the field names beside the inputs, a hover menu, "
              "search results 25 a page (`?page=N`), a JavaScript `alert()` after Save",
    "modern": "fixtures/html/modern: Bootstrap 5, Select2, DataTables; the workflow list loaded into the Details "
              "page by XHR, the search by XHR into a grid paged in the browser, Save confirmed in a modal, sent by "
              "XHR and answered in an alert",
    "spa": "fixtures/html/spa: MaxMD of Shoelace web components, its workflow list fetched when a disclosure opens; "
           "the portal a Vue single-page app with User Accounts in a same-origin iframe, a tom-select Access Type, "
           "results fetched 10 a page behind arrow buttons, Save confirmed in a Shoelace dialog, sent by XHR and "
           "answered in a toast",
}


def skins_of(rows: Sequence[Row]) -> list[str]:
    """The renderings the rows measured, in the order they were run."""
    return list(dict.fromkeys(r.skin for r in rows))


def table_title(skin: str) -> str:
    return f"### {skin} rendering"


def per_skin(rows: Sequence[Row], render: Callable[[Sequence[Row]], str], *, words: bool = False) -> str:
    """``render`` of the rows as they are when only the default rendering was run; else one part per
    rendering under its title (``words``: with what that rendering is)."""
    skins = skins_of(rows)
    if skins in ([], [DEFAULT_SKIN]):
        return render(rows)
    parts = []
    for skin in skins:
        about = f"\n\n{SKIN_WORDS[skin]}." if words and skin in SKIN_WORDS else ""
        parts.append(f"{table_title(skin)}{about}\n\n{render([r for r in rows if r.skin == skin])}")
    return "\n\n".join(parts)


def render_throughput(rows: Sequence[Row]) -> str:
    """Providers per minute by worker count, per size, with the speed-up over one worker."""
    workers = sorted({r.workers for r in rows})
    sizes = sorted({r.providers for r in rows})
    by = {(r.providers, r.workers): r for r in rows}
    lines = ["| N | " + " | ".join(f"{w} worker{'s' if w != 1 else ''}" for w in workers) + " |",
             "|---:|" + "|".join("---:" for _ in workers) + "|"]
    for n in sizes:
        one = by.get((n, 1))
        cells = []
        for w in workers:
            row = by.get((n, w))
            if row is None:
                cells.append("-")
            elif not row.robot.ok:
                cells.append("FAILED")
            else:
                speedup = f" (x{row.providers_per_min / one.providers_per_min:.2f})" if one and one.robot.ok and w != 1 else ""
                cells.append(f"{row.providers_per_min:.1f}/min{speedup}")
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the targets ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    name: str
    status: str  # MET, NOT_MET or NOT_MEASURED
    detail: str

    def line(self) -> str:
        return f"- **{self.name}**: {self.status}: {self.detail}"


def _row(rows: Sequence[Row], n: int, workers: int = 1) -> tuple[Row | None, str]:
    """The measured row at (n, workers), or None and why not."""
    for r in rows:
        if r.providers == n and r.workers == workers:
            if not r.robot.ok:
                return None, f"the N={n}, {workers} worker run FAILED"
            return r, ""
    return None, f"no N={n} run with {workers} worker"


def _judge(ok: bool) -> str:
    return MET if ok else NOT_MET


def evaluate_targets(rows: Sequence[Row], skin: str = DEFAULT_SKIN) -> list[Target]:
    """Each target judged from the measured rows of one rendering (``skin``): at N=200 with one worker
    (linearity: and N=50). Other renderings' names say which one they judge.

    A row that FAILED measured nothing: its targets are "not measured", never met or not met.
    """
    out: list[Target] = []
    rows = [r for r in rows if r.skin == skin]
    at, why = _row(rows, TARGET_N)
    one = "1 worker" if skin == DEFAULT_SKIN else f"1 worker, {skin} rendering"

    max_s = MAX_S_BY_SKIN.get(skin, MAX_S_PER_PROVIDER)
    name = f"time: at most {max_s:.1f} s per provider at N={TARGET_N} with the full audit trail ({one})"
    if at is None:
        out.append(Target(name, NOT_MEASURED, why + "."))
    else:
        out.append(Target(name, _judge(at.s_per_provider <= max_s),
                          f"{at.s_per_provider:.3f} s/provider."))

    max_ratio = MAX_RATIO_BY_SKIN.get(skin, MAX_RATIO)
    name = f"overhead: robot / bare baseline at most {max_ratio} at N={TARGET_N} ({one})"
    if at is None:
        out.append(Target(name, NOT_MEASURED, why + "."))
    elif at.ratio is None:
        reason = "no baseline was run (--no-baseline)" if at.baseline is None else f"the N={TARGET_N} baseline FAILED"
        out.append(Target(name, NOT_MEASURED, reason + "."))
    else:
        out.append(Target(name, _judge(at.ratio <= max_ratio),
                          f"{at.s_per_provider:.3f} / {at.baseline_s_per_provider:.3f} s/provider = {at.ratio:.2f}."))

    name = f"linear in N: s/provider at N={TARGET_N} within {LINEAR_TOLERANCE:.0%} of N={LINEAR_BASE_N} ({one})"
    base, base_why = _row(rows, LINEAR_BASE_N)
    if at is None or base is None:
        out.append(Target(name, NOT_MEASURED, (why or base_why) + "."))
    else:
        change = at.s_per_provider / base.s_per_provider - 1
        out.append(Target(name, _judge(abs(change) <= LINEAR_TOLERANCE),
                          f"{at.s_per_provider:.3f} s/provider at N={TARGET_N} vs {base.s_per_provider:.3f} at "
                          f"N={LINEAR_BASE_N}: {change:+.1%}."))

    name = f"memory: peak (robot + browser) at most {MAX_PEAK_MB:.0f} MB at N={TARGET_N} ({one})"
    if at is None or at.peak_mb is None:
        out.append(Target(name, NOT_MEASURED, (why or "no memory sample") + "."))
    else:
        out.append(Target(name, _judge(at.peak_mb <= MAX_PEAK_MB), f"{at.peak_mb:.0f} MB."))

    # The practice's own shots (logins, searches) are shared by all N: judged where they weigh least, as the rest.
    name = f"screenshots: at most {MAX_SHOT_KB_PER_PROVIDER:.0f} KB per provider on average at N={TARGET_N} ({one})"
    if at is None:
        out.append(Target(name, NOT_MEASURED, why + "."))
    else:
        out.append(Target(name, _judge(at.shot_kb_per_provider <= MAX_SHOT_KB_PER_PROVIDER),
                          f"{at.shot_kb_per_provider:.1f} KB/provider ({at.shots_per_provider:.1f} screenshots/provider)."))
    return out


def render_targets(targets: Sequence[Target]) -> str:
    return "\n".join(t.line() for t in targets)


def render_all_targets(rows: Sequence[Row]) -> str:
    """The targets of every rendering the rows measured (the default's alone, as ever, when only it ran)."""
    return per_skin(rows, lambda part: render_targets(evaluate_targets(part, part[0].skin if part else DEFAULT_SKIN)))


# --- the page ---------------------------------------------------------------------------------------

def command_line(argv: Sequence[str]) -> str:
    """The command as a person would type it again."""
    return shlex.join(["python", "-m", "robot.bench", *argv])


def memory_metric(rows: Sequence[Row]) -> str:
    """What the peak memory column sums, as the rows measured it."""
    return " / ".join(sorted({r.robot.memory_metric for r in rows if r.robot.memory_metric})) or "PSS"


# How the baseline does the job on the other renderings (the default's is in the page's own words).
# What the robot pictures under each ``screenshots:`` mode, and where the other mode is measured.
PICTURE_WORDS = {
    "evidence": "its MaxMD entry, its section before, the portal's answer and the account after Save, below",
    "every-step": "the evidence pictures, below, and one picture of each seed step",
    "failures": "a picture of a failure only",
}
OTHER_MODE_PAGE = {
    "evidence": "What `screenshots: every-step` costs: [benchmarks-every-step.md](benchmarks-every-step.md) "
                "(`make bench-every-step`).",
    "every-step": "The default, `screenshots: evidence`: [benchmarks.md](benchmarks.md) (`make bench`).",
}

BASELINE_WORDS = {
    "legacy": """
- **baseline, legacy rendering**: the same calls on the legacy markup: MaxMD's workflows table read in one
  call, the Clinician results read one call a page (`?page=N` until the pager offers no Next), and each
  Save waits for the page it loads, whose `alert()` one dialog handler a run accepts.""",
    "modern": """
- **baseline, modern rendering**: MaxMD's workflows read in one call from what the Details page shows after
  its button is clicked; the Clinicians from the search's JSON (`/api/admin/users?access_type=Clinician`)
  fetched in the page in one call; then per provider 11 calls: open the account, the same 7 fills and
  ticks (the switches checked and unchecked), Save, the modal's "Save changes", and the alert "User
  account saved." waited for (the Save is an XHR: timed to the last one's alert).""",
    "spa": """
- **baseline, spa rendering**: MaxMD's workflows from the JSON the Details page's disclosure fetches
  (`/api/workflows`) and the Clinicians from every page of the search's JSON
  (`/api/admin/users?access_type=Clinician`), each fetched in the page in one call; then per provider 11
  calls: open the account's address in the portal (the app opens it in its User Accounts frame), the same
  7 fills and ticks in that frame, Save, the confirm dialog's "Save changes", and the toast "User account
  saved." waited for (the Save is an XHR: timed to the last one's toast).""",
}


def render_pictures(rows: Sequence[Row]) -> str:
    """Where the pictures' time and bytes go, per kind, in the largest run of each rendering."""
    parts = []
    for skin in skins_of(rows):
        mine = [r for r in rows if r.skin == skin and r.robot.pictures]
        if not mine:
            continue
        row = max(mine, key=lambda r: (r.providers, -r.workers))
        n = row.providers
        lines = [f"{skin} rendering, N={n}, workers={row.workers}:", "",
                 "| picture | taken | ms each | ms/provider | KB/provider |", "| --- | ---: | ---: | ---: | ---: |"]
        total_ms = total_bytes = 0.0
        for kind, count, ms, size in row.robot.pictures:
            total_ms += ms
            total_bytes += size
            lines.append(f"| {kind} | {count} | {ms / max(count, 1):.1f} | {ms / n:.1f} | {size / KB / n:.1f} |")
        lines.append(f"| all | | | {total_ms / n:.1f} | {total_bytes / KB / n:.1f} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) or "(no picture was timed)"


def render_markdown(
    rows: Sequence[Row],
    *,
    command: str,
    when: str,
    machine: Sequence[tuple[str, str]],
    latency_ms: int,
    repeat: int,
    screenshots: str = "evidence",
) -> str:
    """docs/benchmarks.md: the machine, the command, the table, throughput by workers, the targets."""
    machine_lines = "\n".join(f"- {k}: {v}" for k, v in machine)
    skins = skins_of(rows)
    renderings = baselines = same_skin = ""
    if skins not in ([], [DEFAULT_SKIN]):
        renderings = ("\nOne table per rendering of the sandbox (`Sandbox(skin=...)`): the robot runs on each with its"
                      "\ndefault locators, beside the baseline for that rendering.")
        same_skin = " on the same rendering"
        baselines = "".join(BASELINE_WORDS[s] for s in skins if s in BASELINE_WORDS)
    repeats = ("one run per row" if repeat == 1 else
               f"{repeat} runs per row, in rounds of the baseline then the robot at each worker count (so a slow"
               " spell of this shared machine falls on both sides of robot/baseline): median time, highest peak")
    return f"""# Benchmarks

Made by `python -m robot.bench` (robot/bench/) on {when}. Do not edit by hand: run the command again.

```sh
{command}
```

## Machine

{machine_lines}

## Results

Sandbox latency {latency_ms} ms per request; {repeats}. Each run gets a fresh copy of the same
generated sandbox (seeded), served from a child process; a row is OK only when the sandbox's server-side
state shows every Clinician configured afterwards (Allow Emergency Access off, Poll Direct Mailbox on, the
Direct address from MaxMD, both passwords set), for the robot and for the baseline.{renderings}

{per_skin(rows, render_table, words=True)}

- **wall s**: `robot.run.execute()` from call to return: starting Playwright and Chromium, both logins,
  every provider with its audit trail (`screenshots: {screenshots}`: {PICTURE_WORDS[screenshots]}; a log
  line per seed step, the handoff written before and after Save, the read-back), run.json, report.html
  and the index.
- **peak MB**: the highest sum, sampled every {SAMPLE_INTERVAL_S} s, of the {memory_metric(rows)} of the robot's Python
  process and all its descendants (the Playwright driver, every Chromium process); the sandbox's
  process is not counted.
- **screenshot KB/provider**: the bytes of the run's `screenshots/` folder / N (MaxMD's whole workflow
  list included).
- **baseline**: the fewest Playwright calls that do the same job in the same Chromium with the same
  flags, finding the logins' and the accounts' controls by the same words as the robot (its locator
  table's defaults), on its own fresh sandbox: log in to MaxMD, read every NPI and Direct address from the
  workflows page in one call, log in to the portal, one Clinician search read in one call, then per
  provider 9 calls (open the account, fill both passwords, untick Allow Emergency Access, tick Poll
  Direct Mailbox, fill the Direct address and both Direct passwords, Save and wait for the page).
  No screenshots, no read-back, no report. Timed from starting Playwright to the last Save's page.{baselines}
- **robot/baseline**: s/provider of the robot / s/provider of the baseline at the same N{same_skin}.

## Where the pictures' time goes

With `screenshots: {screenshots}` in `robot.yaml`. Each kind as `robot.log` times it (a `picture` line:
finding what to picture, covering the secrets, the capture, the file; the filled-in section is
captured before every Save and kept only in a dry run or when a Save is refused or lost, so it costs
time but no bytes here) and as its files weigh.

{render_pictures(rows)}

{OTHER_MODE_PAGE.get(screenshots, "")}

## Throughput by workers

{per_skin(rows, render_throughput)}

## Targets

{render_all_targets(rows)}
"""


# --- arguments --------------------------------------------------------------------------------------

def int_list(text: str) -> list[int]:
    """``"10,50,200"`` -> ``[10, 50, 200]``: positive integers, duplicates dropped, order kept (argparse type)."""
    values: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise argparse.ArgumentTypeError(f"{text!r}: an empty item; write numbers separated by commas, like 10,50,200")
        try:
            value = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r}: {part!r} is not a whole number") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{text!r}: {value} is not 1 or more")
        if value not in values:
            values.append(value)
    return values


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is below 0")
    return value


def name_list(choices: Sequence[str]) -> Callable[[str], list[str]]:
    """An argparse type: ``"default,legacy"`` -> ``["default", "legacy"]``, each one of ``choices``,
    duplicates dropped, order kept."""

    def parse(text: str) -> list[str]:
        names: list[str] = []
        for part in text.split(","):
            part = part.strip()
            if not part:
                raise argparse.ArgumentTypeError(f"{text!r}: an empty item; write names separated by commas, like "
                                                 + ",".join(choices))
            if part not in choices:
                raise argparse.ArgumentTypeError(f"{text!r}: {part!r} is not one of {', '.join(choices)}")
            if part not in names:
                names.append(part)
        return names

    return parse


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value
