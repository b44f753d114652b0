"""PyInstaller runtime hook: a machine-wide ``database_url`` default that IT deploys.

The Windows installer's ``/DATABASE=URL`` (and, on Linux, a file IT drops in /etc/xdg) writes
``girlscourt.toml`` into the machine-wide config folder: ``%ProgramData%\\Girls Court`` on
Windows, ``$XDG_CONFIG_DIRS/Girls Court`` (``/etc/xdg/Girls Court``) on Linux. Until
``girlscourt.config`` reads that layer itself, this hook applies it in the frozen app only, with
the precedence a default must have: ``--database``, ``GIRLSCOURT_DATABASE_URL`` and the user's own
config file all win over it. Only ``database_url`` is taken; nothing is written.

A site file that cannot be read is not skipped (that would silently put a workstation on a local
database): the app is pointed at it as its config file, so it stops with its usual one-line error
naming the file.
"""


def _apply_site_database_url() -> None:
    import os
    import tomllib
    from pathlib import Path

    if os.environ.get("GIRLSCOURT_DATABASE_URL"):
        return
    import platformdirs

    from girlscourt import APP_NAME

    site = Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "girlscourt.toml"
    if not site.is_file():
        return
    from girlscourt.config import config_file  # only now: --version stays fast without a site file

    try:
        user = config_file()
        if user.is_file() and "database_url" in tomllib.loads(user.read_text(encoding="utf-8")):
            return
    except (OSError, ValueError):
        return  # the app reports a broken user config file itself
    try:
        url = tomllib.loads(site.read_text(encoding="utf-8")).get("database_url")
    except (OSError, ValueError):
        os.environ.setdefault("GIRLSCOURT_CONFIG", str(site))
        return
    if isinstance(url, str) and url:
        os.environ["GIRLSCOURT_DATABASE_URL"] = url


_apply_site_database_url()
