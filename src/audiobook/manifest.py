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
    size: int | None = None  # bytes when written: a file cut short since is made again


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
    sizes: tuple[int, ...] | None = None  # of `names`, when written


@dataclass
class Manifest:
    chapters: dict[int, ChapterEntry] = field(default_factory=dict)
    book: dict[str, BookEntry] = field(default_factory=dict)

    def names_except(self, *, chapter: int | None = None, book: str | None = None) -> set[str]:
        """The names every other entry lists: files never to delete as this entry's old ones."""
        names = {f.name for i, e in self.chapters.items() if i != chapter for f in e.files.values()}
        return names | {n for w, e in self.book.items() if w != book for n in e.names}

    def sizes(self) -> dict[str, int | None]:
        """Every file name the manifest says a build wrote, with its size then (if known)."""
        sizes: dict[str, int | None] = {
            f.name: f.size for entry in self.chapters.values() for f in entry.files.values()
        }
        for entry in self.book.values():
            sizes.update(zip(entry.names, entry.sizes or [None] * len(entry.names), strict=True))
        return sizes


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
                "files": {w: _file_json(f) for w, f in entry.files.items()},
            }
            for index, entry in sorted(manifest.chapters.items())
        },
        "book": {w: _book_json(e) for w, e in manifest.book.items()},
    }
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_text_atomically(folder / MANIFEST_NAME, text)


def _file_json(entry: FileEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"name": entry.name, "key": entry.key}
    if entry.size is not None:
        data["size"] = entry.size
    return data


def _book_json(entry: BookEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"names": list(entry.names), "key": entry.key}
    if entry.sizes is not None:
        data["sizes"] = list(entry.sizes)
    return data


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
            size = _size(file.get("size"))
            files[writer] = FileEntry(_name(file.get("name")), _text(file.get("key")), size)
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
        sizes = entry.get("sizes")
        if sizes is not None and not (isinstance(sizes, list) and len(sizes) == len(names)):
            raise _MalformedError(f"book {writer}: sizes do not match names")
        manifest.book[writer] = BookEntry(
            tuple(_name(name) for name in names),
            _text(entry.get("key")),
            None if sizes is None else tuple(_size(size) or 0 for size in sizes),
        )
    return manifest


def _size(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _MalformedError(f"{value!r} is not a file size")
    return value


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
