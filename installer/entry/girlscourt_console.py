"""Frozen entry point of ``girlscourt``: a CLI command, or the desktop app when none is named."""

import sys

from ui.launcher import main

sys.exit(main())
