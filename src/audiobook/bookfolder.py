"""The book folder's files: written atomically, removed only when they are ours.

- Every file is written under a temporary name beside its final one, flushed to disk and
  renamed over it, so a killed build never leaves a truncated file behind.
- The temporary names (`.NAME.audiobook-PID.part`) and work folders
  (`.audiobook-work-PID-…`) say who made them, so a later build removes what an interrupted
  one left, and never a file of the user's that merely looks similar (`.notes.123.part`).
- Nothing outside the folder is ever touched: a name that is not a plain file name (one that
  a hand-edited or damaged manifest could hold, like `../../x`) is refused.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from audiobook.errors import UserError

log = logging.getLogger(__name__)

_PARTIAL = re.compile(r"^\..+\.audiobook-(\d+)\.part$")
WORK_PREFIX = ".audiobook-work-"


def _plain_component(name: str) -> bool:
    return (
        name not in ("", ".", "..")
        and "\\" not in name
        and "\0" not in name
        and len(name.encode("utf-8", "surrogateescape")) <= 255
    )


def is_plain_name(name: object) -> bool:
    """A name relative to the book folder that stays inside it: plain components joined by
    `/` (a talking book is a folder of its own), never absolute, never `..`."""
    return (
        isinstance(name, str)
        and len(name) < 4096
        and all(_plain_component(part) for part in name.split("/"))
    )


def inside(folder: Path, name: str) -> Path | None:
    """`folder / name` when `name` is plain and nothing on the way is a symlink (which could
    lead out of the book folder) or a file; None otherwise. Folders on the way may be
    missing (a talking book's folder before its first build)."""
    if not is_plain_name(name):
        return None
    path = folder
    for part in name.split("/")[:-1]:
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            return None
    return folder / name


def destination(folder: Path, name: str) -> Path:
    """Where the build writes `name`: inside the folder, or a user error saying what is in
    the way (a link out of the folder, a file where a folder goes, a folder where a file
    goes)."""
    path = inside(folder, name)
    if path is None:
        raise UserError(f"{folder / name}: a link or a file in the book folder is in the way")
    if path.is_dir() and not path.is_symlink():
        raise UserError(f"{path}: a folder is in the way of the file the build writes there")
    return path


def remove_file(folder: Path, name: str) -> bool:
    """Delete the file `name` in the book folder if it is one (a symlink is removed itself,
    its target never); whether something was removed. Empty folders it leaves go too."""
    path = inside(folder, name)
    if path is None:
        log.warning("%s: not removing %r, which is not a file in this folder", folder, name)
        return False
    if not (path.is_symlink() or path.is_file()):
        return False
    path.unlink(missing_ok=True)
    for parent in path.relative_to(folder).parents:
        if parent == Path("."):
            break
        try:
            (folder / parent).rmdir()
        except OSError:
            break  # not empty
    return True


def partial_path(dest: Path) -> Path:
    """The temporary name a file is written under before it is renamed into place."""
    return dest.with_name(f".{dest.name}.audiobook-{os.getpid()}.part")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(dests: Sequence[Path], write: Callable[[list[Path]], object]) -> None:
    """Call `write` with temporary paths beside `dests`, then flush and rename each into place."""
    temps = [partial_path(dest) for dest in dests]
    try:
        write(temps)
        for temp in temps:
            with temp.open("rb+") as f:
                os.fsync(f.fileno())
        for temp, dest in zip(temps, dests, strict=True):
            os.replace(temp, dest)
    finally:
        for temp in temps:
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only disk: the write failed already, and that error is the news
    for folder in {dest.parent for dest in dests}:
        _fsync_dir(folder)


def write_text_atomically(dest: Path, text: str) -> None:
    write_atomically([dest], lambda temps: temps[0].write_text(text, encoding="utf-8"))


def make_work_folder(folder: Path) -> Path:
    """A private folder for this build's intermediate audio, inside the book folder (same
    disk, so finished files are renamed into place rather than copied)."""
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=folder))


def remove_leftovers(folder: Path) -> None:
    """Delete partial files and work folders that a killed build left in the book folder.

    Called while holding the folder's lock, so no other build is writing here; a partial file
    or work folder of a process that is still alive is left alone all the same.
    """
    for path in folder.iterdir():
        match = _PARTIAL.match(path.name)
        if match and not path.is_symlink() and path.is_file():
            if not _process_alive(int(match.group(1))):
                log.info("removing %s, left by an interrupted build", path.name)
                path.unlink(missing_ok=True)
        elif path.name.startswith(WORK_PREFIX) and not path.is_symlink() and path.is_dir():
            pid = path.name.removeprefix(WORK_PREFIX).split("-")[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier build in this process (tests, a library run) has finished
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
