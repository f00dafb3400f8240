"""``python -m robot.bench``: see ``robot/bench/__init__.py`` and ``python -m robot.bench --help``."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from robot.bench.cli import main

    sys.exit(main())
