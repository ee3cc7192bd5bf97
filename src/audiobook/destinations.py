"""Places the command line will write to, checked before any work is done.

A preview written into a folder that is not there, or a cache under a file, would fail only
after the synthesis, as a traceback or a raw ffmpeg error; checked first, it is one line
naming the place (issue 10). The checks look, and write nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from audiobook.errors import UserError


def check_output_file(path: Path, option: str = "") -> None:
    """A file can be written at `path`: its folder exists, is a folder, and may be written in.

    `option` ("--out") is named in the error when the path came from one.
    """
    named = f"{option} {path}" if option else str(path)
    if _exists(path, named) and path.is_dir():
        raise UserError(f"{named}: is a folder; give a file name")
    folder = path.parent
    if not _exists(folder, named):
        raise UserError(f"{named}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise UserError(f"{named}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{named}: cannot write in the folder {folder}")


def check_folder_to_make(folder: Path, option: str = "") -> None:
    """`folder` is a folder we may write in, or can be made: the nearest part of the path
    that exists is a folder we may write in."""
    named = f"{option} {folder}" if option else str(folder)
    existing = next((p for p in (folder, *folder.parents) if _exists(p, named)), None)
    if existing is None:  # not even the root: nothing to say more precisely
        return
    if not existing.is_dir():
        raise UserError(f"{named}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{named}: cannot write in the folder {existing}")


def _exists(path: Path, named: str) -> bool:
    """Path.exists, a folder we may not look into being the user's to fix, not a traceback."""
    try:
        return path.exists()
    except OSError as e:
        raise UserError(f"{named}: cannot look into {path} ({(e.strerror or '').lower()})") from e
