"""Word files (.docx) into an `Ebook`: the main document's paragraphs and tables in order,
footnotes and endnotes beside the paragraphs that cite them, and what each paragraph's
style says it is (heading, quotation, list item …).

python-docx opens the package (following its relationships, so the main document need not
be word/document.xml) and reads the core properties; the text is read from the XML with
lxml, because a Word file stores more than Word shows: deleted revisions, field codes and
hidden text are there too, and are not read. Text boxes are read as asides after the
paragraph they are anchored to. Headers, footers and comments are never read. Sections
begin at the headings (`book_from_blocks`).

What cannot be read at all (not a ZIP, a legacy .doc, an encrypted file, too large) is a
one-line UserError naming the file; each kind of problem met while reading is one warning.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from lxml import etree

from audiobook.ebook.epub import book_from_blocks, skipped_part
from audiobook.ebook.model import BlockKind, Ebook, EbookBlock, EbookMetadata, SkippedPart
from audiobook.ebook.xhtml import normalise_space
from audiobook.errors import UserError
from audiobook.reading import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from docx.opc.coreprops import CoreProperties
    from docx.opc.part import Part

log = logging.getLogger(__name__)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def w(name: str) -> str:
    """A WordprocessingML tag or attribute in Clark notation: w("p") -> "{…/main}p"."""
    return f"{{{W_NS}}}{name}"


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, and encrypted OOXML
RTF_SIGNATURE = b"{\\rtf"
MAIN_DOCUMENT = "word/document.xml"
STRICT_RELATIONSHIPS = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
MAX_ARCHIVE_MEMBERS = 50_000  # a long book has a few hundred parts (mostly pictures)
# python-docx reads every part into memory, pictures too: a package claiming more than this
# unpacked is refused before it is opened.
MAX_PACKAGE_BYTES = 2**30
XML_SUFFIXES = (".xml", ".rels")
OLE_SCAN_CHUNK_BYTES = 2**20

# The main part of a .docx, a .docm (with macros, never run), a .dotx and a .dotm template.
WORD_CONTENT_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }
)
# Other Office files, by a word of their main part's content type.
OTHER_OFFICE_FILES = {"spreadsheetml": "an Excel workbook", "presentationml": "a PowerPoint file"}

# A paragraph of nothing but these is an ornament between scenes ("* * *", "#", "~").
ORNAMENT_RE = re.compile(r"^[\s*•·∙~#_=+\-–—⁂❧☙✻✼✦✧◆◇○●§]+$")
# Symbol and Wingdings characters as Word stores them: private-use code points, unspeakable.
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
OFF_VALUES = frozenset({"0", "false", "off", "none"})
NOTE_KINDS = (("footnote", RT_FOOTNOTES), ("endnote", RT_ENDNOTES))
OUTLINE_BODY_TEXT = 9  # w:outlineLvl 0-8 are heading levels 1-9; 9 is body text
# A paragraph that is a heading only by its own outline level, not its style, and is longer
# than this is body text that kept a heading's outline level (pasted, or a legal clause).
MAX_OUTLINE_HEADING_WORDS = 20

# Kinds of problem, each warned about once (with a count).
WARNING_TEXTS = {
    "no-headings": "no headings; read as one chapter",
    "tracked": "has tracked changes; read as if all were accepted",
    "text-box": "text in text boxes and shapes is read after the paragraph it is anchored to",
    "math": "equations are not read",
    "alt-chunk": "embedded documents (altChunk) are not read",
    "notes-unreadable": "footnotes or endnotes are not readable XML; left out",
    "missing-note": "a note reference points at a note that is not there",
}


# ---------------------------------------------------------------- styles


@dataclass(frozen=True)
class Role:
    """What a paragraph's style makes it."""

    kind: BlockKind | None  # None: not read (a table of contents, an index)
    level: int = 0  # a heading's rank
    reason: str = ""  # why a paragraph of this style is not read (a SkippedPart reason)
    title: bool = False  # the "Title" style: the document's title
    outline_only: bool = False  # a heading by the paragraph's own outline level alone


BODY = Role(BlockKind.PARAGRAPH)
LIST_ITEM = Role(BlockKind.LIST_ITEM)
# The document's title ranks above Heading 1, as an HTML book's one <h1> above its <h2>
# chapters: printed once over them, it is the title page, not a part holding them all.
TITLE = Role(BlockKind.HEADING, 0, title=True)

# Style names as Word stores them (built-in names are English whatever the language of
# Word), lower-cased, and what a paragraph of that style is. The first match wins; a style
# matching none is judged by its outline level, then by the style it is based on.
STYLE_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Role]]] = [
    (re.compile(r"heading ([1-9])"), lambda m: Role(BlockKind.HEADING, min(int(m[1]), 6))),
    (re.compile(r"title"), lambda m: TITLE),
    (re.compile(r"subtitle"), lambda m: Role(BlockKind.HEADING, 2)),
    (re.compile(r"(?:intense )?quote|block text"), lambda m: Role(BlockKind.QUOTE)),
    (re.compile(r"caption"), lambda m: Role(BlockKind.CAPTION)),
    (
        # Word's names, and LibreOffice's (Contents 1 …)
        re.compile(
            r"(?:toc|contents) (?:[1-9]|10|heading)|table of (?:contents|figures|authorities)"
        ),
        lambda m: Role(None, reason="toc"),
    ),
    (re.compile(r"index (?:[1-9]|heading)"), lambda m: Role(None, reason="index")),
    (re.compile(r"list\b.*"), lambda m: LIST_ITEM),  # List Paragraph, List Bullet 2 …
    # Manuscript and publishing templates' own styles ("Chapter Title", "Part Heading")
    (
        re.compile(r".*\b(?:chapter|part)\b.*\b(?:title|heading|head|name)\b.*"),
        lambda m: Role(BlockKind.HEADING, 1),
    ),
]
MAX_STYLE_DEPTH = 32  # styles based on styles: a longer chain is a loop


@dataclass(frozen=True)
class Style:
    """One paragraph style of styles.xml, as far as reading needs it."""

    name: str  # lower-cased, spaces collapsed
    based_on: str | None  # the base style's id
    outline: int | None  # w:outlineLvl of its paragraph properties
    numbered: bool | None  # its numbering: True on, False explicitly off, None unsaid


class StyleTable:
    """The document's paragraph styles, each resolved to a Role through its base styles."""

    def __init__(self, root: etree._Element | None) -> None:
        self.styles: dict[str, Style] = {}
        self.default: str | None = None
        self._roles: dict[str | None, tuple[Role, bool]] = {}
        for element in root.iterchildren(w("style")) if root is not None else ():
            if (element.get(w("type")) or "paragraph") != "paragraph":
                continue
            style_id = element.get(w("styleId")) or ""
            name = _val(element.find(w("name"))) or style_id
            properties = element.find(w("pPr"))
            self.styles[style_id] = Style(
                " ".join(name.lower().split()),
                _val(element.find(w("basedOn"))),
                _outline(properties),
                _numbered(properties),
            )
            if element.get(w("default")) in ("1", "true", "on") and self.default is None:
                self.default = style_id

    def role(self, style_id: str | None) -> tuple[Role, bool]:
        """The role a style gives a paragraph, and whether the style numbers it (a list)."""
        style_id = style_id if style_id in self.styles else self.default
        if style_id not in self._roles:
            self._roles[style_id] = self._resolve(style_id)
        return self._roles[style_id]

    def _resolve(self, style_id: str | None) -> tuple[Role, bool]:
        role: Role | None = None
        numbered: bool | None = None
        seen: set[str] = set()
        while style_id in self.styles and style_id not in seen and len(seen) < MAX_STYLE_DEPTH:
            seen.add(style_id)
            style = self.styles[style_id]
            if role is None:
                role = role_of_name(style.name) or role_of_outline(style.outline)
            if numbered is None:
                numbered = style.numbered
            style_id = style.based_on
        return role or BODY, bool(numbered)


def role_of_name(name: str) -> Role | None:
    for pattern, role in STYLE_RULES:
        if match := pattern.fullmatch(name):
            return role(match)
    return None


def role_of_outline(outline: int | None) -> Role | None:
    if outline is None or outline >= OUTLINE_BODY_TEXT:
        return None
    return Role(BlockKind.HEADING, min(outline + 1, 6))


def paragraph_role(p: etree._Element, styles: StyleTable) -> Role:
    """A paragraph's role: its style's, changed by its own outline level and numbering."""
    properties = p.find(w("pPr"))
    style_id = _val(properties.find(w("pStyle"))) if properties is not None else None
    role, numbered = styles.role(style_id)
    outline = _outline(properties)
    if outline is not None:
        if outline < OUTLINE_BODY_TEXT and role.kind != BlockKind.HEADING:
            return replace(role_of_outline(outline) or role, outline_only=True)
        if outline < OUTLINE_BODY_TEXT:
            return role_of_outline(outline) or role
        if role.kind == BlockKind.HEADING:
            role = BODY
    own_numbering = _numbered(properties)
    if own_numbering is not None:
        numbered = own_numbering
    if role == BODY and numbered:
        return LIST_ITEM
    if role == LIST_ITEM and own_numbering is False:
        return BODY
    return role


def _val(element: etree._Element | None) -> str | None:
    return element.get(w("val")) if element is not None else None


def _outline(properties: etree._Element | None) -> int | None:
    value = _val(properties.find(w("outlineLvl"))) if properties is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _numbered(properties: etree._Element | None) -> bool | None:
    """True for list numbering, False where it is turned off (numId 0), None if unsaid."""
    numbering = properties.find(w("numPr")) if properties is not None else None
    if numbering is None:
        return None
    number_id = _val(numbering.find(w("numId")))
    if number_id is None:
        return None
    return number_id.strip() != "0"


def is_on(element: etree._Element | None) -> bool:
    """A WordprocessingML on/off property (<w:vanish/>, <w:vanish w:val="0"/>)."""
    return element is not None and (_val(element) or "1").lower() not in OFF_VALUES


# ---------------------------------------------------------------- the walk

# Containers whose content is read as if they were not there.
TRACKED_INSERTS = frozenset({w("ins"), w("moveTo")})
TRACKED_DELETES = frozenset({w("del"), w("moveFrom")})
# Never text to read inside a paragraph: properties, marks, comments, permissions.
UNREAD_INLINE = frozenset(
    {
        w("pPr"),
        w("rPr"),
        w("proofErr"),
        w("bookmarkStart"),
        w("bookmarkEnd"),
        w("commentRangeStart"),
        w("commentRangeEnd"),
        w("permStart"),
        w("permEnd"),
        w("sdtPr"),
        w("sdtEndPr"),
        w("customXmlPr"),
    }
)
SPACES = frozenset({w("tab"), w("ptab"), w("br"), w("cr")})
NOTE_REFERENCES = {w("footnoteReference"): "footnote", w("endnoteReference"): "endnote"}
PICTURES = frozenset({w("drawing"), w("pict"), w("object")})
# What a text box's paragraphs become: asides (a heading in one begins no chapter).
BOX_ASIDE_KINDS = frozenset(
    {
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.QUOTE,
        BlockKind.LIST_ITEM,
        BlockKind.CAPTION,
    }
)
TEXT_BOX = w("txbxContent")
MATH = frozenset({f"{{{M_NS}}}oMath", f"{{{M_NS}}}oMathPara"})
ALTERNATE_CONTENT = f"{{{MC_NS}}}AlternateContent"
# Wrappers around rows and cells of a table (content controls, custom XML).
WRAPPERS = frozenset({w("sdt"), w("customXml")})


@dataclass(frozen=True)
class Item:
    """A block found by the walk, and why it is not read (None: it is read)."""

    block: EbookBlock
    reason: str | None = None


@dataclass
class Line:
    """The text of a paragraph (or a cell) as it is gathered."""

    parts: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)  # note ids, in order
    boxes: list[Item] = field(default_factory=list)  # text boxes anchored in it

    @property
    def text(self) -> str:
        return normalise_space(PRIVATE_USE_RE.sub("", "".join(self.parts)))


class DocxWalk:
    """Reads WordprocessingML block content (a body, a note, a cell) into Items.

    Word's complex fields ({ TOC }, { HYPERLINK }, { PAGE }) are a code, then the result
    Word shows: only the result is read. Their state runs across paragraphs."""

    def __init__(self, styles: StyleTable) -> None:
        self.styles = styles
        self.items: list[Item] = []
        self.problems: dict[str, int] = {}  # kind -> how often met
        self.title: str | None = None  # the first paragraph in the Title style
        self._fields: list[bool] = []  # open complex fields: True once past their code
        self._carried: Line | None = None  # a drop cap, or a paragraph whose end is deleted
        self._orphans: list[str] = []  # notes cited where there is no text (by a picture)

    def problem(self, kind: str) -> None:
        self.problems[kind] = self.problems.get(kind, 0) + 1

    # ------------------------------------------------ blocks

    def body(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == w("p"):
                self.paragraph(child)
            elif tag == w("tbl"):
                self.table(child)
            elif tag == w("sdt"):
                self.content_control(child)
            elif tag == w("customXml") or tag in TRACKED_INSERTS:
                self.body(child)
            elif tag == ALTERNATE_CONTENT:
                self.body(chosen_alternative(child))
            elif tag == w("altChunk"):
                self.problem("alt-chunk")

    def paragraph(self, p: etree._Element) -> None:
        line = self._carried or Line()
        self._carried = None
        self.inline(p, line)
        if not all(self._fields):  # a field's code never closed: do not lose what follows
            self._fields = []
        joint = joint_with_next(p.find(w("pPr")), self)
        if joint is not None:
            self._carried = Line([*line.parts, joint], line.refs)
            self.items.extend(line.boxes)
            return
        self.emit(paragraph_role(p, self.styles), line)

    def emit(self, role: Role, line: Line) -> None:
        """A paragraph's block (if it has text), then the text boxes anchored in it."""
        text = line.text
        if role.outline_only and len(text.split()) > MAX_OUTLINE_HEADING_WORDS:
            role = BODY
        kind = role.kind
        if text and kind is None:
            self.items.append(Item(EbookBlock(BlockKind.PARAGRAPH, text), role.reason))
        elif kind is None or not text or ORNAMENT_RE.match(text):
            self._orphans.extend(line.refs)  # cited where there is nothing to read
            if text:  # "* * *", even styled as a heading: a pause, not a chapter
                self.items.append(Item(EbookBlock(BlockKind.SCENE_BREAK, "")))
        else:
            if role.title and self.title is None:
                self.title = text
            refs = (*self._orphans, *line.refs)
            self._orphans = []
            self.items.append(Item(EbookBlock(kind, text, role.level, note_refs=refs)))
        self.items.extend(line.boxes)

    def finish(self) -> None:
        """The end of a story: a drop cap or a joined paragraph with nothing after it."""
        if self._carried is not None:
            self.emit(BODY, self._carried)
            self._carried = None

    def adopt_orphans(self) -> None:
        """Notes cited where there was no text, and no text after: the last block cites them."""
        if not self._orphans:
            return
        for number in range(len(self.items) - 1, -1, -1):
            item = self.items[number]
            if item.reason is None and item.block.text:
                refs = (*item.block.note_refs, *self._orphans)
                self.items[number] = Item(replace(item.block, note_refs=refs))
                break
        self._orphans = []

    def table(self, table: etree._Element) -> None:
        for row in wrapped_children(table, w("tr")):
            properties = row.find(w("trPr"))
            if properties is not None and properties.find(w("del")) is not None:
                self.problem("tracked")
                continue
            cells: list[str] = []
            refs: list[str] = []
            for cell in wrapped_children(row, w("tc")):
                text, cell_refs = self.story_text(cell)
                if text:
                    cells.append(text)
                refs.extend(cell_refs)
            if cells:
                block = EbookBlock(BlockKind.TABLE_ROW, ", ".join(cells), note_refs=tuple(refs))
                self.items.append(Item(block))

    def content_control(self, sdt: etree._Element) -> None:
        """A content control: its content, unless it is Word's table of contents or still
        shows its placeholder ("Click or tap here to enter text.")."""
        content = control_content(sdt)
        if content is None:
            return
        gallery = _val(sdt.find(f"{w('sdtPr')}//{w('docPartGallery')}"))
        if gallery and "table of contents" in gallery.lower():
            for item in self.collect(content):
                self.items.append(Item(item.block, item.reason or "toc"))
            return
        self.body(content)

    def collect(self, container: etree._Element) -> list[Item]:
        """The items of some block content, walked apart from the items so far."""
        saved = self.items, self._fields, self._carried, self._orphans
        self.items, self._fields, self._carried, self._orphans = [], [], None, []
        try:
            self.body(container)
            self.finish()
            items, orphans = self.items, self._orphans
        finally:
            self.items, self._fields, self._carried, self._orphans = saved
        self._orphans.extend(orphans)  # notes cited where there was no text: what follows
        return items

    def story_text(self, container: etree._Element) -> tuple[str, tuple[str, ...]]:
        """The text read in some block content (a cell, a note) as one line, and the notes
        it cites; what in it is not read goes on as it would."""
        items = self.collect(container)
        read = [item.block for item in items if item.reason is None]
        self.items.extend(item for item in items if item.reason is not None)
        text = " ".join(block.text for block in read if block.text)
        refs = tuple(ref for block in read for ref in block.note_refs)
        if text and self._orphans:
            refs, self._orphans = (*self._orphans, *refs), []
        return text, refs

    # ------------------------------------------------ inside a paragraph

    def inline(self, element: etree._Element, line: Line) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in UNREAD_INLINE:
                continue
            if tag == w("r"):
                self.run(child, line)
            elif tag in TRACKED_DELETES:
                self.problem("tracked")
            elif tag in TRACKED_INSERTS:
                self.problem("tracked")
                self.inline(child, line)
            elif tag == w("sdt"):
                if (content := control_content(child)) is not None:
                    self.inline(content, line)
            elif tag == ALTERNATE_CONTENT:
                self.inline(chosen_alternative(child), line)
            elif tag in MATH:
                self.problem("math")
            else:  # hyperlink, fldSimple, smartTag, customXml, bdo, dir …: their runs
                self.inline(child, line)

    def run(self, run: etree._Element, line: Line) -> None:
        properties = run.find(w("rPr"))
        if properties is not None and is_on(properties.find(w("vanish"))):
            return  # hidden text
        self.run_content(run, line)

    def run_content(self, run: etree._Element, line: Line) -> None:
        custom_mark = False  # a note reference whose mark is typed text ("*") after it
        for child in run:
            tag = child.tag
            if tag == w("t"):
                if not custom_mark and all(self._fields):
                    line.parts.append(child.text or "")
            elif tag in SPACES:
                line.parts.append(" ")
            elif tag == w("noBreakHyphen"):
                line.parts.append("-")
            elif tag == w("fldChar"):
                self.field_char(child.get(w("fldCharType")))
            elif tag in NOTE_REFERENCES:
                line.refs.append(f"{NOTE_REFERENCES[tag]}-{child.get(w('id'))}")
                custom_mark = is_on_attribute(child.get(w("customMarkFollows")))
            elif tag in PICTURES:
                line.boxes.extend(self.text_boxes(child))
            elif tag == ALTERNATE_CONTENT:
                self.run_content(chosen_alternative(child), line)
            elif tag == w("ruby"):  # read the base text, not its pronunciation guide
                base = child.find(w("rubyBase"))
                if base is not None:
                    self.inline(base, line)
            # delText, instrText, sym, footnoteRef, commentReference …: not read

    def field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self._fields.append(False)
        elif kind == "separate" and self._fields:
            self._fields[-1] = True
        elif kind == "end" and self._fields:
            self._fields.pop()

    def text_boxes(self, picture: etree._Element) -> list[Item]:
        """The text of text boxes and shapes, as asides (a sidebar, a pull quote, a
        caption): Word anchors them to a paragraph, and they are read after it."""
        items: list[Item] = []
        for box in picture.iter(TEXT_BOX):
            if any(a.tag == TEXT_BOX for a in _ancestors_within(box, picture)):
                continue  # a box in a box: read with its outer box
            for item in self.collect(box):
                block = item.block
                if block.kind in BOX_ASIDE_KINDS:
                    block = EbookBlock(BlockKind.ASIDE, block.text, note_refs=block.note_refs)
                items.append(Item(block, item.reason))
        if any(item.reason is None and item.block.text for item in items):
            self.problem("text-box")
        return items


def joint_with_next(properties: etree._Element | None, walk: DocxWalk) -> str | None:
    """What joins a paragraph to the next when they are read as one: a drop cap (its letter
    in a frame of its own) directly, a paragraph whose end is a deleted tracked change with
    a space (Word would glue the last word to the next). None for any other paragraph."""
    if properties is None:
        return None
    frame = properties.find(w("framePr"))
    if frame is not None and frame.get(w("dropCap")) in ("drop", "margin"):
        return ""
    if properties.find(f"{w('rPr')}/{w('del')}") is not None:
        walk.problem("tracked")
        return " "
    return None


def _ancestors_within(element: etree._Element, top: etree._Element) -> Iterator[etree._Element]:
    for ancestor in element.iterancestors():
        if ancestor is top:
            return
        yield ancestor


def control_content(sdt: etree._Element) -> etree._Element | None:
    """A content control's content, unless it still shows its placeholder text."""
    if sdt.find(f"{w('sdtPr')}/{w('showingPlcHdr')}") is not None:
        return None
    return sdt.find(w("sdtContent"))


def chosen_alternative(alternate: etree._Element) -> etree._Element:
    """mc:AlternateContent holds the same thing twice (a modern and a fallback form): its
    first Choice, else its Fallback."""
    for child in alternate:
        if etree.QName(child).localname in ("Choice", "Fallback"):
            return child
    return etree.Element("empty")


def wrapped_children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with `tag`, also those wrapped in content controls or custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in WRAPPERS:
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from wrapped_children(content, tag)
        elif child.tag in TRACKED_INSERTS:
            yield from wrapped_children(child, tag)


def is_on_attribute(value: str | None) -> bool:
    return value is not None and value.lower() not in OFF_VALUES


# ---------------------------------------------------------------- notes


def read_notes(walk: DocxWalk, root: etree._Element, kind: str) -> dict[str, EbookBlock]:
    """Every footnote (or endnote) with text, by its id ("footnote-3"); the separators
    Word keeps among them (w:type="separator" …) are not notes."""
    notes = {}
    for note in root.iterchildren(w(kind)):
        if (note.get(w("type")) or "normal") != "normal":
            continue
        note_id = f"{kind}-{note.get(w('id'))}"
        text, refs = walk.story_text(note)
        if text:
            notes[note_id] = EbookBlock(BlockKind.NOTE, text, note_id=note_id, note_refs=refs)
    return notes


def with_notes(
    blocks: list[EbookBlock], notes: dict[str, EbookBlock], walk: DocxWalk, source: str
) -> tuple[list[EbookBlock], list[SkippedPart]]:
    """The blocks with the notes they cite after them (book_from_blocks moves each to the
    paragraph citing it), references to missing notes dropped; notes no paragraph cites
    (their reference deleted as a tracked change) are listed as removed."""
    cited: dict[str, None] = {}
    kept = []
    for block in blocks:
        refs = tuple(ref for ref in block.note_refs if ref in notes)
        if len(refs) < len(block.note_refs):
            walk.problem("missing-note")
        cited.update(dict.fromkeys(refs))
        kept.append(block if refs == block.note_refs else replace(block, note_refs=refs))
    for note in list(cited):  # notes citing notes
        cited.update(dict.fromkeys(r for r in notes[note].note_refs if r in notes))
    uncited = [
        skipped_part(source, "uncited-note", [note])
        for note_id, note in notes.items()
        if note_id not in cited
    ]
    return kept + [notes[note_id] for note_id in cited], uncited


# ---------------------------------------------------------------- opening the file


def refuse_other_formats(path: Path) -> None:
    """A UserError for what is not a .docx but is often called one: a Word 97-2003 .doc,
    an encrypted .docx (both OLE2 compound files), an RTF file."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a Word document")
    try:
        with path.open("rb") as file:
            head = file.read(len(OLE2_SIGNATURE))
            if head == OLE2_SIGNATURE:
                names = ole_streams(file, ("EncryptionInfo", "WordDocument"))
            else:
                names = set()
    except PermissionError as e:
        raise UserError(f"{path}: permission denied") from e
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror or e})") from e
    if "EncryptionInfo" in names:
        raise UserError(
            f"{path}: this Word document is encrypted (password-protected); open it in Word "
            "or LibreOffice, remove the password and save it again"
        )
    if "WordDocument" in names:
        raise UserError(
            f"{path}: this is a Word 97-2003 document (.doc); open it in Word or LibreOffice "
            "and save it as .docx"
        )
    if head == OLE2_SIGNATURE:
        raise UserError(f"{path}: not a Word document (an old Microsoft Office file)")
    if head.startswith(RTF_SIGNATURE):
        raise UserError(f"{path}: this is an RTF document; save it as .docx")


def ole_streams(file: BinaryIO, wanted: tuple[str, ...]) -> set[str]:
    """Which of `wanted` an OLE2 file's directory names: the names are UTF-16 and the
    directory may be anywhere, so the file is searched for them, a chunk at a time."""
    needles = {name: name.encode("utf-16-le") for name in wanted}
    overlap = max(len(n) for n in needles.values())
    found: set[str] = set()
    tail = b""
    while chunk := file.read(OLE_SCAN_CHUNK_BYTES):
        data = tail + chunk
        found.update(name for name, needle in needles.items() if needle in data)
        tail = data[-overlap:]
    return found


def check_package(path: Path, max_bytes: int) -> None:
    """Refuse what is not a ZIP, and a package too large to read, from the sizes its ZIP
    directory claims (zipfile never unpacks more than a member's claimed size)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as e:
        raise UserError(f"{path}: not a Word document (it is not a ZIP archive)") from e
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror or e})") from e
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise UserError(
            f"{path}: not a Word document (a ZIP of over {MAX_ARCHIVE_MEMBERS:,} files)"
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise UserError(f"{path}: not a Word document (a ZIP archive without {MAIN_DOCUMENT})")
    xml_bytes = sum(i.file_size for i in infos if i.filename.lower().endswith(XML_SUFFIXES))
    if xml_bytes > max_bytes:
        raise UserError(
            f"{path}: {xml_bytes / 1e6:,.0f} MB of document XML; Word files up to "
            f"{_size(max_bytes)} of it are read (split it into books)"
        )
    if sum(info.file_size for info in infos) > MAX_PACKAGE_BYTES:
        raise UserError(f"{path}: unpacks to over {_size(MAX_PACKAGE_BYTES)}; not read")


def _size(limit: int) -> str:
    if limit >= 2**30:
        return f"{limit // 2**30} GB"
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit:,} bytes"


def open_main_part(path: Path) -> Part:
    """The package's main document part, as python-docx reads it, or a UserError saying
    why it cannot be. Not `docx.Document`, which refuses a .docm or a template."""
    from docx.opc.exceptions import PackageNotFoundError
    from docx.package import Package

    try:
        part = Package.open(str(path)).main_document_part
    except KeyError as e:  # no officeDocument relationship, a part named but missing …
        if is_strict(path):
            raise UserError(
                f"{path}: a Strict Open XML document, which is not read; save it in Word as "
                "a Word Document (.docx)"
            ) from e
        if "officeDocument" in str(e):
            raise UserError(
                f"{path}: not a Word document (a ZIP archive without {MAIN_DOCUMENT})"
            ) from e
        raise UserError(f"{path}: not a readable Word document (damaged: {e.args[0]})") from e
    except etree.XMLSyntaxError as e:
        raise UserError(f"{path}: not a readable Word document (broken XML: {e})") from e
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise UserError(f"{path}: not a readable Word document (damaged: {e})") from e
    except (NotImplementedError, RuntimeError) as e:  # a compression or a ZIP password
        raise UserError(f"{path}: not a readable Word document ({e})") from e
    if part.content_type not in WORD_CONTENT_TYPES:
        kind = next((k for t, k in OTHER_OFFICE_FILES.items() if t in part.content_type), None)
        what = (
            f"{kind}, not a Word document" if kind else f"not a Word document ({part.content_type})"
        )
        raise UserError(f"{path}: {what}")
    return part


def is_strict(path: Path) -> bool:
    """Whether the package's relationships are those of Strict Open XML (ISO 29500 strict),
    whose namespaces python-docx does not know."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("_rels/.rels") as rels:
            return STRICT_RELATIONSHIPS in rels.read(2**20)
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error, EOFError):
        return False


def related_xml(part: Part, reltype: str) -> etree._Element | None:
    """The XML of the part related to `part` by `reltype`, if there is one; a part that
    is not well-formed raises etree.XMLSyntaxError."""
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return part_xml(rel.target_part)
    return None


def part_xml(part: Part) -> etree._Element:
    """A part's XML: parsed by python-docx if it knows the part, else by us."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob, XML_PARSER)


XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


# ---------------------------------------------------------------- metadata


def read_metadata(
    main: Part, styles_root: etree._Element | None, title: str | None
) -> EbookMetadata:
    """Title, authors, language, year and identifier from docProps/core.xml; the language
    else from the styles' defaults, the title else from the first Title paragraph."""
    core = None
    try:
        related = main.package.part_related_by(RT_CORE)
        core = related.core_properties
    except (KeyError, ValueError, AttributeError):
        pass  # no core properties (python-docx would make up some)
    values: dict[str, str | None] = {}
    for name in ("title", "author", "language", "identifier"):
        values[name] = _core_text(core, name)
    created = None
    try:
        created = core.created if core is not None else None
    except (TypeError, ValueError):
        pass
    authors = tuple(a.strip() for a in (values["author"] or "").split(";") if a.strip())
    return EbookMetadata(
        title=values["title"] or title,
        authors=authors,
        language=values["language"] or default_language(styles_root),
        date=str(created.year) if created is not None else None,
        identifier=values["identifier"],
    )


def _core_text(core: CoreProperties | None, name: str) -> str | None:
    try:
        value = getattr(core, name) if core is not None else None
    except (TypeError, ValueError):
        return None
    return (normalise_space(value) or None) if isinstance(value, str) else None


def default_language(styles_root: etree._Element | None) -> str | None:
    """The language of the styles' run defaults (w:docDefaults), e.g. "en-GB"."""
    if styles_root is None:
        return None
    lang = styles_root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    value = _val(lang)
    return (value.strip() or None) if value else None


# ---------------------------------------------------------------- the whole document


def read_docx(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Ebook:
    """Read a Word .docx file into sections of plain blocks, or raise a UserError.

    `max_bytes` (reading.MAX_INPUT_BYTES, the project's text limit) bounds the document's
    XML together, from the sizes the ZIP claims; nothing larger is unpacked."""
    refuse_other_formats(path)
    check_package(path, max_bytes)
    main = open_main_part(path)
    source = str(main.partname).lstrip("/")
    try:
        body = part_xml(main).find(w("body"))
    except etree.XMLSyntaxError as e:
        raise UserError(f"{path}: not a readable Word document (broken XML: {e})") from e
    try:
        styles_root = related_xml(main, RT_STYLES)
    except etree.XMLSyntaxError:
        styles_root = None
    walk = DocxWalk(StyleTable(styles_root))
    notes: dict[str, EbookBlock] = {}
    try:
        if body is not None:
            walk.body(body)
            walk.finish()
            walk.adopt_orphans()
        for kind, reltype in NOTE_KINDS:
            try:
                root = related_xml(main, reltype)
            except etree.XMLSyntaxError:
                walk.problem("notes-unreadable")
                continue
            if root is not None:
                notes.update(read_notes(walk, root, kind))
    except RecursionError as e:
        raise UserError(f"{path}: not a readable Word document (nested too deeply)") from e
    blocks, skipped = split_items(walk.items, source)
    if not any(block.text for block in blocks):
        raise UserError(f"{path}: no text to read")
    blocks, uncited = with_notes(blocks, notes, walk, source)
    if not any(block.kind == BlockKind.HEADING for block in blocks):
        walk.problem("no-headings")
    metadata = read_metadata(main, styles_root, walk.title)
    return book_from_blocks(metadata, blocks, source, skipped + uncited, warning_lines(walk))


def split_items(items: list[Item], source: str) -> tuple[list[EbookBlock], list[SkippedPart]]:
    """The blocks read, and what is not read: a run of items left out for one reason
    (a table of contents, line by line) is one SkippedPart."""
    blocks: list[EbookBlock] = []
    skipped: list[SkippedPart] = []
    run: list[EbookBlock] = []
    for number, item in enumerate(items):
        if item.reason is None:
            blocks.append(item.block)
            continue
        run.append(item.block)
        following = items[number + 1] if number + 1 < len(items) else None
        if following is None or following.reason != item.reason:
            skipped.append(skipped_part(source, item.reason, run))
            run = []
    return blocks, skipped


def warning_lines(walk: DocxWalk) -> tuple[str, ...]:
    lines = []
    for kind, count in walk.problems.items():
        line = WARNING_TEXTS[kind] + (f" ({count} places)" if count > 1 else "")
        log.warning("%s", line)
        lines.append(line)
    return tuple(lines)
