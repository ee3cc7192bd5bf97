"""One build at a time in a book folder: a lock file whose lock dies with its process.

Two builds into the same folder would delete each other's temporary files (each cleans up
what an interrupted build left) and overwrite each other's manifest. The second build is
refused at once with the process that holds the folder, rather than made to wait: a book
can take hours, and a user who started two builds by mistake wants to know now.

The lock is the operating system's (flock, or a byte-range lock on Windows), not the mere
presence of the file, so a build killed with SIGKILL or by a power cut leaves no lock that
needs clearing by hand: its file may stay behind, but nobody holds it any more, and the
next build takes it over.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
from pathlib import Path
from types import TracebackType

from audiobook.errors import UserError, disk_errors_as_user_errors

log = logging.getLogger(__name__)

LOCK_NAME = ".audiobook-lock"
_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class FolderLock:
    """Held while a build writes into `folder`; `with FolderLock(folder): …`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self.fd: int | None = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, or raise a UserError naming the folder and the build holding it."""
        with disk_errors_as_user_errors(self.folder):
            while True:
                try:
                    # Never through a symlink (its target would be overwritten), never
                    # blocking on a FIFO someone left under the lock's name.
                    fd = os.open(self.path, _OPEN_FLAGS, 0o644)
                except OSError as e:  # the first file a build writes: say it of the folder
                    if e.errno == errno.ELOOP:
                        raise UserError(_not_a_file(self.path, "a symbolic link")) from e
                    reason = (e.strerror or "not allowed").lower()
                    raise UserError(f"{self.folder}: cannot write in this folder ({reason})") from e
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    os.close(fd)
                    raise UserError(_not_a_file(self.path, "not a regular file"))
                if not _try_lock(fd):
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise UserError(
                        f"{self.folder}: another build{holder} is writing this book; "
                        "wait for it to finish, or stop it"
                    )
                if _same_file(fd, self.path):
                    break
                os.close(fd)  # its holder removed it as we opened it: open the new one
            left = _read_holder(fd)
            if left:
                log.info(
                    "%s: taking over the lock of a build that was stopped%s", self.folder, left
                )
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        """Remove the lock file, then let go of the lock (in that order, see acquire)."""
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # Windows cannot remove an open file; the next build takes it over
        os.close(self.fd)
        self.fd = None


def _not_a_file(path: Path, what: str) -> str:
    return f"{path}: the build's lock file is {what}; remove it and build again"


def _same_file(fd: int, path: Path) -> bool:
    """Whether the locked file is still the one at `path` (not unlinked by its last holder)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _read_holder(fd: int) -> str:
    """The process named in the lock file, as ` (process 1234)`; "" when it names none."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 64).decode("ascii", "replace").strip()
    except OSError:  # Windows will not read a range another process has locked
        return ""
    return f" (process {text})" if text.isdigit() else ""
