"""Writing the files the product hands out (PDFs, CSV and JSON exports), never half-written.

A document goes to a temporary file beside its target (owner-only: it is a juvenile record), is
fsynced, and only then renamed over the target with ``os.replace``; if anything fails the
temporary file is removed, so the target is either the whole new document or exactly what was
there before. ``staged`` splits that in two so a caller can commit the audit event of a print
between the fsync and the rename: a document that could not be written is never audited as
printed, and one audited has been written in full.

Only a new path or an existing regular file may be a target: a device node (``/dev/null``), a
FIFO, a folder or a symbolic link to one is refused up front (``ValidationError`` naming the
option), never replaced by a PDF. A full disk (or a file-size limit) is ``DiskFull``
("disk full", exit 3): the machine, not the input, is at fault and the same command can be retried.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from girlscourt.errors import DiskFull, GirlsCourtError, ValidationError

OUT = "--out"  # the option every printing command names its target with
_NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
TEMP_SUFFIX = ".partial"


def disk_full(error: OSError) -> bool:
    """Whether ``error`` means the disk (or this process's file-size limit) has no more room."""
    return error.errno in _NO_SPACE


def write_error(path: Path | str, error: OSError, field: str = OUT) -> GirlsCourtError:
    """The error for a failed write of ``path``: disk full (exit 3), else invalid (exit 1)."""
    if disk_full(error):
        return DiskFull(
            f"disk full: {path} was not written ({error.strerror or 'no space left'}); "
            "free some space and try again"
        )
    return ValidationError(field, f"cannot write {path}: {error.strerror or error}")


def check_target(path: str | os.PathLike[str], field: str = OUT) -> Path:
    """The file to write for ``path``: a new path in an existing folder, or a regular file.

    A symbolic link to a regular file is followed (its target is rewritten, the link stays);
    anything else that already exists there (device, FIFO, socket, folder, a link to one, a
    dangling link) is refused with one line naming ``field``.
    """
    given = Path(path)
    if not str(path):
        raise ValidationError(field, "name a file to write")
    try:
        found = given.lstat()
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise ValidationError(field, f"cannot write {given}: {error.strerror or error}") from None
    link = ""
    if found is not None and stat.S_ISLNK(found.st_mode):
        try:
            real = Path(os.path.realpath(given, strict=True))
            found = real.stat()
        except OSError:
            raise ValidationError(
                field, f"{given} is a symbolic link to nothing; name a regular file"
            ) from None
        link = "a symbolic link to "
        target = real
    else:
        target = given
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise ValidationError(field, f"{given} is {link}{_kind(found.st_mode)}, not a regular file")
    folder = target.parent
    if not folder.is_dir():
        raise ValidationError(field, f"cannot write {given}: no folder {str(folder)!r}")
    return target


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


class StagedFile:
    """A complete, fsynced temporary copy of a document waiting beside its target."""

    def __init__(self, target: Path, field: str) -> None:
        self.target = target
        self.field = field
        self.temporary: Path | None = None

    def write(self, content: bytes) -> None:
        """Write ``content`` in full to a fresh temporary file and fsync it (not yet in place)."""
        self.discard()
        try:
            descriptor, name = tempfile.mkstemp(  # mode 0600: owner only
                prefix=f".{self.target.name}.", suffix=TEMP_SUFFIX, dir=self.target.parent
            )
        except OSError as error:
            raise write_error(self.target, error, self.field) from None
        self.temporary = Path(name)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            self.discard()
            raise write_error(self.target, error, self.field) from None

    def discard(self) -> None:
        """Remove the temporary file, if any (the target is left as it was)."""
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                self.temporary.unlink()
            self.temporary = None

    def put_in_place(self) -> None:
        """Rename the written copy over the target (checked again: it may have changed since)."""
        if self.temporary is None:
            return
        try:
            check_target(self.target, self.field)
            self.temporary.replace(self.target)  # os.replace: atomic on POSIX and Windows
        except BaseException as error:
            self.discard()
            if isinstance(error, OSError):
                raise write_error(self.target, error, self.field) from None
            raise
        self.temporary = None
        _sync_folder(self.target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows (POSIX folders can be fsynced)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def staged(path: str | os.PathLike[str], field: str = OUT) -> Iterator[StagedFile]:
    """Check ``path``, let the block ``write()`` the content, then put it in place.

    If the block raises (the write failed, or the audit that must precede the document did not
    commit), the temporary file is removed and the target is untouched.
    """
    pending = StagedFile(check_target(path, field), field)
    try:
        yield pending
    except BaseException:
        pending.discard()
        raise
    pending.put_in_place()


def write_atomically(path: str | os.PathLike[str], content: bytes, field: str = OUT) -> Path:
    """Write ``content`` to ``path`` in full or not at all; return the file written."""
    with staged(path, field) as pending:
        pending.write(content)
    return pending.target
