"""``python -m robot``."""

import sys

from robot.cli import main

sys.exit(main())
