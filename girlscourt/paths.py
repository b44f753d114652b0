"""Where this workstation keeps its files: one function, importable from every layer (the database
code looks here for the daily backups without importing the settings)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from girlscourt import APP_NAME

ENV_DATA_DIR = "GIRLSCOURT_DATA_DIR"


def data_dir() -> Path:
    """The per-user data directory (``GIRLSCOURT_DATA_DIR`` overrides it, e.g. in tests)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
