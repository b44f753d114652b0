"""The ``girlscourt`` command: a CLI command when one is named, otherwise the desktop app.

Qt is imported only when the desktop app really starts, so ``girlscourt --version`` and every
CLI command stay fast and work on a machine without a display.
"""

from __future__ import annotations

import sys

from girlscourt.cli.main import main as cli_main


def _open_desktop(database: str | None) -> int:
    try:
        from ui.app import run_app
    except ImportError as error:
        print(
            f"girlscourt: the desktop app needs PySide6 ({error.name} is missing)", file=sys.stderr
        )
        return 3
    return run_app(database=database)


def main() -> int:
    """Console entry point."""
    return cli_main(sys.argv[1:], open_desktop=_open_desktop)


def desktop() -> int:
    """GUI entry point (no console window on Windows)."""
    return cli_main([a for a in sys.argv[1:] if a], open_desktop=_open_desktop)
