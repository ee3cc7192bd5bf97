"""An M3U8 playlist and an Audiobookshelf `metadata.json` for the book folder.

Together with the `Author/Title/` layout this makes the folder drop straight into an
Audiobookshelf library (or any player that reads playlists).
"""

from __future__ import annotations

import json
from pathlib import Path

from audiobook.filenames import display_text, safe_name
from audiobook.model import BookOutput, ChapterRecord
from audiobook.tagging import GENRE, book_marks
from audiobook.writers.base import BookWriter

# Per-chapter audio a playlist may list, most widely playable first.
PLAYLIST_FORMATS = ("mp3", "opus")
METADATA_NAME = "metadata.json"


def _chapter_files(output: BookOutput) -> list[tuple[ChapterRecord, str]]:
    """One file per chapter: of one format where one covers every chapter, else each
    chapter's most widely playable file (formats switched between builds)."""
    for writer in PLAYLIST_FORMATS:
        if output.chapters and all(writer in r.files for r in output.chapters):
            return [(r, r.files[writer]) for r in output.chapters]
    entries = []
    for record in output.chapters:
        name = next((record.files[w] for w in PLAYLIST_FORMATS if w in record.files), None)
        if name is not None:
            entries.append((record, name))
    return entries


def playlist_text(output: BookOutput) -> str:
    """Extended M3U in UTF-8: one entry per chapter file, or the book file if there are none."""
    lines = ["#EXTM3U", f"#PLAYLIST:{display_text(output.book.title)}"]
    entries = _chapter_files(output)
    for record, name in entries:
        lines += [f"#EXTINF:{round(record.duration_s)},{display_text(record.title)}", name]
    if not entries:
        total = round(sum(record.duration_s for record in output.chapters))
        for name in output.book_files.get("m4b", []):
            lines += [f"#EXTINF:{total},{display_text(output.book.title)}", name]
    return "\n".join(lines) + "\n"


def metadata_json(output: BookOutput) -> str:
    """Audiobookshelf's metadata.json: book details and chapters across the chapter files."""
    book = output.book
    entries = _chapter_files(output) or [(record, "") for record in output.chapters]
    marks = book_marks([(record.title, record.duration_s) for record, _ in entries])
    data = {
        "title": book.title,
        "subtitle": None,
        "authors": [book.author] if book.author else [],
        "narrators": [],
        "series": [],
        "genres": [GENRE],
        "publishedYear": book.year,
        "publishedDate": None,
        "publisher": None,
        "description": None,
        "isbn": None,
        "asin": None,
        "language": book.language,
        "explicit": False,
        "abridged": False,
        "tags": [],
        "chapters": [
            {"id": n, "start": round(m.start_s, 3), "end": round(m.end_s, 3), "title": m.title}
            for n, m in enumerate(marks)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class PlaylistWriter(BookWriter):
    NAME = "m3u8"

    SUFFIXES = (".m3u8", METADATA_NAME)

    def file_names(self, output: BookOutput) -> list[str]:
        return [safe_name(output.book.title) + ".m3u8", METADATA_NAME]

    def write(self, output: BookOutput, dests: list[Path]) -> None:
        playlist, metadata = dests
        playlist.write_text(playlist_text(output), encoding="utf-8")
        metadata.write_text(metadata_json(output), encoding="utf-8")
