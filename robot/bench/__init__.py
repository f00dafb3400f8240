"""``python -m robot.bench``: how fast, how heavy and how costly the robot is, measured in one process.

For every rendering of the sandbox (``--skins``: default, legacy, modern, spa; ``robot.sandbox.SKINS``)
and every size N (generated providers) the benchmark starts a fresh copy of the sandbox in a child
process, runs the robot headless with its full audit trail (``robot.run.execute``) and checks on the
sandbox's server side that every provider was configured; on another fresh copy it runs a bare
baseline for that rendering (the fewest Playwright calls that do the same job: no screenshots, no
read-back, no report).
It prints a markdown table as rows finish, evaluates the targets, and with ``--write`` writes the
whole page (``docs/benchmarks.md``) with the exact command that made it.

    results.py        pure: rows, the table, the targets, the page, argument lists (unit-tested)
    sandbox_child.py  the sandbox in a child process ("spawn") and its server-side check
    memory.py         peak memory of this process and its descendants (the browser), sandbox excluded
    baseline.py       the bare Playwright baseline, one per rendering
    runner.py         one timed robot run, one timed baseline run, each on a fresh sandbox
    cli.py            the command line and the loop over renderings x sizes x workers
"""
