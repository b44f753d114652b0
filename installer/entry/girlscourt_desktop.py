"""Frozen entry point of ``girlscourt-desktop``: the windowed build (no console on Windows)."""

import sys

from ui.launcher import desktop

sys.exit(desktop())
