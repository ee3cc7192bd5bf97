"""The whole pipeline, as the steps a book goes through.

Text half (pure, `load_script`): read_source -> clean_text (per layout) -> find_chapters ->
find_labels / attribute_speakers -> with_spoken_forms (what is said of each segment) -> Script
(reviewable as JSON or Fountain).

Audio half (`build`): resolve_cast -> synthesize_script (cached clips) -> plan_chapter
(stitching, pauses) -> plan_outputs (what is unchanged, from the manifest) ->
master_chapter (levelled audio) -> writers (MP3, M4B, Opus, captions, playlists, talking
books) -> the book folder.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from audiobook.chapters import find_chapters
from audiobook.cleaning import clean_text
from audiobook.dialogue import attribute_dialogue
from audiobook.ebook.cover import cover_file
from audiobook.ebook.formats import ebook_format
from audiobook.ebook.model import BlockKind, Cover, Ebook
from audiobook.ebook.structure import ebook_chapters, is_chapter_title, skipped_removals
from audiobook.errors import UserError
from audiobook.language import detect_language
from audiobook.language_codes import language_code
from audiobook.layouts import LayoutChoice, detect_layout, get_layout
from audiobook.model import (
    NARRATOR,
    BlockStyle,
    Chapter,
    ChapterText,
    ReadOptions,
    Script,
    SegmentKind,
    SourceLine,
)
from audiobook.notes import place_notes

if TYPE_CHECKING:
    from audiobook.build import BuildOptions, BuildResult, Progress
from audiobook.reading import read_source
from audiobook.saying import with_spoken_forms
from audiobook.script_io import read_fountain_script, read_json_script
from audiobook.settings import Settings
from audiobook.speakers import Labels, attribute_speakers, find_labels
from audiobook.words import extra_word_list

log = logging.getLogger(__name__)

MAX_NAMED_IN_A_WARNING = 5  # chapters named in one warning; the rest are counted


def example_path(name: str = "example.md") -> Path:
    """A short text of our own that ships with the package, read when no file is given."""
    return Path(str(resources.files("audiobook") / "examples" / name))


def title_from_file_name(path: Path) -> str:
    stem = re.sub(
        r"(?:\.(?:srt|vtt|txt|md|text|epub|html?|xhtml|docx|pdf))+$",
        "",
        path.name,
        flags=re.IGNORECASE,
    )
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
        turns_continue = get_layout(clean.layout).turns_continue
        attributed, labels = speak_chapters(chapter_texts, clean.persons, turns_continue)
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


def speak_chapters(
    chapter_texts: Sequence[ChapterText], persons: Sequence[str], turns_continue: bool
) -> tuple[list[Chapter], Labels]:
    """Each chapter's segments with their speakers, from the labels its paragraphs use (a
    paragraph whose speaker the markup names already has one), and those labels."""
    paragraphs = [
        b.text
        for c in chapter_texts
        for b in c.blocks
        if b.style == BlockStyle.PARAGRAPH and not b.speaker
    ]
    labels = find_labels(paragraphs, persons, cues_expected=not turns_continue)
    return attribute_speakers(chapter_texts, labels, turns_continue=turns_continue), labels


def ebook_to_script(
    ebook: Ebook,
    *,
    source: str = "<ebook>",
    title: str | None = None,
    author: str | None = None,
    layout: str | None = None,
    language: str | None = None,
    word_list: Path | None = None,
) -> Script:
    """An e-book's chapters, speakers found as in a plain text: the same script.

    Its layout decides only whether a paragraph without a label continues the last
    speaker: not in a play (speakers named by its markup, or cues and acts in its text)."""
    ebook = with_found_title(ebook)
    metadata = ebook.metadata
    found_language = language or (language_code(metadata.language) if metadata.language else None)
    if not found_language:
        found_language = detect_language(" ".join(b.text for b in ebook.blocks()[:400]))
    found = ebook_chapters(ebook, found_language)
    choice = ebook_layout(found.chapters, layout)
    with extra_word_list(word_list):
        attributed, _ = speak_chapters(found.chapters, (), choice.layout.turns_continue)
    chapters = drop_silent_chapters(attributed, source, by_line=False)
    year = re.match(r"\d{4}", metadata.date or "")
    return Script(
        title=title or metadata.title or title_from_file_name(Path(source)),
        author=author or (" and ".join(metadata.authors) if metadata.authors else None),
        speakers=speakers_in_order(chapters),
        chapters=chapters,
        removed=skipped_removals(found.skipped),
        year=year.group(0) if year else None,
        language=found_language,
        source=source,
        layout=choice.layout.name,
        layout_reason=choice.reason,
    )


def with_found_title(ebook: Ebook) -> Ebook:
    """An e-book whose metadata names no title (a PDF, a web page without <title>) takes
    its first heading, when that opens the book above a chapter: a title page's."""
    if ebook.metadata.title or not ebook.sections:
        return ebook
    first = ebook.sections[0]
    heading = next((b for b in first.blocks if b.kind == BlockKind.HEADING), None)
    if heading is None or not heading.text.strip() or is_chapter_title(heading.text):
        return ebook
    if len(ebook.sections) > 1 and first.blocks.index(heading) > 0:
        return ebook  # text before it: the heading of a section, not of the book
    return replace(ebook, metadata=replace(ebook.metadata, title=heading.text.strip()))


def ebook_layout(chapters: Sequence[ChapterText], name: str | None) -> LayoutChoice:
    """A play when its markup names speakers, else the layout its paragraphs show."""
    blocks = [b for c in chapters for b in c.blocks]
    lines: list[SourceLine] = []
    for block in blocks:
        lines += [SourceLine(len(lines) + 1, block.text), SourceLine(len(lines) + 2, "")]
    detected = detect_layout(lines)
    marked = sum(1 for b in blocks if b.speaker)
    if name is not None:
        return LayoutChoice(
            get_layout(name), f"forced with --layout {name}", detected.evidence, forced=True
        )
    if marked:
        reason = f"the markup names who speaks ({marked} speeches)"
        return LayoutChoice(get_layout("play"), reason, detected.evidence)
    return LayoutChoice(detected.layout, f"e-book text: {detected.reason}", detected.evidence)


def speakers_in_order(chapters: Sequence[Chapter]) -> tuple[str, ...]:
    """The narrator, then each speaker in the order they first speak."""
    seen = dict.fromkeys([NARRATOR])
    for chapter in chapters:
        seen.update(dict.fromkeys(s.speaker for s in chapter.segments))
    return tuple(seen)


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


@dataclass(frozen=True)
class LoadedBook:
    """A script, and the cover its e-book carries (if any)."""

    script: Script
    cover: Cover | None = None


def load_script(
    path: Path | None, reading: ReadOptions | None = None, config: Settings | None = None
) -> Script:
    """Any input the user may give: a text file, an e-book, a script (.json) or an edited
    .fountain. `config` gives the size limit and the extra word list; None: Settings()."""
    return load_book(path, reading, config).script


def load_book(
    path: Path | None, reading: ReadOptions | None = None, config: Settings | None = None
) -> LoadedBook:
    """load_script, with the e-book's cover."""
    reading = reading or ReadOptions()
    config = config or Settings()
    title, author, language = reading.title, reading.author, reading.language
    if path is None:
        path = example_path()
    suffix = path.suffix.lower()
    ebook_kind = ebook_format(path) if suffix not in (".json", ".fountain") else None
    if ebook_kind is not None:
        ebook = ebook_kind.read(path, config.max_input_bytes, reading)
        script = ebook_to_script(
            ebook,
            source=str(path),
            title=title,
            author=author,
            layout=reading.layout,
            language=language,
            word_list=config.word_list,
        )
        if not any(says_something(c, beyond_headings=True) for c in script.chapters):
            raise UserError(
                f"{path}: no text to read aloud in this {ebook_kind.name.upper()} (pages that "
                "are pictures, as in fixed-layout books and comics, have none)"
            )
        return LoadedBook(finished_script(path, script, reading), ebook.metadata.cover)
    source = read_source(path, config.max_input_bytes)  # says so itself when not UTF-8
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
    return LoadedBook(finished_script(path, script, reading))


def finished_script(path: Path, script: Script, reading: ReadOptions) -> Script:
    """What the user said overrides what the text says; notes go where asked; a script
    with nothing to say is an error; each segment carries what will be said of it
    (numbers, dates and abbreviations in words), where that differs from its text."""
    script = replace(
        script,
        title=reading.title or script.title,
        author=reading.author or script.author,
        language=reading.language or script.language,
    )
    script = place_notes(script, reading.notes)
    if reading.dialogue:
        script = attribute_dialogue(script, minor_lines=reading.minor_lines)
    if not any(says_something(c, beyond_headings=True) for c in script.chapters):
        raise UserError(f"{path}: nothing left to read aloud after cleaning")
    return with_spoken_forms(script)


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
    from audiobook.casting import reading_for_cast, resolve_cast

    book = load_book(source, reading_for_cast(cast_path, reading or ReadOptions()), options.config)
    if options.cover is None and options.ebook_cover and book.cover is not None:
        cover = cover_file(book.cover, options.config.cache_dir, str(source))
        options = replace(options, cover=cover)
    script = book.script
    cast = resolve_cast(script, cast_path, engine, rate, config=options.config)
    if cast.dialogue and not script.characters:  # a shipped cast for this book asks for it
        script = attribute_dialogue(script, minor_lines=(reading or ReadOptions()).minor_lines)
        script = with_spoken_forms(script)
        cast = resolve_cast(script, cast_path, engine, rate, config=options.config)
    return build_book(script, cast, options, progress=progress)
