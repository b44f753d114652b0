"""What the About dialog says: name, version, licence and third-party notices (no Qt here).

The desktop app shows ``about_text()``; the installers carry the full notices and licence texts
(``installer/THIRD_PARTY_NOTICES.md``, bundled as ``licenses/`` inside the app's resources).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from girlscourt import APP_ID, APP_NAME, __version__

LICENSE = "GPL-3.0-or-later"
NOTICES_FILE = "THIRD_PARTY_NOTICES.md"


@dataclass(frozen=True)
class Component:
    """One third-party part shipped in the installed app, with its licence (SPDX)."""

    name: str
    licence: str


# Everything the installers ship that is not ours. installer/THIRD_PARTY_NOTICES.md carries the
# same list with the copyright lines; the installer smoke test checks the two agree and that every
# Python distribution frozen into the bundle is named there.
THIRD_PARTY: tuple[Component, ...] = (
    Component("Python", "PSF-2.0"),
    Component("Qt / PySide6 / Shiboken6", "LGPL-3.0-only"),
    Component("ReportLab", "BSD-3-Clause"),
    Component("Pillow", "MIT-CMU"),
    Component("charset-normalizer", "MIT"),
    Component("SQLAlchemy", "MIT"),
    Component("Alembic", "MIT"),
    Component("Mako", "MIT"),
    Component("MarkupSafe", "BSD-3-Clause"),
    Component("psycopg / psycopg-binary", "LGPL-3.0-only"),
    Component("libpq", "PostgreSQL"),
    Component("OpenSSL", "Apache-2.0"),
    Component("argon2-cffi / argon2-cffi-bindings", "MIT"),
    Component("cffi", "MIT-0"),
    Component("keyring", "MIT"),
    Component("SecretStorage", "BSD-3-Clause"),
    Component("jeepney", "MIT"),
    Component("cryptography", "Apache-2.0 OR BSD-3-Clause"),
    Component("jaraco.classes / jaraco.context / jaraco.functools", "MIT"),
    Component("backports.tarfile", "MIT"),
    Component("more-itertools", "MIT"),
    Component("importlib_metadata", "Apache-2.0"),
    Component("lazy-importer", "Apache-2.0"),
    Component("zipp", "MIT"),
    Component("platformdirs", "MIT"),
    Component("jsonschema / jsonschema-specifications", "MIT"),
    Component("referencing", "MIT"),
    Component("rpds-py", "MIT"),
    Component("attrs", "MIT"),
    Component("rapidfuzz", "MIT"),
    Component("phonenumbers", "Apache-2.0"),
    Component("confusable_homoglyphs", "MIT"),
    Component("openpyxl / et_xmlfile", "MIT"),
    Component("typing_extensions", "PSF-2.0"),
    Component("tzdata", "Apache-2.0"),
    Component("pywin32-ctypes", "BSD-3-Clause"),
    Component("DejaVu fonts", "Bitstream-Vera"),
    Component("PyInstaller bootloader", "GPL-2.0-or-later WITH Bootloader-exception"),
)


def notices_path() -> Path | None:
    """The full notices file: inside an installed bundle, or in a source checkout."""
    candidates: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "girlscourt" / "_resources" / "licenses" / NOTICES_FILE)
    here = Path(__file__).resolve().parent
    candidates.append(here / "_resources" / "licenses" / NOTICES_FILE)
    candidates.append(here.parent / "installer" / NOTICES_FILE)
    return next((path for path in candidates if path.is_file()), None)


def about_text() -> str:
    """Plain text for the About dialog: name, version, licence and the third-party notices."""
    width = max(len(c.name) for c in THIRD_PARTY)
    lines = [
        f"{APP_NAME} {__version__}",
        f"Application id: {APP_ID}",
        "",
        "A case tracker for a Juvenile Justice Center and its Girls Court.",
        "Demo records created by 'girlscourt demo seed' are synthetic and fictional.",
        "",
        f"{APP_NAME} is free software, licensed under the GNU General Public License,",
        f"version 3 or (at your option) any later version ({LICENSE}). It comes with",
        "ABSOLUTELY NO WARRANTY.",
        "",
        "Third-party software in the installed app (native libraries each of these carries,",
        "and the system libraries of the Linux build, are listed in the full notices):",
        *(f"  {c.name.ljust(width)}  {c.licence}" for c in THIRD_PARTY),
        "",
        "Qt and PySide6 are used under the LGPL version 3: you may replace them with a",
        "modified version; their source is available from The Qt Company and the Qt Project.",
    ]
    notices = notices_path()
    if notices is not None:
        lines += ["", f"Full notices and licence texts: {notices.parent}"]
    return "\n".join(lines) + "\n"
