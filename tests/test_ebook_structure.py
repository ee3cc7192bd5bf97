"""E-books into chapters and scripts (audiobook.ebook.structure, pipeline.ebook_to_script):
which entries are chapters, parts or sections, how headings are said, where notes and
pages go, and what `inspect` shows. EPUBs are built by the tests (tests/ebook_fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.ebook.model import BlockKind, Ebook, EbookBlock, EbookMetadata, EbookSection
from audiobook.ebook.structure import (
    chapter_number_and_title,
    division_of,
    ebook_chapters,
    numeral_value,
    spoken_title,
)
from audiobook.model import Division, ReadOptions, Script, SegmentKind
from audiobook.pipeline import ebook_to_script, load_script
from tests.conftest import run_cli
from tests.ebook_fixtures import (
    chapters_epub3,
    gutenberg_like_epub2,
    lighthouse_epub3,
    orchard_epub2,
    write_epub,
    xhtml,
)


def heading(text: str, level: int = 1) -> EbookBlock:
    return EbookBlock(BlockKind.HEADING, text, level)


def para(text: str) -> EbookBlock:
    return EbookBlock(BlockKind.PARAGRAPH, text)


def section(title: str, level: int, *blocks: EbookBlock) -> EbookSection:
    return EbookSection(title, level, blocks, "book.xhtml")


def words(count: int) -> EbookBlock:
    return para(" ".join(["word"] * count) + ".")


def book(*sections: EbookSection) -> Ebook:
    return Ebook(EbookMetadata(title="A Book"), sections)


def chapter_titles(ebook: Ebook) -> list[tuple[str, tuple[Division, ...]]]:
    return [(c.chapter.title, c.chapter.divisions) for c in ebook_chapters(ebook).chapters]


def spoken_headings(script: Script, index: int) -> list[tuple[int | None, str]]:
    chapter = script.chapters[index - 1]
    return [(s.level, s.text) for s in chapter.segments if s.kind == SegmentKind.HEADING]


def all_text(script: Script) -> str:
    return " ".join(s.text for c in script.chapters for s in c.segments)


# ---------------------------------------------------------------- headings said aloud


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("CHAPTER IV. The Pool of Tears", "Chapter Four. The Pool of Tears."),
        ("Chapter 12", "Chapter Twelve."),
        ("II", "Two."),
        ("IV. THE WEIR", "Four. The Weir."),
        ("Part I: The Old World", "Part One. The Old World."),
        ("BOOK THREE", "Book Three."),
        ("Ⅵ. Mutual Aid in the City", "Six. Mutual Aid in the City."),
        ("A Scandal in Bohemia", "A Scandal in Bohemia."),
        ("THE LAST CHAPTER", "The Last Chapter."),
    ],
)
def test_headings_are_said_as_a_listener_expects(printed: str, said: str) -> None:
    assert spoken_title(printed, sequence=frozenset({1, 2, 3, 4, 6})) == said


def test_a_single_letter_is_a_number_only_in_a_run_of_numerals() -> None:
    assert numeral_value("I", frozenset({1, 2})) == 1
    assert numeral_value("I", frozenset({1})) is None  # "I" alone: a letter (a dictionary's)
    assert numeral_value("C", frozenset({1, 2, 3})) is None
    assert numeral_value("V", frozenset({4, 5})) == 5
    assert numeral_value("XII") == 12
    assert spoken_title("C") == "C."
    assert spoken_title("I. The Mill", sequence=frozenset({1, 2})) == "One. The Mill."


def test_chapter_numbers_and_titles_are_taken_apart() -> None:
    assert chapter_number_and_title("CHAPTER I. Down the Hole") == ("I", "Down the Hole")
    assert chapter_number_and_title("XIV. The Sea") == ("XIV", "The Sea")
    assert chapter_number_and_title("Chapter 2") == ("2", "Chapter 2")
    assert chapter_number_and_title("Epilogue") == (None, "Epilogue")


def test_parts_are_labelled_as_the_text_half_labels_them() -> None:
    assert division_of("Part I: The Old World") == Division("PART I", "The Old World")
    assert division_of("BOOK TWO") == Division("BOOK TWO")
    assert division_of("The Fellowship") == Division("The Fellowship")


# ---------------------------------------------------------------- chapters from entries


def test_a_story_with_numbered_sections_is_one_chapter() -> None:
    ebook = book(
        section("The Red Door", 1, heading("The Red Door")),
        section("I", 2, heading("I", 2), words(900)),
        section("II", 2, heading("II", 2), words(900)),
        section("The Blue Door", 1, heading("The Blue Door"), words(500)),
    )
    found = ebook_chapters(ebook).chapters
    assert [c.chapter.title for c in found] == ["The Red Door", "The Blue Door"]
    levels = [(b.level, b.text) for b in found[0].blocks if b.text.endswith(".") and b.level]
    assert levels == [(1, "The Red Door."), (2, "One."), (2, "Two.")]


def test_parts_enclose_their_chapters_and_are_said_before_the_first() -> None:
    ebook = book(
        section("Part One", 1, heading("Part One")),
        section("Chapter 1", 2, heading("Chapter 1", 2), words(50)),
        section("Chapter 2", 2, heading("Chapter 2", 2), words(50)),
        section("Part Two: Home", 1, heading("Part Two: Home"), para("An epigraph.")),
        section("Chapter 3", 2, heading("Chapter 3", 2), words(50)),
    )
    found = ebook_chapters(ebook).chapters
    assert [(c.chapter.number, c.chapter.divisions) for c in found] == [
        ("1", (Division("PART ONE"),)),
        ("2", (Division("PART ONE"),)),
        ("3", (Division("PART TWO", "Home"),)),
    ]
    third = [(b.style.value, b.level, b.text) for b in found[2].blocks]
    assert third[:3] == [
        ("heading", 1, "Part Two. Home."),
        ("paragraph", 0, "An epigraph."),
        ("heading", 2, "Chapter Three."),
    ]


def test_a_flat_table_of_contents_still_has_its_parts() -> None:
    """Many converters list "PART II" beside its chapters, with nothing in it."""
    ebook = book(
        section("PART I", 1, heading("PART I")),
        section("The Mill", 1, heading("The Mill"), words(40)),
        section("PART II", 1, heading("PART II")),
        section("The Sea", 1, heading("The Sea"), words(40)),
    )
    assert chapter_titles(ebook) == [
        ("The Mill", (Division("PART I"),)),
        ("The Sea", (Division("PART II"),)),
    ]


def test_an_entry_too_long_for_one_file_is_split_into_its_entries() -> None:
    ebook = book(
        section("The Long Road", 1, heading("The Long Road")),
        section("Morning", 2, heading("Morning", 2), words(8000)),
        section("Evening", 2, heading("Evening", 2), words(8000)),
    )
    assert chapter_titles(ebook) == [
        ("Morning", (Division("The Long Road"),)),
        ("Evening", (Division("The Long Road"),)),
    ]


def test_headings_alone_before_the_first_chapter_are_the_title_page() -> None:
    ebook = book(
        section("The Quiet Book", 1, heading("The Quiet Book"), heading("by Nobody", 2)),
        section("Opening", 1, heading("Opening"), para("It began.")),
        section("THE END", 1, heading("THE END")),
    )
    found = ebook_chapters(ebook)
    assert [c.chapter.title for c in found.chapters] == ["Opening"]
    assert [(p.reason, p.text) for p in found.skipped] == [
        ("title-page", "The Quiet Book by Nobody")
    ]
    assert found.chapters[0].blocks[-1].text == "The End."  # kept: a listener hears the end


# ---------------------------------------------------------------- whole e-books


@pytest.fixture(scope="module")
def lighthouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_epub(tmp_path_factory.mktemp("epub") / "light.epub", lighthouse_epub3())


def test_an_epub3_becomes_a_script_with_its_metadata(lighthouse: Path) -> None:
    script = load_script(lighthouse)
    assert (script.title, script.author, script.language, script.year) == (
        "The Lighthouse Keeper",
        "Ada Quill and Ben Ink",
        "en",
        "1901",
    )
    assert [c.title for c in script.chapters] == [
        "Chapter One",
        "Chapter Two",
        "Chapter Three",
        "The Play Within",
    ]
    # a chapter over two files is one chapter; one file's two chapters are two
    first = [s.text for s in script.chapters[0].segments]
    assert "He climbed the stairs one by one." in first
    assert "Morning came." in first
    assert spoken_headings(script, 3) == [(1, "Chapter Three."), (2, "A Letter.")]
    text = all_text(script)
    for never_read in ("read aloud", "color", "Set in a type", "A map of the coast", "↩"):
        assert never_read not in text


def test_notes_follow_their_paragraph_and_pages_their_print_page(lighthouse: Path) -> None:
    script = load_script(lighthouse)
    segments = script.chapters[0].segments
    kinds = [(s.kind, s.text) for s in segments[1:3]]
    assert kinds == [
        (SegmentKind.NARRATION, "The lamp was lit at dusk by the R.N.L.I. keeper, as always."),
        (SegmentKind.NOTE, "Lit with paraffin."),
    ]
    pages = [(s.page, s.text) for c in script.chapters for s in c.segments if s.page]
    assert pages == [
        ("5", "He climbed the stairs one by one."),
        ("6", "The sea was grey."),
        ("9", "Dear keeper, we thank you."),
    ]


def test_notes_at_the_end_of_the_chapter_or_not_at_all(lighthouse: Path) -> None:
    at_end = load_script(lighthouse, ReadOptions(notes="end"))
    tail = [(s.kind, s.text) for s in at_end.chapters[1].segments[-2:]]
    assert tail == [(SegmentKind.HEADING, "Notes."), (SegmentKind.NOTE, "It was the Mary Ann.")]
    skipped = load_script(lighthouse, ReadOptions(notes="skip"))
    assert not [s for c in skipped.chapters for s in c.segments if s.kind == SegmentKind.NOTE]
    assert "It was the Mary Ann." in [r.text for r in skipped.removed]


def test_a_play_in_an_epub_gets_its_speakers(lighthouse: Path) -> None:
    script = load_script(lighthouse)
    play = script.chapters[3].segments
    assert [(s.speaker, s.kind, s.text) for s in play[1:]] == [
        ("Narrator", SegmentKind.DIRECTION, "Enter the Keeper."),
        ("Keeper", SegmentKind.SPEECH, "Who goes there?"),
        ("Sailor", SegmentKind.SPEECH, "A friend."),
    ]
    assert script.speakers == ("Narrator", "Keeper", "Sailor")


def test_directions_inside_a_speech_and_two_speakers_at_once(tmp_path: Path) -> None:
    persona = '<td epub:type="z3998:persona">{}</td>'
    direction = '<i epub:type="z3998:stage-direction">{}</i>'
    rows = [
        (persona.format("Keeper"), f"{direction.format('Aside.')} The lamp is out."),
        (persona.format("Keeper"), f"Light it again. {direction.format('Exit.')}"),
        (persona.format("Sailor<br/>Mate"), "Aye!"),
    ]
    table = "".join(f"<tr>{who}<td>{said}</td></tr>" for who, said in rows)
    body = xhtml(f"<section><h2>Act I</h2><table>{table}</table></section>")
    script = load_script(write_epub(tmp_path / "play.epub", chapters_epub3(body)))
    said = [(s.speaker, s.kind, s.text) for s in script.chapters[0].segments[1:]]
    assert said == [
        ("Narrator", SegmentKind.DIRECTION, "Aside."),
        ("Keeper", SegmentKind.SPEECH, "The lamp is out."),
        ("Keeper", SegmentKind.SPEECH, "Light it again."),
        ("Narrator", SegmentKind.DIRECTION, "Exit."),
        ("Sailor and Mate", SegmentKind.SPEECH, "Aye!"),
    ]


def test_an_epub2_with_parts_in_its_ncx(tmp_path: Path) -> None:
    script = load_script(write_epub(tmp_path / "orchard.epub", orchard_epub2()))
    assert (script.title, script.author, script.language, script.year) == (
        "The Orchard",
        "Dora Pip",
        "de",
        "1899",
    )
    assert [(c.number, c.divisions) for c in script.chapters] == [
        ("1", (Division("PART ONE"),)),
        ("2", (Division("PART ONE"),)),
    ]
    assert "Copyright 1899" not in all_text(script)


def test_a_gutenberg_epub_reads_no_licence_and_no_contents(tmp_path: Path) -> None:
    script = load_script(write_epub(tmp_path / "quiet.epub", gutenberg_like_epub2()))
    assert [(c.number, c.title) for c in script.chapters] == [
        ("I", "The Mill"),
        ("II", "The Weir"),
        ("III", "The Sea"),
    ]
    assert spoken_headings(script, 1) == [(1, "One. The Mill.")]
    text = all_text(script)
    assert "Gutenberg" not in text
    assert "General Terms" not in text
    assert "CONTENTS" not in text
    assert "[1]" not in text
    assert "Pg 7" not in text
    removed = {r.rule for r in script.removed}
    assert {"gutenberg-boilerplate", "gutenberg-licence"} <= removed


def test_ebook_script_uses_the_users_title_and_forced_layout(lighthouse: Path) -> None:
    from audiobook.ebook.epub import read_epub

    script = ebook_to_script(read_epub(lighthouse), title="Own Title", layout="etext")
    assert script.title == "Own Title"
    assert script.layout == "etext"
    assert "forced" in script.layout_reason


# ---------------------------------------------------------------- the command line


def test_inspect_shows_an_epubs_chapters_and_what_was_left_out(lighthouse: Path) -> None:
    shown = run_cli("inspect", str(lighthouse))
    assert shown.returncode == 0, shown.stderr
    assert "The Lighthouse Keeper — Ada Quill and Ben Ink" in shown.stdout
    assert "Chapter Three" in shown.stdout
    assert "Keeper" in shown.stdout
    removed = run_cli("inspect", "--removed", str(lighthouse))
    assert removed.returncode == 0, removed.stderr
    assert "colophon" in removed.stdout
    assert "OEBPS/colophon.xhtml" in removed.stdout
    assert "titlepage" in removed.stdout


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"just some bytes, not a zip", "not an EPUB (it is not a ZIP archive)"),
        (None, "not an EPUB (a ZIP archive without META-INF/container.xml)"),
    ],
)
def test_a_broken_epub_is_one_line_and_exit_2(
    tmp_path: Path, content: bytes | None, says: str
) -> None:
    path = tmp_path / "broken.epub"
    if content is None:
        write_epub(path, {"OEBPS/x.xhtml": "<p/>"}, container=False)
    else:
        path.write_bytes(content)
    result = run_cli("script", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {path}: {says}"]


def test_an_entry_named_as_the_book_over_all_others_is_no_part() -> None:
    """Converters often nest every chapter under one entry, the book's title."""
    ebook = book(
        section("A BOOK", 1, heading("A Book")),
        section("Chapter 1", 2, heading("Chapter 1", 2), words(50)),
        section("Chapter 2", 2, heading("Chapter 2", 2), words(50)),
    )
    found = ebook_chapters(ebook)
    assert [(c.chapter.number, c.chapter.divisions) for c in found.chapters] == [
        ("1", ()),
        ("2", ()),
    ]
    assert [p.reason for p in found.skipped] == ["title-page"]
    assert [(b.level, b.text) for b in found.chapters[0].blocks][:1] == [(1, "Chapter One.")]


def test_a_short_table_is_read_row_by_row_and_a_long_one_left_out_with_a_sentence() -> None:
    def row(text: str) -> EbookBlock:
        return EbookBlock(BlockKind.TABLE_ROW, text)

    short = [row("Night, Ships"), row("Monday, three"), row("Tuesday, none")]
    timetable = [row(f"{hour}:00, {hour}:40, {hour + 1}:15") for hour in range(6, 20)]
    ebook = book(
        section("Tides", 1, heading("Tides"), *short, para("Then the long one."), *timetable),
    )
    found = ebook_chapters(ebook)
    texts = [b.text for b in found.chapters[0].blocks]
    assert texts == [
        "Tides.",
        "Night, Ships",
        "Monday, three",
        "Tuesday, none",
        "Then the long one.",
        "A table of 14 rows is left out here.",
    ]
    [table] = found.skipped
    assert table.reason == "table"
    assert table.text.startswith("6:00, 6:40, 7:15")


def test_what_the_makers_added_is_left_out_and_listed() -> None:
    ebook = book(
        section(
            "Copyright", 1, heading("Copyright"), para("Copyright © 2001 Harbour Press."),
            para("All rights reserved. ISBN 0-00-000000-0"),
        ),
        section(
            "A Book", 1, EbookBlock(BlockKind.TABLE_ROW, "THERE IS AN ILLUSTRATED EDITION OF "
            "THIS TITLE WHICH MAY VIEWED AT EBOOK # 99999"),
        ),
        section("Contents", 1, heading("Contents"), para("Page"), heading("Part One", 2)),
        section("The Mill", 1, heading("The Mill"), words(200)),
        section("Transcriber's Notes", 1, heading("Transcriber's Notes"), para("Typos fixed.")),
    )  # fmt: skip
    found = ebook_chapters(ebook)
    assert [c.chapter.title for c in found.chapters] == ["The Mill"]
    assert [p.reason for p in found.skipped] == [
        "copyright-page",
        "gutenberg-notice",
        "toc",
        "transcriber-note",
    ]


def test_a_novel_whose_copyright_is_mentioned_in_a_chapter_keeps_it() -> None:
    text = para("He argued about copyright with the printer all night; no rights were kept.")
    assert chapter_titles(book(section("Rights", 1, heading("Rights"), text))) == [("Rights", ())]


def test_short_pieces_before_the_book_are_one_opening_chapter() -> None:
    ebook = book(
        section("Half Title", 1, heading("Half Title"), para("Published by nobody.")),
        section("Dedication", 1, heading("Dedication"), para("To my brother.")),
        section("The Mill", 1, heading("The Mill"), words(200)),
    )
    found = ebook_chapters(ebook).chapters
    assert [c.chapter.title for c in found] == ["Half Title", "The Mill"]
    assert [b.text for b in found[0].blocks] == [
        "Half Title.",
        "Published by nobody.",
        "Dedication.",
        "To my brother.",
    ]


def test_short_poems_stay_files_of_their_own() -> None:
    def poem(title: str) -> EbookSection:
        line = EbookBlock(BlockKind.VERSE_LINE, "The wind is in the wire tonight.")
        return section(title, 1, heading(title), line, line)

    assert len(ebook_chapters(book(poem("Wind"), poem("Rain"), section(
        "Notes", 1, heading("Notes"), words(100)))).chapters) == 3  # fmt: skip


@pytest.mark.parametrize(
    ("printed", "said", "division"),
    [
        ("Book the First. Recalled to Life", "Book The First. Recalled to Life.",
         Division("BOOK THE FIRST", "Recalled to Life")),
        ("Part the Second", "Part The Second.", Division("PART THE SECOND")),
    ],
)  # fmt: skip
def test_a_part_numbered_by_an_ordinal(printed: str, said: str, division: Division) -> None:
    assert spoken_title(printed) == said
    assert division_of(printed) == division


def test_scenes_are_said_as_the_text_half_says_them() -> None:
    assert spoken_title("Scene II. A street.") == "Scene Two. A street."
    assert spoken_title("SCENE III") == "Scene Three."


def test_a_notes_printed_label_is_not_read() -> None:
    cited = EbookBlock(BlockKind.PARAGRAPH, "The wheel turned.", note_refs=("n1",))
    notes = [
        EbookBlock(BlockKind.NOTE, "[1] An overshot wheel.", note_id="n1"),
        EbookBlock(BlockKind.NOTE, "* Built in 1801.", note_id="n2"),
        EbookBlock(BlockKind.NOTE, "1914 was the year it stopped.", note_id="n3"),
    ]
    found = ebook_chapters(book(section("Mill", 1, heading("Mill"), cited, *notes))).chapters
    assert found[0].blocks[1].notes == [
        "An overshot wheel.",
        "Built in 1801.",
        "1914 was the year it stopped.",
    ]


def test_a_heading_over_nothing_is_not_read_and_is_listed() -> None:
    """An endnotes chapter whose notes all went to the paragraphs citing them."""
    ebook = book(
        section(
            "Notes on the Poems", 1, heading("Notes on the Poems"), para("Some notes stay."),
            heading("The Burial", 2), heading("A Game", 2), heading("The Sermon", 2),
            para("This one kept a note."),
        ),
    )  # fmt: skip
    found = ebook_chapters(ebook)
    assert [b.text for b in found.chapters[0].blocks] == [
        "Notes on the Poems.",
        "Some notes stay.",
        "The Sermon.",
        "This one kept a note.",
    ]
    assert [(p.reason, p.text) for p in found.skipped] == [
        ("empty-heading", "The Burial"),
        ("empty-heading", "A Game"),
    ]


def test_an_epub_of_pictures_says_it_has_no_text(tmp_path: Path) -> None:
    body = xhtml('<div><img src="page1.png" alt=""/></div>')
    path = write_epub(tmp_path / "comic.epub", chapters_epub3(body))
    result = run_cli("inspect", str(path))
    assert result.returncode == 2
    assert result.stderr.endswith(
        f"error: {path}: no text to read aloud in this EPUB (pages that are pictures, as in "
        "fixed-layout books and comics, have none)\n"
    )


def test_a_truncated_epub_is_called_damaged(tmp_path: Path) -> None:
    whole = write_epub(tmp_path / "whole.epub", lighthouse_epub3()).read_bytes()
    path = tmp_path / "cut.epub"
    path.write_bytes(whole[: len(whole) // 2])
    result = run_cli("script", str(path))
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {path}: not an EPUB (it is a damaged ZIP archive: cut short or corrupted)\n"
    )
