"""What a build must write (audiobook.planning): pure decisions from the manifest."""

from __future__ import annotations

from audiobook.manifest import BookEntry, ChapterEntry, FileEntry, Manifest
from audiobook.model import BookInfo, BookOutput
from audiobook.planning import (
    PlannedChapter,
    chapter_entry,
    plan_book_output,
    plan_outputs,
    prune,
    records,
    writer_key,
)
from audiobook.writers.mp3 import Mp3Writer
from audiobook.writers.playlist import PlaylistWriter
from audiobook.writers.vtt import VttWriter

CHAPTER = PlannedChapter(1, "One", "01 - One", 10.0, "audio-key")
BOOK = BookInfo("Title", "Author", None, 1)


def built(chapter: PlannedChapter) -> Manifest:
    jobs = plan_outputs(Manifest(), chapter, [Mp3Writer(), VttWriter()], set())
    return Manifest({chapter.index: chapter_entry(chapter, jobs, {})})


def test_a_new_chapter_is_written() -> None:
    [mp3, vtt] = plan_outputs(Manifest(), CHAPTER, [Mp3Writer(), VttWriter()], set())
    assert (mp3.names, vtt.names) == (("01 - One.mp3",), ("01 - One.vtt",))
    assert not mp3.current
    assert not vtt.current


def test_an_unchanged_present_chapter_is_current() -> None:
    manifest = built(CHAPTER)
    jobs = plan_outputs(manifest, CHAPTER, [Mp3Writer()], {"01 - One.mp3"})
    assert [job.current for job in jobs] == [True]


def test_a_missing_file_is_written_again() -> None:
    jobs = plan_outputs(built(CHAPTER), CHAPTER, [Mp3Writer()], set())
    assert [job.current for job in jobs] == [False]


def test_changed_audio_or_writer_settings_rewrite() -> None:
    manifest = built(CHAPTER)
    changed = PlannedChapter(1, "One", "01 - One", 10.0, "other-audio")
    assert not plan_outputs(manifest, changed, [Mp3Writer()], {"01 - One.mp3"})[0].current
    assert not plan_outputs(manifest, CHAPTER, [Mp3Writer(96)], {"01 - One.mp3"})[0].current
    assert writer_key(Mp3Writer(), "k") != writer_key(Mp3Writer(96), "k")


def test_a_renamed_chapter_replaces_its_old_file() -> None:
    renamed = PlannedChapter(1, "Uno", "01 - Uno", 10.0, "audio-key")
    [job] = plan_outputs(built(CHAPTER), renamed, [Mp3Writer()], {"01 - One.mp3"})
    assert job.names == ("01 - Uno.mp3",)
    assert job.stale == ("01 - One.mp3",)


def test_prune_drops_chapters_beyond_the_book() -> None:
    one = ChapterEntry("One", "01", 1.0, "k", {"mp3": FileEntry("01.mp3", "f")})
    three = ChapterEntry("Three", "03", 1.0, "k", {"mp3": FileEntry("03.mp3", "f")})
    manifest = Manifest({1: one, 3: three}, {"m3u8": BookEntry(("B.m3u8",), "k")})
    kept, gone = prune(manifest, total_chapters=2)
    assert kept.chapters == {1: one}
    assert kept.book == manifest.book
    assert gone == ["03.mp3"]


def test_prune_never_deletes_a_name_still_in_use() -> None:
    one = ChapterEntry("One", "01", 1.0, "k", {"mp3": FileEntry("same.mp3", "f")})
    two = ChapterEntry("Two", "02", 1.0, "k", {"mp3": FileEntry("same.mp3", "f")})
    assert prune(Manifest({1: one, 2: two}), total_chapters=1)[1] == []


def test_records_list_only_present_files() -> None:
    manifest = built(CHAPTER)
    [record] = records(manifest, {"01 - One.mp3"})
    assert record.files == {"mp3": "01 - One.mp3"}


def test_a_playlist_is_rewritten_when_a_file_it_names_changes_name() -> None:
    writer = PlaylistWriter()
    chapters = tuple(records(built(CHAPTER), {"01 - One.mp3"}))
    before = BookOutput(BOOK, chapters, book_files={"m4b": ["Title.m4b"]})
    first = plan_book_output(None, writer, before, [], set())
    manifest = Manifest(book={"m3u8": BookEntry(first.names, first.key)})
    present = set(first.names)
    assert plan_book_output(manifest.book["m3u8"], writer, before, [], present).current
    after = BookOutput(BOOK, chapters, book_files={"m4b": ["Title - chapters 1.m4b"]})
    assert not plan_book_output(manifest.book["m3u8"], writer, after, [], present).current
    assert not plan_book_output(manifest.book["m3u8"], writer, before, [], set()).current
