"""The whole pipeline, as the steps a book goes through.

Text half (pure, `load_script`): read_source -> clean_text (per layout) -> find_chapters ->
find_labels / attribute_speakers -> Script (reviewable as JSON or Fountain).

Audio half (`build`): resolve_cast -> synthesize_script (cached clips) -> plan_chapter
(stitching, pauses) -> plan_outputs (what is unchanged, from the manifest) ->
master_chapter (levelled audio) -> writers (MP3, M4B, Opus, captions, playlists, talking
books) -> the book folder.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from audiobook.chapters import find_chapters
from audiobook.cleaning import clean_text
from audiobook.errors import UserError
from audiobook.layouts import get_layout
from audiobook.model import NARRATOR, BlockStyle, Chapter, ReadOptions, Script, SegmentKind

if TYPE_CHECKING:
    from audiobook.build import BuildOptions, BuildResult, Progress
from audiobook.reading import read_source
from audiobook.script_io import read_fountain_script, read_json_script
from audiobook.settings import Settings
from audiobook.speakers import attribute_speakers, find_labels
from audiobook.words import extra_word_list

log = logging.getLogger(__name__)

MAX_NAMED_IN_A_WARNING = 5  # chapters named in one warning; the rest are counted


def example_path(name: str = "example.md") -> Path:
    """A short text of our own that ships with the package, read when no file is given."""
    return Path(str(resources.files("audiobook") / "examples" / name))


def title_from_file_name(path: Path) -> str:
    stem = re.sub(r"(?:\.(?:srt|vtt|txt|md|text))+$", "", path.name, flags=re.IGNORECASE)
    words = re.sub(r"[_\-]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


def text_to_script(
    text: str,
    *,
    source: str = "<text>",
    title: str | None = None,
    author: str | None = None,
    layout: str | None = None,
    language: str | None = None,
    word_list: Path | None = None,
) -> Script:
    """Clean, find chapters, attribute speakers: raw text in, reviewable script out.

    `word_list` (Settings.word_list) adds its words to the system's English word lists,
    which decide line-break hyphens and which labels are ordinary words."""
    with extra_word_list(word_list):  # the rules and speakers ask words.is_english_word
        clean = clean_text(text, layout=layout, language=language)
        default_title = title or clean.title or title_from_file_name(Path(source))
        chapter_texts = find_chapters(clean, default_title)
        paragraphs = [
            b.text for c in chapter_texts for b in c.blocks if b.style == BlockStyle.PARAGRAPH
        ]
        turns_continue = get_layout(clean.layout).turns_continue
        labels = find_labels(paragraphs, clean.persons, cues_expected=not turns_continue)
        attributed = attribute_speakers(chapter_texts, labels, turns_continue=turns_continue)
    return Script(
        title=default_title,
        author=author or clean.author,
        speakers=(NARRATOR, *labels.names),
        chapters=drop_silent_chapters(attributed, source, by_line=True),
        removed=clean.removed,
        year=clean.year,
        language=clean.language,
        source=source,
        layout=clean.layout,
        layout_reason=clean.layout_reason,
    )


def says_something(chapter: Chapter, *, beyond_headings: bool = False) -> bool:
    """Whether a chapter has a word to say: an engine is given nothing without a letter or
    a digit, and a chapter without audio is no chapter (issue 10: a traceback in the build).
    A book whose every chapter is only its heading (`beyond_headings`) has nothing to read:
    lines like "12" and "13" alone are no book."""
    return any(
        any(ch.isalnum() for ch in seg.text)
        for seg in chapter.segments
        if not (beyond_headings and seg.kind == SegmentKind.HEADING)
    )


def drop_silent_chapters(
    chapters: Sequence[Chapter], source: str, *, by_line: bool
) -> tuple[Chapter, ...]:
    """The chapters with something to say, numbered 1, 2, 3 … as the build selects and names
    them; the others are left out with one warning naming them, by source line (`by_line`)
    or by their place in a script. A hand-edited script's chapter whose lines were all
    deleted is left out, not refused: deleting them says plainly it is not to be read, and
    the rest of the book can still be built. With none left, load_script's error says so."""
    kept: list[Chapter] = []
    silent: list[tuple[int, Chapter]] = []
    for place, chapter in enumerate(chapters, start=1):
        if says_something(chapter):
            kept.append(chapter)
        else:
            silent.append((place, chapter))
    if silent and kept:
        log.warning("%s: %s", source, silent_chapters_note(silent, by_line=by_line))
    return tuple(replace(chapter, index=index) for index, chapter in enumerate(kept, start=1))


def silent_chapters_note(chapters: list[tuple[int, Chapter]], *, by_line: bool) -> str:
    """ "2 chapters have nothing to read aloud and are left out: '**' (line 5), …"."""
    shown = [
        f"{c.title!r} ({f'line {c.source_line}' if by_line else f'chapter {i}'})"
        for i, c in chapters[:MAX_NAMED_IN_A_WARNING]
    ]
    more = len(chapters) - len(shown)
    names = ", ".join(shown) + (f" and {more} more" if more else "")
    if len(chapters) == 1:
        return f"1 chapter has nothing to read aloud and is left out: {names}"
    return f"{len(chapters)} chapters have nothing to read aloud and are left out: {names}"


def load_script(
    path: Path | None, reading: ReadOptions | None = None, config: Settings | None = None
) -> Script:
    """Any input the user may give: a text file, a script (.json) or an edited .fountain.

    `config` gives the size limit and the extra word list; None: Settings()."""
    reading = reading or ReadOptions()
    config = config or Settings()
    title, author, language = reading.title, reading.author, reading.language
    if path is None:
        path = example_path()
    source = read_source(path, config.max_input_bytes)  # says so itself when not UTF-8
    suffix = path.suffix.lower()
    if suffix in (".json", ".fountain"):
        read = read_json_script if suffix == ".json" else read_fountain_script
        script = read(path, source.text)
        script = replace(
            script, chapters=drop_silent_chapters(script.chapters, str(path), by_line=False)
        )
    else:
        script = text_to_script(
            source.text,
            source=str(path),
            title=title,
            author=author,
            layout=reading.layout,
            language=language,
            word_list=config.word_list,
        )
    script = replace(
        script,
        title=title or script.title,
        author=author or script.author,
        language=language or script.language,
    )
    if not any(says_something(c, beyond_headings=True) for c in script.chapters):
        raise UserError(f"{path}: nothing left to read aloud after cleaning")
    return script


def build(
    source: Path | None,
    options: BuildOptions,
    *,
    cast_path: Path | None = None,
    engine: str | None = None,
    reading: ReadOptions | None = None,
    progress: Progress | None = None,
    rate: float = 1.0,
) -> BuildResult:
    """`audiobook build`: read FILE (or the built-in example), cast it, build the book."""
    from audiobook.build import build_book
    from audiobook.casting import resolve_cast

    script = load_script(source, reading, options.config)
    cast = resolve_cast(script, cast_path, engine, rate, config=options.config)
    return build_book(script, cast, options, progress=progress)
