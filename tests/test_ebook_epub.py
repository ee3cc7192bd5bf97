"""Issue 12: reading EPUB 2 and 3 into sections of plain blocks (audiobook.ebook).

Every EPUB here is written by the tests from our own text (tests/ebook_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.ebook.epub import read_epub
from audiobook.ebook.model import BlockKind, Ebook, EbookBlock
from audiobook.ebook.xhtml import page_label
from audiobook.errors import UserError
from tests.ebook_fixtures import (
    ENCRYPTED_CHAPTER,
    FONT_OBFUSCATION,
    JPEG_COVER,
    PNG_COVER,
    chapters_epub3,
    gutenberg_like_epub2,
    lighthouse_epub3,
    orchard_epub2,
    write_epub,
    xhtml,
)

H, P, N = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.NOTE
PAGE, VERSE = BlockKind.PAGE_BREAK, BlockKind.VERSE_LINE


def outline(book: Ebook) -> list[tuple[int, str, str, str | None]]:
    """(level, title, source, fragment) of every section."""
    return [(s.level, s.title, s.source, s.fragment) for s in book.sections]


def rows(blocks: tuple[EbookBlock, ...] | list[EbookBlock]) -> list[tuple]:
    """Each block as (kind, text), with what else it carries when it carries something."""
    out: list[tuple] = []
    for b in blocks:
        extra = tuple(
            x for x in (b.page, b.note_id, b.note_refs or None, b.speaker) if x is not None
        )
        out.append((b.kind, b.text, *extra))
    return out


def read_files(tmp_path: Path, files: dict, **kwargs) -> Ebook:
    return read_epub(write_epub(tmp_path / "book.epub", files), **kwargs)


@pytest.fixture
def lighthouse(tmp_path: Path) -> Ebook:
    return read_files(tmp_path, lighthouse_epub3())


# ---------------------------------------------------------------- EPUB 3 with a nav


def test_epub3_sections_follow_the_nav_and_its_levels(lighthouse: Ebook) -> None:
    assert outline(lighthouse) == [
        (1, "Chapter One", "OEBPS/ch1a.xhtml", None),
        (1, "Chapter Two", "OEBPS/ch2-3.xhtml", "ch2"),
        (1, "Chapter Three", "OEBPS/ch2-3.xhtml", "ch3"),
        (2, "A Letter", "OEBPS/ch2-3.xhtml", "letter"),
        (1, "The Play Within", "OEBPS/play.xhtml", None),
    ]


def test_a_chapter_over_two_files_is_one_section(lighthouse: Ebook) -> None:
    chapter_one = lighthouse.sections[0]
    assert rows(chapter_one.blocks) == [
        (H, "Chapter One"),
        (
            P,
            "The lamp was lit at dusk by the R.N.L.I. keeper, as always.",
            ("OEBPS/notes.xhtml#n1",),
        ),
        (N, "Lit with paraffin.", "OEBPS/notes.xhtml#n1"),
        (PAGE, "", "5"),
        (P, "He climbed the stairs one by one."),
        (PAGE, "", "6"),
        (P, "The sea was grey."),
        # ch1b.xhtml, which the nav does not name, continues chapter one:
        (P, "The storm went on all night."),
        (VERSE, "O light upon the rock,"),
        (VERSE, "keep the ships from harm."),
        (BlockKind.CAPTION, "The tower in winter."),
        (BlockKind.TABLE_ROW, "Night, Ships"),
        (BlockKind.TABLE_ROW, "Monday, 3"),
        (BlockKind.SCENE_BREAK, ""),
        (P, "Morning came."),
    ]
    assert chapter_one.blocks[0].level == 1


def test_two_chapters_in_one_file_are_split_at_their_anchors(lighthouse: Ebook) -> None:
    two, three, letter = lighthouse.sections[1:4]
    assert rows(two.blocks) == [
        (H, "Chapter Two"),
        (P, "A boat came in.", ("OEBPS/ch2-3.xhtml#fn2",)),
        (N, "It was the Mary Ann.", "OEBPS/ch2-3.xhtml#fn2"),
        (P, "Nobody spoke."),
    ]
    assert rows(three.blocks) == [
        (H, "Chapter Three"),
        (P, "Winter passed."),
        (BlockKind.QUOTE, "Keep the light, whatever comes."),
    ]
    assert rows(letter.blocks) == [
        (H, "A Letter"),
        (PAGE, "", "9"),
        (P, "Dear keeper, we thank you."),
    ]
    assert [b.level for b in (two.blocks[0], letter.blocks[0])] == [2, 3]


def test_a_plays_table_gives_speakers_and_directions(lighthouse: Ebook) -> None:
    assert rows(lighthouse.sections[4].blocks) == [
        (H, "The Play Within"),
        (P, "[Enter the Keeper.]"),  # a stage direction, bracketed as plays print them
        (P, "Who goes there?", "Keeper"),
        (P, "A friend.", "Sailor"),
    ]


def test_epub3_metadata_and_cover(lighthouse: Ebook) -> None:
    metadata = lighthouse.metadata
    assert metadata.title == "The Lighthouse Keeper"
    assert metadata.authors == ("Ada Quill", "Ben Ink")  # the editor is not an author
    assert (metadata.language, metadata.publisher, metadata.date) == (
        "en-GB",
        "Harbour Press",
        "1901-03-04",
    )
    assert metadata.identifier == "urn:uuid:0c0ffee0-0000-4000-8000-000000000001"
    assert metadata.cover is not None
    assert (metadata.cover.data, metadata.cover.media_type, metadata.cover.path) == (
        PNG_COVER,
        "image/png",
        "OEBPS/images/cover.png",
    )


def test_front_and_back_matter_are_listed_not_read(lighthouse: Ebook) -> None:
    assert [(s.source, s.reason, s.text, s.words) for s in lighthouse.skipped] == [
        ("OEBPS/cover.xhtml", "cover", "", 0),
        (
            "OEBPS/title.xhtml#titlepage",
            "titlepage",
            "The Lighthouse Keeper by Ada Quill and Ben Ink",
            9,
        ),
        ("OEBPS/map.xhtml", "linear-no", "A map of the coast, for looking at.", 8),
        ("OEBPS/colophon.xhtml", "colophon", "Set in a type of our own.", 7),
        (
            "OEBPS/notes.xhtml",
            "notes-moved",
            "Notes: 1 note, read after the paragraphs that cite them",
            0,
        ),
    ]
    spoken = " ".join(b.text for b in lighthouse.blocks())
    for never_read in ("by Ada Quill", "map of the coast", "type of our own", "never", "red", "↩"):
        assert never_read not in spoken
    assert lighthouse.warnings == ()


# ---------------------------------------------------------------- EPUB 2 with an NCX


def test_epub2_sections_metadata_and_cover_from_the_ncx_and_opf(tmp_path: Path) -> None:
    book = read_files(tmp_path, orchard_epub2())
    assert outline(book) == [
        (1, "Part One", "OEBPS/part1.html", None),
        (2, "Chapter 1: Blossom", "OEBPS/c1.html", None),
        (2, "Chapter 2", "OEBPS/c2.html", None),
    ]
    assert rows(book.blocks()) == [
        (H, "Part One"),
        (H, "Blossom"),
        (P, "The trees were white."),
        (H, "Fruit"),
        (P, "The apples fell."),
    ]
    metadata = book.metadata
    assert (metadata.title, metadata.authors, metadata.language) == (
        "The Orchard",
        ("Dora Pip",),
        "de",
    )
    assert (metadata.publisher, metadata.date, metadata.identifier) == (
        "Apfel Verlag",
        "1899",  # the publication date, not the modification date
        "9780000000019",
    )
    assert metadata.cover is not None
    assert (metadata.cover.data, metadata.cover.media_type) == (JPEG_COVER, "image/jpeg")
    # The copyright page is marked only in the EPUB 2 guide.
    assert [(s.source, s.reason, s.words) for s in book.skipped] == [
        ("OEBPS/copy.html", "copyright-page", 6)
    ]
    assert book.warnings == ()


def test_a_free_library_epub2_loses_its_boilerplate_and_keeps_notes_and_pages(
    tmp_path: Path,
) -> None:
    book = read_files(tmp_path, gutenberg_like_epub2())
    assert outline(book) == [
        (1, "QUIET WATERS", "OEBPS/book.html", None),
        (1, "I. The Mill", "OEBPS/book.html", "c1"),
        (1, "II. The Weir", "OEBPS/book.html", "c2"),
        (1, "III. The Sea", "OEBPS/book.html", "c3"),
    ]
    assert rows(book.sections[1].blocks) == [
        (H, "I. THE MILL"),
        (PAGE, "", "7"),
        (P, "The wheel turned slowly. It never stopped.", ("OEBPS/book.html#Footnote_1",)),
        (N, "An overshot wheel.", "OEBPS/book.html#Footnote_1"),
    ]
    assert [(s.reason, s.words) for s in book.skipped] == [
        ("gutenberg-boilerplate", 16),
        ("gutenberg-licence", 21),
        ("toc-links", 10),
    ]
    spoken = " ".join(b.text for b in book.blocks())
    assert [word for word in ("Gutenberg", "CONTENTS", "[1]") if word in spoken] == []


# ---------------------------------------------------------------- no nav, no NCX


def test_without_nav_or_ncx_headings_give_the_sections(tmp_path: Path) -> None:
    body = xhtml(
        "<h1>The Book</h1><p>Opening words.</p>"
        "<h2>First</h2><h3>In which we begin</h3><p>One.</p>"
        "<h2>Second</h2><p>Two.</p><h3>An Aside</h3><p>Three.</p>"
    )
    book = read_files(tmp_path, chapters_epub3(body))
    assert [(s.level, s.title) for s in book.sections] == [
        (1, "The Book"),
        (2, "First. In which we begin"),
        (2, "Second"),
        (3, "An Aside"),
    ]
    assert rows(book.sections[1].blocks) == [
        (H, "First"),
        (H, "In which we begin"),
        (P, "One."),
    ]
    assert book.warnings == (
        "OEBPS/content.opf: no table of contents (nav or NCX); chapters found from headings",
    )


def test_a_nav_naming_one_chapter_gives_way_to_the_headings(tmp_path: Path) -> None:
    body = xhtml("<h1>Alpha</h1><p>a</p><h1>Beta</h1><p>b</p><h1>Gamma</h1><p>c</p>")
    book = read_files(
        tmp_path, chapters_epub3(body, nav_entries='<li><a href="ch.xhtml">Start</a></li>')
    )
    assert [s.title for s in book.sections] == ["Alpha", "Beta", "Gamma"]
    assert book.warnings == (
        "OEBPS/content.opf: table of contents lists fewer than two chapters; "
        "chapters found from headings",
    )


def test_a_nav_entry_at_a_missing_id_starts_at_its_document(tmp_path: Path) -> None:
    entries = (
        '<li><a href="ch.xhtml">One</a></li>'
        '<li><a href="ch2.xhtml#gone">Two</a></li>'
        '<li><a href="elsewhere.xhtml">Nowhere</a></li>'
    )
    book = read_files(
        tmp_path,
        chapters_epub3(xhtml("<p>First.</p>"), xhtml("<p>Second.</p>"), nav_entries=entries),
    )
    assert [(s.title, [b.text for b in s.blocks]) for s in book.sections] == [
        ("One", ["First."]),
        ("Two", ["Second."]),
    ]
    assert book.warnings == (
        "OEBPS/ch2.xhtml#gone: table of contents points at an id that is not there; "
        "used the document start",
        "OEBPS/elsewhere.xhtml: table of contents points at a document that is not in the spine",
    )


# ---------------------------------------------------------------- messy markup


def test_broken_xhtml_is_read_tolerantly_with_one_warning(tmp_path: Path) -> None:
    broken = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>'
        "<h1>Broken</h1><p>Unclosed&nbsp;paragraph with &mdash; an entity"
        "<p>Second <b>bold <i>crossed</b> tags</i>.<br>"
        "</body></html>"
    )
    files = chapters_epub3(broken, broken.replace("Broken", "Also broken"))
    book = read_files(tmp_path, files)
    assert rows(book.blocks()[:3]) == [
        (H, "Broken"),
        (P, "Unclosed paragraph with — an entity"),
        (P, "Second bold crossed tags."),
    ]
    assert [s.title for s in book.sections] == ["Broken", "Also broken"]
    assert book.warnings[0] == (
        "OEBPS/ch.xhtml: not well-formed XHTML, read with a tolerant HTML parser (and 1 more)"
    )


@pytest.mark.parametrize(
    ("declared", "codec"), [("windows-1252", "cp1252"), ("ISO-8859-1", "latin-1")]
)
def test_a_declared_legacy_encoding_is_honoured(tmp_path: Path, declared: str, codec: str) -> None:
    text = "<h1>Café</h1><p>Naïve façade, «quoted» ±5°.</p>"
    if codec == "cp1252":
        text += "<p>“Curly” – dashes…</p>"
    document = xhtml(text).replace('encoding="utf-8"', f'encoding="{declared}"').encode(codec)
    book = read_files(tmp_path, chapters_epub3(document))
    expected = ["Café", "Naïve façade, «quoted» ±5°."] + (
        ["“Curly” – dashes…"] if codec == "cp1252" else []
    )
    assert [b.text for b in book.blocks()] == expected
    assert book.warnings[0].startswith("OEBPS/content.opf: no table of contents")
    assert len(book.warnings) == 1


def test_a_wrongly_declared_encoding_is_guessed_with_a_warning(tmp_path: Path) -> None:
    document = xhtml("<p>Déjà vu &nbsp; again.</p>").encode("cp1252")  # says utf-8
    book = read_files(tmp_path, chapters_epub3(document))
    assert [b.text for b in book.blocks()] == ["Déjà vu again."]
    assert any("encoding missing or wrong" in w for w in book.warnings)


@pytest.mark.parametrize(
    ("markup", "label"),
    [
        ('<span epub:type="pagebreak" title="xiv"/>', "xiv"),
        ('<span role="doc-pagebreak" aria-label="Page 12"/>', "12"),
        ('<span epub:type="pagebreak">33</span>', "33"),
        ('<span epub:type="pagebreak" id="page-41"/>', "41"),
        ('<span class="pagenum"><a id="Page_7">[Pg 7]</a></span>', "7"),
    ],
)
def test_page_break_labels(markup: str, label: str) -> None:
    from lxml import etree

    element = etree.fromstring(
        f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"{markup}</div>"
    )[0]
    assert page_label(element) == label


# ---------------------------------------------------------------- refused


def test_drm_is_refused_with_one_line(tmp_path: Path) -> None:
    files = lighthouse_epub3()
    files["META-INF/encryption.xml"] = ENCRYPTED_CHAPTER
    path = write_epub(tmp_path / "locked.epub", files)
    with pytest.raises(UserError) as error:
        read_epub(path)
    assert str(error.value) == (
        f"{path}: this EPUB is protected by DRM (1 encrypted file); audiobook cannot read it"
    )


def test_adobe_rights_file_is_drm(tmp_path: Path) -> None:
    files = lighthouse_epub3()
    files["META-INF/rights.xml"] = "<rights/>"
    with pytest.raises(UserError, match=r"protected by DRM \(Adobe ADEPT\)"):
        read_files(tmp_path, files)


def test_font_obfuscation_is_not_drm(tmp_path: Path) -> None:
    files = lighthouse_epub3()
    files["META-INF/encryption.xml"] = FONT_OBFUSCATION
    files["OEBPS/fonts/serif.otf"] = b"scrambled font bytes"
    assert len(read_files(tmp_path, files).sections) == 5


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_text("Just some text, not an EPUB.")
    with pytest.raises(UserError) as error:
        read_epub(path)
    assert str(error.value) == f"{path}: not an EPUB (it is not a ZIP archive)"


def test_a_zip_without_a_package_document_is_refused(tmp_path: Path) -> None:
    path = write_epub(
        tmp_path / "book.epub", {"OEBPS/ch.xhtml": xhtml("<p>x</p>")}, container=False
    )
    with pytest.raises(UserError) as error:
        read_epub(path)
    assert str(error.value) == (
        f"{path}: not an EPUB (a ZIP archive without META-INF/container.xml)"
    )


def test_a_container_naming_a_missing_package_is_refused(tmp_path: Path) -> None:
    path = write_epub(tmp_path / "book.epub", {"OEBPS/ch.xhtml": xhtml("<p>x</p>")})
    with pytest.raises(UserError, match=r"package document OEBPS/content.opf.*is missing"):
        read_epub(path)


def test_a_book_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    long_text = "<p>" + "All work and no play. " * 2000 + "</p>"  # 44 kB, compresses to little
    files = chapters_epub3(xhtml(long_text))
    with pytest.raises(UserError, match=r"books up to 0\.0 MB are read \(split it into books\)"):
        read_files(tmp_path, files, max_bytes=10_000)
    assert len(read_files(tmp_path, files, max_bytes=100_000).blocks()) == 1
