"""Database passwords, kept only in the OS keyring: the one module that touches ``keyring``.

Keychain calls can block (an OS prompt, D-Bus), so the GUI calls these off its thread. With
no keyring (the null or fail backend) the app asks for the database password every session and
writes nothing to disk. A backend that keeps secrets in a file (keyrings.alt's plaintext and
"encrypted" files) is refused outright: the database does not open until the workstation uses
a system keyring or none (RELIABILITY.md F10). Tests install an in-memory backend with
``keyring.set_keyring``.
"""

from __future__ import annotations

import keyring
import keyring.errors

from girlscourt.errors import ConfigurationError

SERVICE = "girlscourt-database"
# Third-party ``keyrings.*`` stores are mostly files (keyrings.alt's plaintext and "encrypted"
# files among them); null and fail store nothing. A chainer is refused if any link is refused,
# since it may write to whichever link accepts first.
_REFUSED_MODULES = ("keyrings.", "keyring.backends.null", "keyring.backends.fail")


def account_key(user: str, host: str, port: int | None, database: str) -> str:
    """The keyring account name for one server login."""
    return f"{user}@{host}:{port or 5432}/{database}"


def _backend_usable(backend: object) -> bool:
    module = type(backend).__module__
    if any(module == m.rstrip(".") or module.startswith(m) for m in _REFUSED_MODULES):
        return False
    links = getattr(backend, "backends", None) if module == "keyring.backends.chainer" else None
    if links is not None:
        return bool(links) and all(_backend_usable(b) for b in links)
    return True


def _file_store(backend: object) -> str | None:
    """The class name of a backend (or chained link) that keeps secrets in a file, else None."""
    kind = type(backend)
    if kind.__module__.startswith("keyrings."):
        return f"{kind.__module__}.{kind.__name__}"
    if kind.__module__ == "keyring.backends.chainer":
        for link in getattr(backend, "backends", None) or ():
            found = _file_store(link)
            if found:
                return found
    return None


def refuse_file_store() -> None:
    """ConfigurationError when the active keyring would keep the password in a file."""
    found = _file_store(keyring.get_keyring())
    if found:
        raise ConfigurationError(
            f"keyring: {found} keeps passwords in a file, which this app refuses; use the "
            "system keyring, or PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring to be "
            "asked for the password each session"
        )


def keyring_usable() -> bool:
    """True when the active backend is a real, non-plaintext store."""
    return _backend_usable(keyring.get_keyring())


def get_password(account: str) -> str | None:
    """The saved password for ``account``, or None when none is saved or no keyring is usable.

    Raises ConfigurationError for a keyring that keeps secrets in a file (``refuse_file_store``).
    """
    refuse_file_store()
    if not keyring_usable():
        return None
    try:
        return keyring.get_password(SERVICE, account)
    except keyring.errors.KeyringError:
        return None


def set_password(account: str, password: str) -> bool:
    """Save a password; False (and nothing written anywhere) when no usable keyring exists."""
    if not keyring_usable():
        return False
    try:
        keyring.set_password(SERVICE, account, password)
    except keyring.errors.KeyringError:
        return False
    return True


def delete_password(account: str) -> None:
    """Forget a saved password, if any."""
    if not keyring_usable():
        return
    try:
        keyring.delete_password(SERVICE, account)
    except keyring.errors.KeyringError:
        return


# -- the key that seals this workstation's recovery drafts (services/intake/recovery_drafts.py)

RECOVERY_SERVICE = "girlscourt-recovery-drafts"


class KeyringUnavailable(Exception):
    """No usable keyring right now: the caller keeps what the key would protect in memory."""


def get_recovery_key(account: str) -> str | None:
    """The saved recovery-draft key for ``account``; None when none is saved yet.

    Raises ``KeyringUnavailable`` when no usable keyring exists or it fails, so a caller can
    tell "no key yet" (make one) from "cannot ask" (leave the sealed files alone).
    """
    if not keyring_usable():
        raise KeyringUnavailable("no usable keyring on this workstation")
    try:
        return keyring.get_password(RECOVERY_SERVICE, account)
    except keyring.errors.KeyringError as error:
        raise KeyringUnavailable(f"the keyring failed: {type(error).__name__}") from error


def set_recovery_key(account: str, key: str) -> bool:
    """Save a recovery-draft key; False (nothing written anywhere) when no usable keyring."""
    if not keyring_usable():
        return False
    try:
        keyring.set_password(RECOVERY_SERVICE, account, key)
    except keyring.errors.KeyringError:
        return False
    return True
