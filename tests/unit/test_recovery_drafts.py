"""Recovery drafts: an intake kept on the workstation while the database is away, sealed, private."""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest

from girlscourt import credentials
from girlscourt.db.session import Database
from girlscourt.domain.permissions import Role
from girlscourt.errors import NotFound, PermissionDenied
from girlscourt.services.intake import recovery_drafts
from girlscourt.services.intake.recovery_drafts import RECOVERY_FOLDER, SUFFIX
from girlscourt.services.kernel.core import Actor, Core

# A synthetic, unmistakable name: if it shows up in any byte on disk, a draft leaked.
SENTINEL = "Zephyrine Quillfeather-Okonkwo"
NOON = dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.UTC)
OFFICER = Actor(7, "officer", "Olu Officer", Role.INTAKE_OFFICER)
OTHER_OFFICER = Actor(8, "officer2", "Ola Officer", Role.INTAKE_OFFICER)


def form(custody_time: str = "21:40") -> dict[str, object]:
    """The content an intake page keeps (the shape of ``IntakePage.content()``)."""
    return {
        "format": 1,
        "step": 1,
        "youth": {"id": 12, "name": SENTINEL, "dob": "2010-09-30"},
        "episode": {"custody_time": custody_time, "officer": "Ofc. Rivera #412"},
        "charges": {"codes": ["PC 242"]},
    }


def make_core(tmp_path: Path, name: str = "desk") -> Core:
    db = Database.open(f"sqlite:///{tmp_path / name / 'girlscourt.sqlite3'}")
    return Core(db, clock=lambda: NOON)


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Core]:
    """A core whose database is never opened: recovery drafts do not touch it."""
    core = make_core(tmp_path)
    yield core
    core.db.dispose()


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_draft_is_kept_listed_loaded_and_discarded(core: Core) -> None:
    draft_id = recovery_drafts.new_id()
    kept = recovery_drafts.save(core, OFFICER, form(), draft_id=draft_id, db_draft_id=41)
    assert kept is not None and kept.on_disk and kept.saved_at == NOON

    listed = recovery_drafts.list_drafts(core, OFFICER)
    assert [d.id for d in listed] == [draft_id]
    assert listed[0].content == form() and listed[0].db_draft_id == 41 and listed[0].on_disk
    assert listed[0].saved_at == NOON

    later = recovery_drafts.save(core, OFFICER, form("22:05"), draft_id=draft_id)
    assert later is not None
    loaded = recovery_drafts.load(core, OFFICER, draft_id)
    assert loaded.content["episode"]["custody_time"] == "22:05"  # the same draft, replaced
    assert len(recovery_drafts.list_drafts(core, OFFICER)) == 1

    recovery_drafts.discard(core, OFFICER, draft_id)
    assert recovery_drafts.list_drafts(core, OFFICER) == ()
    with pytest.raises(NotFound):
        recovery_drafts.load(core, OFFICER, draft_id)
    folder = recovery_drafts.recovery_folder(core.db.target, OFFICER)
    assert files_under(folder) == []


def test_drafts_are_kept_per_database_and_per_user(core: Core, tmp_path: Path) -> None:
    other_db = make_core(tmp_path, "other-desk")
    mine = recovery_drafts.new_id()
    recovery_drafts.save(core, OFFICER, form(), draft_id=mine)
    assert recovery_drafts.list_drafts(core, OTHER_OFFICER) == ()
    assert recovery_drafts.list_drafts(other_db, OFFICER) == ()
    assert recovery_drafts.recovery_folder(core.db.target, OFFICER) != (
        recovery_drafts.recovery_folder(other_db.db.target, OFFICER)
    )
    assert [d.id for d in recovery_drafts.list_drafts(core, OFFICER)] == [mine]
    other_db.db.dispose()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_folders_are_0700_and_files_0600(core: Core, private_data_dir: Path) -> None:
    # A folder left group- and world-readable (an old umask) is made private again.
    root = private_data_dir / RECOVERY_FOLDER
    root.mkdir(parents=True)
    root.chmod(0o755)
    recovery_drafts.save(core, OFFICER, form(), draft_id=recovery_drafts.new_id())
    folder = recovery_drafts.recovery_folder(core.db.target, OFFICER)
    for path in (root, folder.parent, folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    (sealed,) = files_under(root)
    assert sealed.parent == folder and sealed.name.endswith(SUFFIX)
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600


def test_nothing_on_disk_reads_as_the_youths_details(
    core: Core, private_data_dir: Path, memory_keyring: object
) -> None:
    recovery_drafts.save(core, OFFICER, form(), draft_id=recovery_drafts.new_id())
    written = files_under(private_data_dir)
    assert written, "the draft was not written"
    for path in written:
        data = path.read_bytes()
        for needle in (SENTINEL, "Quillfeather", "2010-09-30", "Rivera", "custody_time"):
            assert needle.encode("utf-8") not in data, (path, needle)
            assert needle.encode("utf-16-le") not in data, (path, needle)
    # The key is in the keyring, not beside the file.
    key = credentials.get_recovery_key(f"{recovery_drafts.database_digest(core.db.target)}/user-7")
    assert key is not None and all(key.encode() not in p.read_bytes() for p in written)


@pytest.mark.parametrize("backend", ["null", "fail"])
def test_without_a_usable_keyring_the_draft_stays_in_memory_only(
    core: Core, private_data_dir: Path, backend: str
) -> None:
    keyring.set_keyring(
        keyring.backends.null.Keyring() if backend == "null" else keyring.backends.fail.Keyring()
    )
    draft_id = recovery_drafts.new_id()
    kept = recovery_drafts.save(core, OFFICER, form(), draft_id=draft_id)
    assert kept is not None and not kept.on_disk
    assert files_under(private_data_dir) == []  # never a plaintext fallback
    (listed,) = recovery_drafts.list_drafts(core, OFFICER)
    assert listed.id == draft_id and not listed.on_disk and listed.content == form()
    recovery_drafts.discard(core, OFFICER, draft_id)
    assert recovery_drafts.list_drafts(core, OFFICER) == ()


def test_a_disk_that_refuses_the_write_keeps_the_draft_in_memory(
    core: Core, private_data_dir: Path, tmp_path: Path
) -> None:
    folder = recovery_drafts.recovery_folder(core.db.target, OFFICER)
    folder.parent.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder.symlink_to(elsewhere)  # not a private folder: refused
    kept = recovery_drafts.save(core, OFFICER, form(), draft_id=recovery_drafts.new_id())
    assert kept is not None and not kept.on_disk
    assert files_under(elsewhere) == []
    assert [d.on_disk for d in recovery_drafts.list_drafts(core, OFFICER)] == [False]


def test_corrupt_foreign_and_orphaned_files_are_set_aside_never_a_crash(core: Core) -> None:
    good = recovery_drafts.new_id()
    flipped = recovery_drafts.new_id()
    for draft_id in (good, flipped):
        recovery_drafts.save(core, OFFICER, form(), draft_id=draft_id)
    folder = recovery_drafts.recovery_folder(core.db.target, OFFICER)
    damaged = folder / f"{flipped}{SUFFIX}"
    data = bytearray(damaged.read_bytes())
    data[-5] ^= 0x01
    damaged.write_bytes(bytes(data))
    garbage = folder / f"{'0' * 32}{SUFFIX}"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n not a draft")
    odd_name = folder / f"notes{SUFFIX}"
    odd_name.write_bytes(b"")

    assert [d.id for d in recovery_drafts.list_drafts(core, OFFICER)] == [good]
    names = sorted(p.name for p in folder.iterdir())
    assert names.count(f"{good}{SUFFIX}") == 1
    for path in (damaged, garbage, odd_name):
        assert not path.exists()
        (aside,) = [n for n in names if n.startswith(f"{path.name}.unreadable-")]
        assert aside == f"{path.name}.unreadable-20261206T200000Z"
    assert (
        (folder / f"{garbage.name}.unreadable-20261206T200000Z").read_bytes().startswith(b"\x89PNG")
    )  # kept as found, for an administrator
    assert [d.id for d in recovery_drafts.list_drafts(core, OFFICER)] == [good]  # stable


def test_a_file_moved_into_another_users_folder_does_not_open(core: Core) -> None:
    draft_id = recovery_drafts.new_id()
    recovery_drafts.save(core, OFFICER, form(), draft_id=draft_id)
    recovery_drafts.save(core, OTHER_OFFICER, form(), draft_id=recovery_drafts.new_id())
    mine = recovery_drafts.recovery_folder(core.db.target, OFFICER) / f"{draft_id}{SUFFIX}"
    theirs = recovery_drafts.recovery_folder(core.db.target, OTHER_OFFICER)
    mine.rename(theirs / mine.name)
    assert draft_id not in {d.id for d in recovery_drafts.list_drafts(core, OTHER_OFFICER)}
    assert any(p.name.startswith(f"{mine.name}.unreadable-") for p in theirs.iterdir())


def test_files_whose_key_is_gone_are_set_aside_and_a_new_key_is_made(
    core: Core, memory_keyring: object
) -> None:
    old = recovery_drafts.new_id()
    recovery_drafts.save(core, OFFICER, form(), draft_id=old)
    keyring.set_keyring(type(keyring.get_keyring())())  # the same kind of keyring, emptied
    assert recovery_drafts.list_drafts(core, OFFICER) == ()
    folder = recovery_drafts.recovery_folder(core.db.target, OFFICER)
    assert any(p.name.startswith(f"{old}{SUFFIX}.unreadable-") for p in folder.iterdir())
    new = recovery_drafts.new_id()
    assert recovery_drafts.save(core, OFFICER, form(), draft_id=new) is not None
    assert [d.id for d in recovery_drafts.list_drafts(core, OFFICER)] == [new]


def test_a_keyring_that_stops_answering_leaves_the_files_alone(core: Core) -> None:
    draft_id = recovery_drafts.new_id()
    recovery_drafts.save(core, OFFICER, form(), draft_id=draft_id)
    working = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert recovery_drafts.list_drafts(core, OFFICER) == ()
    folder = recovery_drafts.recovery_folder(core.db.target, OFFICER)
    assert [p.name for p in folder.iterdir()] == [f"{draft_id}{SUFFIX}"]  # nothing set aside
    keyring.set_keyring(working)
    assert [d.id for d in recovery_drafts.list_drafts(core, OFFICER)] == [draft_id]


def test_late_and_out_of_order_copies_never_replace_newer_work(core: Core) -> None:
    draft_id = recovery_drafts.new_id()
    first, second = time.monotonic_ns(), time.monotonic_ns() + 1
    assert recovery_drafts.save(core, OFFICER, form("22:05"), draft_id=draft_id, revision=second)
    assert (
        recovery_drafts.save(core, OFFICER, form("21:40"), draft_id=draft_id, revision=first)
        is None
    )
    assert (
        recovery_drafts.load(core, OFFICER, draft_id).content["episode"]["custody_time"] == "22:05"
    )
    # The intake was saved and its draft discarded; a copy still on its way must not revive it.
    recovery_drafts.discard(core, OFFICER, draft_id)
    assert (
        recovery_drafts.save(core, OFFICER, form(), draft_id=draft_id, revision=second + 1) is None
    )
    assert recovery_drafts.list_drafts(core, OFFICER) == ()


def test_only_intake_roles_and_well_formed_ids(core: Core) -> None:
    analyst = Actor(9, "ana", "Ana Analyst", Role.ANALYST)
    with pytest.raises(PermissionDenied):
        recovery_drafts.save(core, analyst, form(), draft_id=recovery_drafts.new_id())
    with pytest.raises(PermissionDenied):
        recovery_drafts.list_drafts(core, analyst)
    for bad in ("../../etc/passwd", "", "A" * 32, "0" * 31):
        with pytest.raises(NotFound):
            recovery_drafts.load(core, OFFICER, bad)
        with pytest.raises(NotFound):
            recovery_drafts.save(core, OFFICER, form(), draft_id=bad)
