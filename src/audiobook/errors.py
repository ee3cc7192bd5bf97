"""Error types. Only the CLI entry point catches these and turns them into one line."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AudiobookError(Exception):
    """Base of every error this package raises on purpose."""


class UserError(AudiobookError):
    """The user's input or settings are wrong; exit status 2, no traceback."""


_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_NOT_ALLOWED = (errno.EACCES, errno.EPERM, errno.EROFS)
_IN_THE_WAY = (errno.EISDIR, errno.ENOTDIR, errno.ENOTEMPTY)  # a folder where a file goes …


@contextmanager
def disk_errors_as_user_errors(where: Path, *, kept: str = "") -> Iterator[None]:
    """Turn a full disk or a place we may not write into a UserError naming the place.

    Both are the user's to fix (free some space, choose another folder), so they get one line
    and exit status 2 rather than a traceback. `kept` says what survives, e.g. that finished
    clips stay cached. Any other OSError passes through unchanged.
    """
    try:
        yield
    except OSError as e:
        place = e.filename or where
        after = f"; {kept}" if kept else ""
        if e.errno in _NO_SPACE:
            free = _free(where)
            raise UserError(f"{place}: no space left on the disk ({free} free){after}") from e
        if e.errno in _NOT_ALLOWED:
            raise UserError(f"{place}: {(e.strerror or 'not allowed').lower()}{after}") from e
        if e.errno in _IN_THE_WAY:
            target = f" -> {e.filename2}" if e.filename2 else ""
            what = (e.strerror or "in the way").lower()
            raise UserError(f"{place}{target}: {what}; move it out of the way") from e
        raise


def _free(where: Path) -> str:
    """Free space on the disk holding `where` (or its nearest existing parent), for a message."""
    for folder in (where, *where.parents):
        try:
            return f"{shutil.disk_usage(folder).free / 1e6:,.0f} MB"
        except OSError:
            continue
    return "none"
