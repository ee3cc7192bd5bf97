"""What earlier builds wrote into a book folder, and from what: `.audiobook-manifest.json`.

The manifest is read as untrusted input (a user may edit, copy or damage it): anything of the
wrong shape, or a file name that is not a plain name inside the folder, makes the whole
manifest be ignored with one warning, which costs a full rebuild and nothing else.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audiobook.bookfolder import is_plain_name, write_text_atomically

log = logging.getLogger(__name__)

MANIFEST_NAME = ".audiobook-manifest.json"
MANIFEST_VERSION = 1
_MAX_BYTES = 64 * 1024 * 1024  # far beyond any real book; a bigger file is not ours


@dataclass(frozen=True)
class FileEntry:
    """One output file and the key of everything it was made from."""

    name: str
    key: str


@dataclass(frozen=True)
class ChapterEntry:
    """A chapter's files in the folder."""

    title: str  # display name
    stem: str  # file name without suffix
    duration_s: float
    key: str  # the chapter audio's key (planning.chapter_audio_key)
    files: dict[str, FileEntry] = field(default_factory=dict)  # writer name -> file


@dataclass(frozen=True)
class BookEntry:
    """A book writer's files (playlist, M4B, talking book)."""

    names: tuple[str, ...]
    key: str


@dataclass
class Manifest:
    chapters: dict[int, ChapterEntry] = field(default_factory=dict)
    book: dict[str, BookEntry] = field(default_factory=dict)

    def names(self) -> set[str]:
        """Every file name the manifest says a build wrote."""
        names = {f.name for entry in self.chapters.values() for f in entry.files.values()}
        return names | {name for entry in self.book.values() for name in entry.names}


class _MalformedError(ValueError):
    pass


def load_manifest(folder: Path) -> Manifest:
    """The folder's manifest; an empty one (rebuild everything) if missing or unusable."""
    path = folder / MANIFEST_NAME
    try:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise _MalformedError("not a regular file")
        with path.open("rb") as f:
            raw = f.read(_MAX_BYTES + 1)
        if len(raw) > _MAX_BYTES:
            raise _MalformedError("too large")
        data = json.loads(raw.decode("utf-8"))
        return _parse(data)
    except FileNotFoundError:
        return Manifest()
    except (OSError, ValueError, RecursionError) as e:
        log.warning("%s: ignoring it (%s); every file will be made again", path, e)
        return Manifest()


def save_manifest(folder: Path, manifest: Manifest) -> None:
    data = {
        "version": MANIFEST_VERSION,
        "chapters": {
            str(index): {
                "title": entry.title,
                "stem": entry.stem,
                "duration_s": entry.duration_s,
                "key": entry.key,
                "files": {w: {"name": f.name, "key": f.key} for w, f in entry.files.items()},
            }
            for index, entry in sorted(manifest.chapters.items())
        },
        "book": {w: {"names": list(e.names), "key": e.key} for w, e in manifest.book.items()},
    }
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_text_atomically(folder / MANIFEST_NAME, text)


def _parse(data: Any) -> Manifest:
    obj = _mapping(data, "the manifest")
    if obj.get("version") != MANIFEST_VERSION:
        raise _MalformedError(f"version {obj.get('version')!r}, not {MANIFEST_VERSION}")
    manifest = Manifest()
    for index, raw in _mapping(obj.get("chapters", {}), "chapters").items():
        if not (isinstance(index, str) and index.isdigit() and int(index) >= 1):
            raise _MalformedError(f"chapter {index!r} is not a chapter number")
        entry = _mapping(raw, f"chapter {index}")
        duration = entry.get("duration_s")
        if not isinstance(duration, int | float) or not math.isfinite(duration) or duration < 0:
            raise _MalformedError(f"chapter {index}: bad duration {duration!r}")
        files = {}
        for writer, file in _mapping(entry.get("files", {}), f"chapter {index} files").items():
            file = _mapping(file, f"chapter {index} {writer}")
            files[writer] = FileEntry(_name(file.get("name")), _text(file.get("key")))
        manifest.chapters[int(index)] = ChapterEntry(
            _text(entry.get("title")),
            _text(entry.get("stem")),
            float(duration),
            _text(entry.get("key")),
            files,
        )
    for writer, raw in _mapping(obj.get("book", {}), "book").items():
        entry = _mapping(raw, f"book {writer}")
        names = entry.get("names")
        if not isinstance(names, list):
            raise _MalformedError(f"book {writer}: names is not a list")
        manifest.book[writer] = BookEntry(
            tuple(_name(name) for name in names), _text(entry.get("key"))
        )
    return manifest


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _MalformedError(f"{what} is not a JSON object")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _MalformedError(f"{value!r} is not a string")
    return value


def _name(value: Any) -> str:
    if not is_plain_name(value) or value.startswith("."):
        raise _MalformedError(f"{value!r} is not a file name in the book folder")
    return str(value)
