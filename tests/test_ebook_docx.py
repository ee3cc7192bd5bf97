"""Reading Word .docx files into sections of plain blocks (audiobook.ebook.docx).

Every document here is written by the tests with python-docx from our own text; what
python-docx cannot write (footnotes, tracked changes, text boxes, fields) is added as raw
WordprocessingML, and footnotes.xml as a part of the package (`add_notes`)."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from audiobook.ebook.docx import read_docx
from audiobook.ebook.model import BlockKind, Ebook, EbookBlock
from audiobook.errors import UserError

H, P, N = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.NOTE
Q, LI, ROW = BlockKind.QUOTE, BlockKind.LIST_ITEM, BlockKind.TABLE_ROW
ASIDE, SCENE = BlockKind.ASIDE, BlockKind.SCENE_BREAK

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'
V = 'xmlns:v="urn:schemas-microsoft-com:vml"'
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
ENDNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# ---------------------------------------------------------------- helpers


def rows(blocks: tuple[EbookBlock, ...] | list[EbookBlock]) -> list[tuple]:
    """Each block as (kind, text), with its level, note id and note references if any."""
    out: list[tuple] = []
    for b in blocks:
        extra = tuple(x for x in (b.level or None, b.note_id, b.note_refs or None) if x)
        out.append((b.kind, b.text, *extra))
    return out


def outline(book: Ebook) -> list[tuple[int, str]]:
    return [(s.level, s.title) for s in book.sections]


def new_document() -> Document:
    """A document from python-docx's template, its made-up core properties cleared."""
    document = docx.Document()
    core = document.core_properties
    core.author = ""
    core.last_modified_by = ""
    return document


def save(document: Document, tmp_path: Path, name: str = "book.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def add_xml(paragraph: Paragraph, xml: str) -> None:
    """Raw WordprocessingML (runs, insertions …) at the end of a paragraph."""
    paragraph._p.append(parse_xml(xml))


def run(text: str) -> str:
    return f'<w:r {W}><w:t xml:space="preserve">{text}</w:t></w:r>'


def note_ref(kind: str, number: int) -> str:
    return f'<w:r {W}><w:{kind}Reference w:id="{number}"/></w:r>'


def set_property(paragraph_or_style_element, name: str, value: str) -> None:
    """<w:name w:val="value"/> in the paragraph's (or style's) paragraph properties."""
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), value)
    paragraph_or_style_element.get_or_add_pPr().append(element)


def notes_xml(kind: str, notes: dict[int, str]) -> str:
    """footnotes.xml (or endnotes.xml) as Word writes it: two separators, then the notes,
    each opening with its own reference mark."""
    separators = "".join(
        f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:{t}/></w:r></w:p></w:{kind}>'
        for i, t in ((-1, "separator"), (0, "continuationSeparator"))
    )
    body = "".join(
        f'<w:{kind} w:id="{number}"><w:p><w:r><w:{kind}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'
        for number, text in notes.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{kind}s {W}>{separators}{body}</w:{kind}s>'


def add_notes(
    path: Path, footnotes: dict[int, str] | None = None, endnotes: dict[int, str] | None = None
) -> Path:
    """The package at `path` with footnotes.xml and endnotes.xml added, as Word relates
    them: a relationship from the document and a content type for each."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    rels_name = "word/_rels/document.xml.rels"
    rels = files[rels_name].decode()
    types = files["[Content_Types].xml"].decode()
    for kind, notes, content_type in (
        ("footnote", footnotes, FOOTNOTES_TYPE),
        ("endnote", endnotes, ENDNOTES_TYPE),
    ):
        if notes is None:
            continue
        files[f"word/{kind}s.xml"] = notes_xml(kind, notes).encode()
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdAudiobook{kind}" Type="{RELS}/{kind}s" '
            f'Target="{kind}s.xml"/></Relationships>',
        )
        types = types.replace(
            "</Types>",
            f'<Override PartName="/word/{kind}s.xml" ContentType="{content_type}"/></Types>',
        )
    files[rels_name] = rels.encode()
    files["[Content_Types].xml"] = types.encode()
    return rewrite(path, files)


def rewrite(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def error_of(path: Path, **kwargs) -> str:
    with pytest.raises(UserError) as caught:
        read_docx(path, **kwargs)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message[len(f"{path}: ") :]


# ---------------------------------------------------------------- structure


@pytest.fixture
def harbour(tmp_path: Path) -> Ebook:
    """Headings at three levels, a heading in a style of our own based on Heading 2, a
    title and subtitle, quotations, lists, a table and a scene break."""
    document = new_document()
    chapter_style = document.styles.add_style("Chapitre", WD_STYLE_TYPE.PARAGRAPH)
    chapter_style.base_style = document.styles["Heading 2"]
    document.add_heading("The Harbour", 0)  # Title
    document.add_paragraph("Notes from a small port", style="Subtitle")
    document.add_paragraph("Kept in the harbour office.")
    document.add_heading("Morning", 1)
    document.add_paragraph("The boats went out before dawn.")
    document.add_paragraph("")
    document.add_paragraph("Mend the nets while the tide is low.", style="Quote")
    document.add_paragraph("* * *")
    document.add_paragraph("Gulls followed them.")
    document.add_heading("The Catch", 2)
    document.add_paragraph("Herring", style="List Bullet")
    document.add_paragraph("Mackerel", style="List Bullet")
    numbered = document.add_paragraph("Crabs, by hand")  # Normal, numbered of its own
    numbered._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    )
    document.add_heading("Prices", 3)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Fish", "", "Price"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("Herring", "", "Two pence"), strict=True):
        cell.text = text
    document.add_paragraph("Chapter by our own style", style="Chapitre")
    document.add_paragraph("Read as a second-level heading.")
    document.add_heading("Evening", 1)
    document.add_paragraph("#")
    document.add_paragraph("The lamps were lit.", style="Intense Quote")
    return read_docx(save(document, tmp_path))


def test_sections_begin_at_headings_with_their_levels(harbour: Ebook) -> None:
    """The title, printed once above the chapters, is a section of its own at the top."""
    assert outline(harbour) == [
        (1, "The Harbour"),
        (2, "Notes from a small port"),
        (1, "Morning"),
        (2, "The Catch"),
        (3, "Prices"),
        (2, "Chapter by our own style"),
        (1, "Evening"),
    ]


def test_each_paragraph_style_gives_its_kind(harbour: Ebook) -> None:
    assert rows(harbour.blocks()) == [
        (H, "The Harbour"),  # rank 0: above Heading 1
        (H, "Notes from a small port", 2),
        (P, "Kept in the harbour office."),
        (H, "Morning", 1),
        (P, "The boats went out before dawn."),
        (Q, "Mend the nets while the tide is low."),
        (SCENE, ""),
        (P, "Gulls followed them."),
        (H, "The Catch", 2),
        (LI, "Herring"),
        (LI, "Mackerel"),
        (LI, "Crabs, by hand"),
        (H, "Prices", 3),
        (ROW, "Fish, Price"),
        (ROW, "Herring, Two pence"),
        (H, "Chapter by our own style", 2),
        (P, "Read as a second-level heading."),
        (H, "Evening", 1),
        (SCENE, ""),
        (Q, "The lamps were lit."),
    ]


# A paragraph's text and style, and the kind it is read as.
ORNAMENTS = [
    ("* * *", "Normal", SCENE),
    ("***", "Normal", SCENE),
    ("#", "Normal", SCENE),
    ("⁂", "Normal", SCENE),
    ("~ ~ ~", "Quote", SCENE),
    ("* * *", "Heading 2", SCENE),  # a pause, even styled as a heading: no chapter "* * *"
    ("1", "Normal", P),
    ("—Anna", "Normal", P),
]


@pytest.mark.parametrize(("text", "style", "kind"), ORNAMENTS)
def test_an_ornament_alone_is_a_scene_break(
    tmp_path: Path, text: str, style: str, kind: BlockKind
) -> None:
    document = new_document()
    document.add_paragraph("Before.")
    document.add_paragraph(text, style=style)
    document.add_paragraph("After.")
    blocks = read_docx(save(document, tmp_path)).blocks()
    assert [(b.kind, b.text) for b in blocks] == [
        (P, "Before."),
        (kind, "" if kind == SCENE else text),
        (P, "After."),
    ]


def test_the_title_paragraph_is_the_title_when_the_properties_have_none(harbour: Ebook) -> None:
    assert harbour.metadata.title == "The Harbour"
    assert harbour.warnings == ()


def test_a_style_with_an_outline_level_is_a_heading_whatever_its_name(tmp_path: Path) -> None:
    """Word in another language, or a template of its own, names heading styles as it
    likes; the outline level says what they are."""
    document = new_document()
    style = document.styles.add_style("Überschrift Kapitel", WD_STYLE_TYPE.PARAGRAPH)
    set_property(style.element, "outlineLvl", "0")
    section = document.styles.add_style("Unterkapitel", WD_STYLE_TYPE.PARAGRAPH)
    section.base_style = style
    set_property(section.element, "outlineLvl", "1")
    document.add_paragraph("Erstes Kapitel", style="Überschrift Kapitel")
    document.add_paragraph("Der Hafen lag still.")
    document.add_paragraph("Am Kai", style="Unterkapitel")
    document.add_paragraph("Ein Boot kam an.")
    own = document.add_paragraph("Zweites Kapitel")  # Normal, with an outline level of its own
    set_property(own._p, "outlineLvl", "0")
    document.add_paragraph("Es wurde Abend.")
    book = read_docx(save(document, tmp_path))
    assert outline(book) == [(1, "Erstes Kapitel"), (2, "Am Kai"), (1, "Zweites Kapitel")]


def test_a_long_paragraph_with_a_headings_outline_level_is_body_text(tmp_path: Path) -> None:
    """Regression (Apache POI's bug65649.docx, a contract): numbered clauses carried an
    outline level of their own and became 300-character chapter titles."""
    document = new_document()
    document.add_heading("Terms", 1)
    clause = document.add_paragraph(
        "8.1. The carrier shall deliver the goods to the harbour master within ten days of "
        "the signing of this agreement, in good order and at its own risk and cost."
    )
    set_property(clause._p, "outlineLvl", "1")
    short = document.add_paragraph("8.2. Payment")
    set_property(short._p, "outlineLvl", "1")
    document.add_paragraph("Payment is due on delivery.")
    book = read_docx(save(document, tmp_path))
    assert [b.kind for b in book.blocks()] == [H, P, H, P]


def test_tables_of_contents_are_left_out_and_listed(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("Contents", style="TOC Heading")
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)  # Word's own name
    document.add_paragraph("Morning\t1", style="toc 1")
    document.add_paragraph("Evening\t7", style="toc 1")
    document.add_heading("Morning", 1)
    document.add_paragraph("The boats went out.")
    book = read_docx(save(document, tmp_path))
    assert rows(book.blocks()) == [(H, "Morning", 1), (P, "The boats went out.")]
    assert [(s.reason, s.text, s.words) for s in book.skipped] == [
        ("toc", "Contents Morning 1 Evening 7", 5)
    ]
    assert book.skipped[0].source == "word/document.xml"


# ---------------------------------------------------------------- notes


def test_footnotes_and_endnotes_follow_the_paragraph_citing_them(tmp_path: Path) -> None:
    document = new_document()
    document.add_heading("Morning", 1)
    first = document.add_paragraph("The boats went out")
    add_xml(first, note_ref("footnote", 1))
    add_xml(first, run(" before dawn."))
    document.add_paragraph("Nobody spoke.")
    second = document.add_paragraph("The catch was good.")
    add_xml(second, note_ref("endnote", 1))
    add_xml(second, note_ref("footnote", 2))
    path = add_notes(
        save(document, tmp_path),
        footnotes={1: "Four of them.", 2: "Herring, mostly.", 3: "A note nothing cites."},
        endnotes={1: "As the harbour book records."},
    )
    book = read_docx(path)
    assert rows(book.blocks()) == [
        (H, "Morning", 1),
        (P, "The boats went out before dawn.", ("footnote-1",)),
        (N, "Four of them.", "footnote-1"),
        (P, "Nobody spoke."),
        (P, "The catch was good.", ("endnote-1", "footnote-2")),
        (N, "As the harbour book records.", "endnote-1"),
        (N, "Herring, mostly.", "footnote-2"),
    ]
    assert [(s.reason, s.text) for s in book.skipped] == [("uncited-note", "A note nothing cites.")]


def test_a_note_cited_where_there_is_no_text_goes_with_the_next_text(tmp_path: Path) -> None:
    """A reference beside a picture, in a paragraph of no words (Apache POI's
    form_footnotes.docx): the note is still read, after the next paragraph."""
    document = new_document()
    add_xml(document.add_paragraph(), note_ref("footnote", 1))
    document.add_paragraph("The form begins here.")
    book = read_docx(add_notes(save(document, tmp_path), footnotes={1: "Printed in 1907."}))
    assert rows(book.blocks()) == [
        (P, "The form begins here.", ("footnote-1",)),
        (N, "Printed in 1907.", "footnote-1"),
    ]


# ---------------------------------------------------------------- text


def test_text_is_read_as_word_shows_it(tmp_path: Path) -> None:
    """Tabs and line breaks are spaces, a page break is no print page, invisible characters
    go; field codes, hidden text and deleted revisions are not read, insertions are."""
    document = new_document()
    paragraph = document.add_paragraph("Name:\tAnna")
    paragraph.add_run().add_break()  # a line break
    paragraph.add_run("Port of call: Leith")
    document.add_paragraph("Before the break")
    add_xml(document.paragraphs[-1], f'<w:r {W}><w:br w:type="page"/></w:r>')
    add_xml(document.paragraphs[-1], run("and after it."))
    document.add_paragraph("sea\u00adfaring and\u200b shore")
    fields = document.add_paragraph("Sailed on ")
    add_xml(fields, f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>')
    add_xml(fields, f'<w:r {W}><w:instrText> DATE \\@ "d MMMM" </w:instrText></w:r>')
    add_xml(fields, f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>')
    add_xml(fields, run("4 May"))
    add_xml(fields, f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>')
    add_xml(fields, run(", see "))
    add_xml(
        fields,
        f'<w:hyperlink {W} w:anchor="log">{run("the log")}</w:hyperlink>',
    )
    add_xml(fields, f"<w:r {W}><w:rPr><w:vanish/></w:rPr><w:t>(secret)</w:t></w:r>")
    add_xml(fields, run("."))
    tracked = document.add_paragraph("The crew was ")
    add_xml(
        tracked, f'<w:del {W} w:id="1" w:author="Ed"><w:r><w:delText>six</w:delText></w:r></w:del>'
    )
    add_xml(tracked, f'<w:ins {W} w:id="2" w:author="Ed">{run("seven")}</w:ins>')
    add_xml(tracked, run(" strong."))
    book = read_docx(save(document, tmp_path))
    assert rows(book.blocks()) == [
        (P, "Name: Anna Port of call: Leith"),
        (P, "Before the break and after it."),
        (P, "seafaring and shore"),
        (P, "Sailed on 4 May, see the log."),
        (P, "The crew was seven strong."),
    ]
    assert book.warnings == (
        "has tracked changes; read as if all were accepted (2 places)",
        "no headings; read as one chapter",
    )


def test_a_drop_cap_and_a_deleted_paragraph_end_join_the_next_paragraph(tmp_path: Path) -> None:
    document = new_document()
    cap = document.add_paragraph("T")
    cap._p.get_or_add_pPr().append(parse_xml(f'<w:framePr {W} w:dropCap="drop" w:lines="3"/>'))
    document.add_paragraph("he tide turned.")
    joined = document.add_paragraph("The wind rose")
    joined._p.get_or_add_pPr().append(
        parse_xml(f'<w:rPr {W}><w:del w:id="3" w:author="Ed"/></w:rPr>')
    )
    document.add_paragraph("and the boats came home.")
    book = read_docx(save(document, tmp_path))
    assert rows(book.blocks()) == [
        (P, "The tide turned."),
        (P, "The wind rose and the boats came home."),
    ]


def test_headers_footers_and_comments_are_not_read(tmp_path: Path) -> None:
    document = new_document()
    document.sections[0].header.paragraphs[0].text = "The Harbour, a running head"
    document.sections[0].footer.paragraphs[0].text = "Page footer"
    paragraph = document.add_paragraph("The quay was empty.")
    document.add_comment(paragraph.runs, text="Check this.", author="Ed")
    book = read_docx(save(document, tmp_path))
    assert rows(book.blocks()) == [(P, "The quay was empty.")]


def test_a_text_box_is_an_aside_after_its_paragraph(tmp_path: Path) -> None:
    document = new_document()
    anchor = document.add_paragraph("The map shows the bay.")
    add_xml(
        anchor,
        f"<w:r {W}><w:pict><v:shape {V}><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>Sidebar: tides</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>High water at noon.</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>",
    )
    document.add_paragraph("We sailed at one.")
    book = read_docx(save(document, tmp_path))
    assert rows(book.blocks()) == [
        (P, "The map shows the bay."),
        (ASIDE, "Sidebar: tides"),
        (ASIDE, "High water at noon."),
        (P, "We sailed at one."),
    ]
    assert "text in text boxes and shapes is read after the paragraph it is anchored to" in (
        book.warnings
    )


# ---------------------------------------------------------------- metadata


def test_metadata_from_the_core_properties(tmp_path: Path) -> None:
    document = new_document()
    core = document.core_properties
    core.title = "Tides and Harbours"
    core.author = "Ada Quill; Ben Ink"
    core.language = "en-GB"
    core.identifier = "urn:isbn:0000000000"
    core.created = datetime.datetime(2021, 5, 4, 10, 0)
    document.add_heading("A Title in the Text", 0)
    document.add_paragraph("The tide was out.")
    metadata = read_docx(save(document, tmp_path)).metadata
    assert metadata.title == "Tides and Harbours"  # the core title wins over the Title
    assert metadata.authors == ("Ada Quill", "Ben Ink")
    assert (metadata.language, metadata.date, metadata.identifier) == (
        "en-GB",
        "2021",
        "urn:isbn:0000000000",
    )
    assert metadata.cover is None


def test_language_else_from_the_styles_defaults(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("The tide was out.")
    metadata = read_docx(save(document, tmp_path)).metadata
    assert metadata.language == "en-US"  # python-docx's template: <w:lang w:val="en-US"/>
    assert metadata.authors == ()


def test_a_macro_enabled_document_is_read_like_any_other(tmp_path: Path) -> None:
    """A .docm differs only in its main part's content type; its macros are never run."""
    document = new_document()
    document.add_paragraph("The tide was out.")
    path = save(document, tmp_path, "book.docm")
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert rows(read_docx(rewrite(path, files)).blocks()) == [(P, "The tide was out.")]


# ---------------------------------------------------------------- what cannot be read


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("just some text, saved with the wrong name")
    assert error_of(path) == "not a Word document (it is not a ZIP archive)"


def test_a_zip_without_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("OEBPS/chapter.xhtml", "<html/>")
    assert error_of(path) == "not a Word document (a ZIP archive without word/document.xml)"


def test_a_package_of_another_office_program(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("The tide was out.")
    path = save(document, tmp_path)
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    )
    assert error_of(rewrite(path, files)) == "an Excel workbook, not a Word document"


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the signature, then a header


def test_a_word_97_document(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(OLE2 + bytes(1000) + "WordDocument".encode("utf-16-le") + bytes(100))
    assert error_of(path) == (
        "this is a Word 97-2003 document (.doc); open it in Word or LibreOffice and save it "
        "as .docx"
    )


def test_an_encrypted_document(tmp_path: Path) -> None:
    """Word saves a password-protected .docx as an OLE2 file holding EncryptionInfo and
    the encrypted package."""
    path = tmp_path / "locked.docx"
    names = b"".join(n.encode("utf-16-le") + bytes(40) for n in ("EncryptionInfo", "Encrypted"))
    path.write_bytes(OLE2 + bytes(3000) + names + bytes(2000))
    assert error_of(path).startswith("this Word document is encrypted (password-protected)")


def test_an_empty_document(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("")
    document.add_paragraph("   ")
    document.sections[0].header.paragraphs[0].text = "Only a running head"
    assert error_of(save(document, tmp_path)) == "no text to read"


def test_a_document_over_the_size_limit(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("The tide was out. " * 200)
    message = error_of(save(document, tmp_path), max_bytes=10_000)
    assert re.fullmatch(
        r"\d+ MB of document XML; Word files up to 10,000 bytes of it are read "
        r"\(split it into books\)",
        message,
    )


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nowhere.docx") == "no such file"
    assert error_of(tmp_path) == "is a folder, not a Word document"


def test_a_word_file_becomes_a_script_with_its_chapters(tmp_path: Path) -> None:
    """Through the pipeline: the title over the chapters is the title page, Heading 1s the
    chapters, Heading 2s their sections."""
    from audiobook.pipeline import load_script

    document = docx.Document()
    document.core_properties.title = "The Salt Book"
    document.core_properties.author = "Wren Hale"
    document.add_paragraph("The Salt Book", style="Title")
    document.add_heading("Chapter 1: The Marsh", 1)
    document.add_paragraph("The carts left before dawn.")
    document.add_heading("A Detour", 2)
    document.add_paragraph("They went round by the ford.")
    document.add_heading("Chapter 2: The Town", 1)
    document.add_paragraph("They sold the salt by noon.")
    script = load_script(save(document, tmp_path))
    assert (script.title, script.author) == ("The Salt Book", "Wren Hale")
    assert [(c.number, c.title) for c in script.chapters] == [("1", "The Marsh"), ("2", "The Town")]
    headings = [(s.level, s.text) for s in script.chapters[0].segments if s.kind == "heading"]
    assert headings == [(1, "Chapter One. The Marsh."), (2, "A Detour.")]
    assert [r.rule for r in script.removed] == ["title-page"]
