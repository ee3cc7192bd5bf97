"""One content document (XHTML, or HTML that is not well-formed) into plain blocks.

E-book markup says what a piece of text is (`epub:type`, ARIA `role`, and the classes of the
big free libraries): that decides whether it is read at all, and as what. The rules are the
tables below, so a new library's habit is a line in a table, not a branch in the walk.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from posixpath import dirname, join, normpath
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html

from audiobook.ebook.model import BlockKind, EbookBlock, SkippedPart

EPUB_NS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{EPUB_NS}}}type"

# Front and back matter that is not the book: not read, but listed (inspect --removed).
SKIPPED_TYPES = frozenset(
    "cover titlepage halftitlepage toc toc-brief landmarks page-list loi lot lov loa "
    "copyright-page colophon imprint index seriespage other-credits other-books adcard".split()
)
SKIPPED_ROLES = frozenset(
    "doc-cover doc-toc doc-index doc-colophon doc-pagelist navigation search banner "
    "contentinfo".split()
)  # the last four: a web page's menus, search box, site header and footer
# Project Gutenberg's header and licence, as its HTML marks them.
BOILERPLATE_IDS = frozenset("pg-header pg-footer pg-machine-header".split())
BOILERPLATE_CLASSES = frozenset({"pg-boilerplate"})
BOILERPLATE_REASON = "gutenberg-boilerplate"

NOTE_TYPES = frozenset("footnote endnote rearnote note".split())
NOTE_ROLES = frozenset("doc-footnote doc-endnote".split())
NOTE_CLASSES = frozenset("footnote endnote".split())
NOTEREF_TYPES = frozenset({"noteref"})
NOTEREF_ROLES = frozenset({"doc-noteref"})
NOTEREF_CLASSES = frozenset("noteref fnanchor footnote-ref footnoteref fn-ref".split())
# A link whose text is only a note's mark: "1", "[12]", "(a)", "*", "†".
NOTE_MARK_RE = re.compile(r"^\s*[\[(]?\s*(?:\d{1,4}|[a-z]|[*†‡§¶]{1,3})\s*[\])]?\s*$")
BACKLINK_TYPES = frozenset({"backlink"})
BACKLINK_ROLES = frozenset({"doc-backlink"})
PAGEBREAK_TYPES = frozenset({"pagebreak"})
PAGEBREAK_ROLES = frozenset({"doc-pagebreak"})
PAGEBREAK_CLASSES = frozenset("pagenum pageno page-number pagenumber".split())
POEM_TYPES = frozenset("z3998:poem z3998:verse z3998:song z3998:hymn".split())
POEM_CLASSES = frozenset("poem poetry verse stanza".split())
PERSONA_TYPES = frozenset({"z3998:persona"})
STAGE_DIRECTION_TYPES = frozenset({"z3998:stage-direction"})
# An epigraph and the line that names its author: quoted, so never a speaker's cue
# ("STERNE." under a motto is not Sterne beginning to speak).
EPIGRAPH_TYPES = frozenset("epigraph z3998:attribution".split())
EPIGRAPH_ROLES = frozenset({"doc-epigraph"})
EPIGRAPH_CLASSES = frozenset("epigraph attribution author signature byline motto".split())
CAPTION_CLASSES = frozenset("caption figcaption".split())

# Never text to read: code, styling, navigation, media.
IGNORED_TAGS = frozenset(
    "head script style nav template noscript svg math img picture object embed video audio "
    "iframe canvas map button input select textarea title meta link rt rp".split()
)  # rt, rp: a ruby's reading of the characters it stands over, which are read already
# A poem's line numbers, printed in the margin: "Hofgarten,10" is no line of the poem.
# Wikipedia's edit links, skip links, navigation boxes and category lists; and what any
# site marks as not for print ("noprint"), which is not for listening either.
IGNORED_CLASSES = frozenset(
    "lnum linenum line-number linenumber line-num verse-num noprint mw-editsection "
    "mw-jump-link navbox catlinks printfooter".split()
)
HEADING_TAGS = {f"h{rank}": rank for rank in range(1, 7)}
BLOCK_TAGS = frozenset(
    "html body div section article main header footer p blockquote ul ol li dl dt dd table "
    "thead tbody tfoot tr td th caption figure figcaption aside pre address center details "
    "summary fieldset form hgroup".split()
)

XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
)
HTML_PARSER = lxml_html.HTMLParser(remove_comments=True, no_network=True)
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
DECLARED_ENCODING_RE = re.compile(
    rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']"""
    rb"""|<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
LEGACY_8BIT = frozenset(
    "iso-8859-1 latin-1 latin1 l1 iso-8859-15 latin-9 windows-1252 cp1252 us-ascii ascii".split()
)
NAMED_ENTITY_RE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, joiners
SPACE_RE = re.compile(r"\s+")
PAGE_LABEL_RE = re.compile(
    r"^\W*(?:(?:page|pg|p)\b\.?\s*|(?:page|pg|p)[-_]?)?([0-9]+[a-z]?|[ivxlcdm]+)\W*$",
    re.IGNORECASE,
)
# A heading of a notes section, left empty once its notes moved next to their paragraphs.
NOTES_HEADING_RE = re.compile(
    r"^\W*(?:foot|end)?notes?\b|^\W*anmerkungen|^\W*fußnoten", re.IGNORECASE
)


def normalise_space(text: str) -> str:
    """Text as it would be read: invisible characters gone, every run of space one space."""
    return SPACE_RE.sub(" ", INVISIBLE_RE.sub("", text)).strip()


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True)
class ParsedDocument:
    """A content document's tree, and how it had to be read."""

    path: str  # archive path
    root: etree._Element
    tolerant: bool  # not well-formed XML: read by the HTML parser
    encoding_guessed: bool  # its declared encoding was wrong or missing; guessed


def parse_document(data: bytes, path: str) -> ParsedDocument:
    """Parse XHTML strictly; failing that, decode it ourselves and parse it as HTML.

    Real EPUBs hold HTML entities that XML does not know (`&nbsp;`), unclosed tags, and
    encodings that are declared wrongly: the HTML parser reads what a browser would."""
    declared = declared_encoding(data)
    misdeclared = bool(declared and is_legacy_8bit(declared) and looks_like_utf8(data))
    try:
        root = (
            None if misdeclared else etree.fromstring(named_entities_as_numbers(data), XML_PARSER)
        )
    except (etree.XMLSyntaxError, ValueError, LookupError):
        root = None
    if root is not None:
        return ParsedDocument(path, root, tolerant=False, encoding_guessed=False)
    text, guessed = decode_markup(data)
    text = XML_DECLARATION_RE.sub("", text, count=1)
    if not text.strip():
        text = "<html><body></body></html>"
    root = lxml_html.document_fromstring(text, parser=HTML_PARSER)
    return ParsedDocument(path, root, tolerant=True, encoding_guessed=guessed)


def named_entities_as_numbers(data: bytes) -> bytes:
    """HTML's named entities (`&eacute;`, `&mdash;`) as character references.

    An XHTML file that declares its DOCTYPE (most EPUB 2 files, Gutenberg's HTML) parses as
    well-formed XML, but without the DTD, which we never load, `&eacute;` stays an entity
    the text never shows: "café" would be said "caf". The five XML entities and names HTML
    does not know are left as they are. (Bytes: UTF-8 and the legacy 8-bit encodings spell
    these in ASCII alike; a UTF-16 file has none to replace.)"""
    if b"&" not in data:
        return data

    def number(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode("ascii")
        code = None if name in XML_ENTITIES else html.entities.name2codepoint.get(name)
        return f"&#{code};".encode("ascii") if code else match.group(0)

    return NAMED_ENTITY_RE.sub(number, data)


def decode_markup(data: bytes) -> tuple[str, bool]:
    """Decode by byte-order mark, then the declared encoding, then UTF-8, then cp1252.

    The second value is True when the declaration was wrong, or missing and the text is
    not UTF-8 (the default of XHTML and HTML5), and we guessed."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom) or (encoding == "utf-16" and data.startswith(codecs.BOM_UTF16_BE)):
            return data.decode(encoding, errors="replace"), False
    declared = declared_encoding(data)
    if declared and is_legacy_8bit(declared) and looks_like_utf8(data):
        return data.decode("utf-8"), True  # saved as UTF-8 under an old declaration
    for encoding in filter(None, (declared, "utf-8")):
        try:
            return data.decode(encoding), declared is not None and encoding != declared
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace"), True


def is_legacy_8bit(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in LEGACY_8BIT


def looks_like_utf8(data: bytes) -> bool:
    """Valid UTF-8 with characters beyond ASCII: text in a Latin-1 or cp1252 file almost
    never is (its accented letters would have to fall in UTF-8's exact byte patterns)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def declared_encoding(data: bytes) -> str | None:
    """The encoding named by the XML declaration or a <meta charset>, if any."""
    match = DECLARED_ENCODING_RE.search(data[:2048])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


# ---------------------------------------------------------------- element semantics


def local_name(element: etree._Element) -> str:
    """The tag without its namespace, lower case; "" for comments and processing
    instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def epub_types(element: etree._Element) -> set[str]:
    """The element's epub:type tokens (namespaced in XHTML, a plain attribute in HTML)."""
    value = element.get(EPUB_TYPE) or element.get("epub:type") or ""
    return set(value.lower().split())


def roles(element: etree._Element) -> set[str]:
    return set((element.get("role") or "").lower().split())


def classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").lower().split())


def has_semantic(
    element: etree._Element,
    types: frozenset[str],
    roles_: frozenset[str] = frozenset(),
    classes_: frozenset[str] = frozenset(),
) -> bool:
    """True when the element's epub:type, role or class is one of those given."""
    return bool(
        epub_types(element) & types or roles(element) & roles_ or classes(element) & classes_
    )


def skip_reason(element: etree._Element) -> str | None:
    """Why this element is front or back matter not to be read, or None to read it."""
    for token in sorted(epub_types(element) & SKIPPED_TYPES):
        return token
    for role in sorted(roles(element) & SKIPPED_ROLES):
        return role
    if element.get("id") in BOILERPLATE_IDS or classes(element) & BOILERPLATE_CLASSES:
        return BOILERPLATE_REASON
    return None


def is_note(element: etree._Element) -> bool:
    return has_semantic(element, NOTE_TYPES, NOTE_ROLES, NOTE_CLASSES)


def is_page_break(element: etree._Element) -> bool:
    return has_semantic(element, PAGEBREAK_TYPES, PAGEBREAK_ROLES, PAGEBREAK_CLASSES)


def is_backlink(element: etree._Element) -> bool:
    return has_semantic(element, BACKLINK_TYPES, BACKLINK_ROLES)


def is_poem(element: etree._Element) -> bool:
    return has_semantic(element, POEM_TYPES, frozenset(), POEM_CLASSES)


def page_label(element: etree._Element) -> str:
    """A page break's label, from title, aria-label, its text or its id ("page-12" → "12")."""
    text = normalise_space("".join(element.itertext()))
    for candidate in (element.get("title"), element.get("aria-label"), text, element.get("id")):
        if not candidate or not candidate.strip():
            continue
        candidate = normalise_space(candidate)
        match = PAGE_LABEL_RE.match(candidate)
        return match.group(1) if match else candidate
    return ""


def resolve_href(base: str, href: str) -> tuple[str, str | None]:
    """An href inside the document `base` as (archive path, fragment or None)."""
    target, _, fragment = href.strip().partition("#")
    target = unquote(target)
    path = base if not target else normpath(join(dirname(base), target)).lstrip("/")
    return path, unquote(fragment) or None


def is_internal_href(href: str) -> bool:
    return bool(href) and not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE)


def lines_of(element: etree._Element) -> list[str]:
    """The element's text cut at its line breaks: "Macbeth<br/>Lennox" -> two names."""

    def text_of(node: etree._Element) -> str:
        out = node.text or ""
        for child in node:
            out += "\n" if local_name(child) == "br" else text_of(child)
            out += child.tail or ""
        return out

    return [normalise_space(line) for line in text_of(element).split("\n") if line.strip()]


def element_text(element: etree._Element) -> str:
    """All the text inside an element in document order, scripts and styles left out, a
    space between block-level elements."""
    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        name = local_name(node)
        if event in ("comment", "pi"):
            parts.append(node.tail or "")
            continue
        spaced = name in BLOCK_TAGS or name in HEADING_TAGS or name == "br"
        if event == "start":
            if name in ("script", "style") or not name:
                walker.skip_subtree()
                if node is not element and node.tail:
                    parts.append(node.tail)
                continue
            parts.append(" " if spaced else "")
            parts.append(node.text or "")
        else:
            parts.append(" " if spaced else "")
            if node is not element and node.tail:
                parts.append(node.tail)
    return normalise_space("".join(parts))


# ---------------------------------------------------------------- notes across documents


@dataclass
class NoteIndex:
    """Which elements are notes and which links cite them, across the whole book.

    Found before any text is read, because a note is often in another document than the
    paragraph that cites it (endnotes), and a library's note is often marked only by being
    the target of a link whose text is "[1]"."""

    notes: dict[etree._Element, str] = field(default_factory=dict)  # note -> "path#id"
    refs: dict[etree._Element, str] = field(default_factory=dict)  # citing link -> note id
    ref_ids: set[str] = field(default_factory=set)  # "path#id" of citing links (backlinks)

    def add_document(self, document: ParsedDocument) -> None:
        """Remember the notes a document marks as notes."""
        for element in document.root.iter():
            if isinstance(element.tag, str) and is_note(element) and element not in self.notes:
                self.notes[element] = f"{document.path}#{self.id_of(element)}"

    def id_of(self, note: etree._Element) -> str:
        """The note's id, or the first id inside it; else one made up, unique in the book."""
        found = next((e.get("id") for e in note.iter() if e.get("id")), None)
        return found or f"note-{len(self.notes) + 1}"

    def add_links(self, document: ParsedDocument, ids: dict[str, etree._Element]) -> None:
        """Find the links in a document that cite a note (by markup or by looking like one)."""
        for link in document.root.iter():
            if local_name(link) != "a" or not is_internal_href(link.get("href") or ""):
                continue
            path, fragment = resolve_href(document.path, link.get("href") or "")
            target = ids.get(f"{path}#{fragment}") if fragment else None
            note = note_container(target) if target is not None else None
            if note is None or note is link or is_ancestor(note, link):
                continue
            if not (is_marked_noteref(link) or looks_like_noteref(link, note in self.notes)):
                continue
            self.notes.setdefault(note, f"{path}#{note.get('id') or fragment}")
            self.refs[link] = self.notes[note]
            if link.get("id"):
                self.ref_ids.add(f"{document.path}#{link.get('id')}")


def is_marked_noteref(link: etree._Element) -> bool:
    return has_semantic(link, NOTEREF_TYPES, NOTEREF_ROLES, NOTEREF_CLASSES)


def looks_like_noteref(link: etree._Element, target_is_note: bool) -> bool:
    """A link whose text is a note mark ("[1]", "*") and that is superscript or points at
    something marked as a note."""
    if not NOTE_MARK_RE.match("".join(link.itertext())):
        return False
    parent = link.getparent()
    superscript = local_name(link) == "sup" or any(local_name(c) == "sup" for c in link)
    superscript = superscript or (parent is not None and local_name(parent) == "sup")
    return superscript or target_is_note


def note_container(target: etree._Element) -> etree._Element | None:
    """The note a link's target belongs to: the nearest element marked as a note, or else
    the nearest paragraph-like block (a bare "[1] …" paragraph). None for a heading or a
    whole section, which are not notes."""
    block = None
    for element in (target, *target.iterancestors()):
        if isinstance(element.tag, str) and is_note(element):
            return element
        name = local_name(element)
        if block is None and name in ("p", "li", "dd", "aside", "div", "td"):
            block = element
        if name in HEADING_TAGS or name in ("body", "section", "article", "html"):
            break
    if block is None or len(element_text(block)) > 5000:
        return None
    return block


def is_ancestor(ancestor: etree._Element, element: etree._Element) -> bool:
    return any(a is ancestor for a in element.iterancestors())


# ---------------------------------------------------------------- the walk


@dataclass(frozen=True)
class PlacedBlock:
    """A block as found in its document: what else the assembly needs to know of it."""

    block: EbookBlock
    path: str  # archive path of its document
    anchors: tuple[str, ...]  # "path#id" of every id that begins at this block
    link_share: float = 0.0  # share of its text that is internal links (a table of contents)


@dataclass
class _Context:
    """What text met inside an element becomes."""

    kind: BlockKind
    joined: str | None = None  # join inner paragraphs with this, into one block
    level: int = 0
    note_id: str | None = None
    speaker: str | None = None


class _Separator(str):
    """Marks a boundary inside a joined block (hgroup, table row, note)."""

    __slots__ = ()


@dataclass
class DocumentWalk:
    """Walks one document's body and collects its blocks and what it skips.

    Block boundaries come from block-level elements; inline markup (i, em, abbr, span, b,
    a) is flattened into its paragraph's text."""

    path: str
    notes: NoteIndex
    anchors: list[str] = field(default_factory=list)  # ids met, waiting for the next block
    blocks: list[PlacedBlock] = field(default_factory=list)
    skipped: list[SkippedPart] = field(default_factory=list)
    _contexts: list[_Context] = field(default_factory=lambda: [_Context(BlockKind.PARAGRAPH)])
    _parts: list[str] = field(default_factory=list)
    _refs: list[str] = field(default_factory=list)
    _pages: list[str] = field(default_factory=list)
    _link_depth: int = 0
    _link_chars: int = 0
    _play_tables: dict[etree._Element, bool] = field(default_factory=dict)

    def walk_document(self, root: etree._Element) -> None:
        self.anchors.append(self.path)
        body = next((e for e in root.iter() if local_name(e) == "body"), root)
        try:
            self.walk(body)
        except RecursionError:  # markup nested thousands deep: read it as one paragraph
            self.blocks, self.skipped, self._pages, self._refs = [], [], [], []
            self._parts = [" ".join(body.itertext())]
        self.flush()
        self._emit_pages()

    def walk(self, element: etree._Element) -> None:
        name = local_name(element)
        if not name:
            return
        if element.get("id"):
            self.anchors.append(f"{self.path}#{element.get('id')}")
        if reason := skip_reason(element):
            self.skip(element, reason)
        elif element in self.notes.refs:
            self._refs.append(self.notes.refs[element])
        elif (
            name in IGNORED_TAGS
            or classes(element) & IGNORED_CLASSES
            or is_backlink(element)
            or self._is_note_backlink(element)
        ):
            return
        elif element in self.notes.notes:
            self.note(element)
        elif is_page_break(element):
            self._pages.append(page_label(element))
        elif name == "br":
            self.line_break()
        elif name == "hr":
            self.flush()
            self.emit(BlockKind.SCENE_BREAK, "")
        elif name in HEADING_TAGS:
            self.block(element, _Context(BlockKind.HEADING, " ", HEADING_TAGS[name]))
        elif name == "hgroup":
            rank = min(
                (
                    HEADING_TAGS[local_name(e)]
                    for e in element.iter()
                    if local_name(e) in HEADING_TAGS
                ),
                default=1,
            )
            self.block(element, _Context(BlockKind.HEADING, ". ", rank))
        elif name == "tr":
            self.table_row(element)
        elif name in BLOCK_TAGS:
            self.block(element, self.context_of(element))
        else:
            self.inline(element)

    def _is_note_backlink(self, element: etree._Element) -> bool:
        """A link inside a note back to the mark that cites it ("↩", "[1]")."""
        if local_name(element) != "a" or not self._in_note():
            return False
        href = element.get("href") or ""
        if not is_internal_href(href):
            return False
        path, fragment = resolve_href(self.path, href)
        return f"{path}#{fragment}" in self.notes.ref_ids

    def _in_note(self) -> bool:
        return any(c.kind == BlockKind.NOTE for c in self._contexts)

    def context_of(self, element: etree._Element) -> _Context | None:
        """The context a block-level element opens, or None to keep the enclosing one."""
        name = local_name(element)
        if is_poem(element):
            return _Context(BlockKind.VERSE_LINE)
        if (
            name == "blockquote"
            or epub_types(element) & EPIGRAPH_TYPES
            or roles(element) & EPIGRAPH_ROLES
            or classes(element) & EPIGRAPH_CLASSES
        ):
            return _Context(BlockKind.QUOTE)
        if name in ("figcaption", "caption") or classes(element) & CAPTION_CLASSES:
            return _Context(BlockKind.CAPTION, " ")
        if name == "li":
            return _Context(BlockKind.LIST_ITEM, " ")
        if name == "aside":
            return _Context(BlockKind.ASIDE)
        return None

    def block(self, element: etree._Element, context: _Context | None) -> None:
        self.flush()
        with self._within(context):
            self.children(element)
            self.flush(final=context is not None and context.joined is not None)

    def inline(self, element: etree._Element) -> None:
        internal_link = local_name(element) == "a" and is_internal_href(element.get("href") or "")
        self._link_depth += internal_link
        self.children(element)
        self._link_depth -= internal_link

    def children(self, element: etree._Element) -> None:
        """The text inside an element; a stage direction's in brackets, as plain-text plays
        print it, so speakers tell it from the speech around it ("[Aside.] Glamis…")."""
        direction = bool(epub_types(element) & STAGE_DIRECTION_TYPES)
        if direction:
            self.text(" [")
        self.text(element.text)
        for child in element:
            self.walk(child)
            self.text(child.tail)
        if direction:
            self.text("] ")

    def text(self, text: str | None) -> None:
        if text:
            self._parts.append(text)
            if self._link_depth:
                self._link_chars += len(text.strip())

    def note(self, element: etree._Element) -> None:
        self.flush()
        with self._within(_Context(BlockKind.NOTE, " ", note_id=self.notes.notes[element])):
            self.children(element)
            self.flush(final=True)

    def table_row(self, row: etree._Element) -> None:
        """A row, its cells in order; a play's row (persona, speech) as a speaker's turn."""
        cells = [c for c in row if local_name(c) in ("td", "th")]
        personas = [c for c in cells if epub_types(c) & PERSONA_TYPES]
        if not personas:
            kind = BlockKind.PARAGRAPH if self._in_play(row) else BlockKind.TABLE_ROW
            self.block(row, _Context(kind, ", " if kind == BlockKind.TABLE_ROW else " "))
            return
        names = [name for cell in personas for name in lines_of(cell)]
        speaker = " and ".join(name.rstrip(".:") for name in names)
        self.flush()
        with self._within(_Context(BlockKind.PARAGRAPH, " ", speaker=speaker or None)):
            for cell in cells:
                if cell not in personas:
                    self.walk(cell)
            self.flush(final=True)

    def _in_play(self, row: etree._Element) -> bool:
        """A row of a table that holds a play's speeches (a stage direction's row)."""
        table = next((a for a in row.iterancestors() if local_name(a) == "table"), None)
        if table is None:
            return False
        if table not in self._play_tables:
            self._play_tables[table] = any(
                epub_types(cell) & PERSONA_TYPES
                for cell in table.iter()
                if local_name(cell) == "td"
            )
        return self._play_tables[table]

    def line_break(self) -> None:
        """A verse's line ends at <br/>; in prose a <br/> is only a space."""
        if self._innermost().kind == BlockKind.VERSE_LINE and not self._joined():
            self.flush()
        else:
            self._parts.append(" ")

    def skip(self, element: etree._Element, reason: str) -> None:
        self.flush()
        text = element_text(element)
        source = f"{self.path}#{element.get('id')}" if element.get("id") else self.path
        excerpt = text if len(text) <= 120 else text[:119].rstrip() + "…"
        self.skipped.append(SkippedPart(source, reason, excerpt, len(text.split())))

    def flush(self, *, final: bool = False) -> None:
        """End the paragraph being gathered: a block of its own, or a boundary inside the
        joined block (heading group, table row, note) that encloses it."""
        joined = [c for c in self._contexts if c.joined is not None]
        if joined and not (final and len(joined) == 1):
            if "".join(self._parts).strip():
                self._parts.append(_Separator(joined[-1].joined or " "))
            return
        context = joined[0] if joined else self._innermost()
        text = self._joined_text()
        share = self._link_chars / max(len(text.replace(" ", "")), 1)
        self._parts, self._link_chars = [], 0
        refs, self._refs = tuple(dict.fromkeys(self._refs)), []
        if not text:
            self._emit_pages()
            if refs and self.blocks:  # a mark standing after its paragraph
                last = self.blocks[-1]
                merged = (*last.block.note_refs, *refs)
                self.blocks[-1] = _with_refs(last, tuple(dict.fromkeys(merged)))
            return
        self._emit_pages()
        self.emit(context.kind, text, context, refs, share)

    def emit(
        self,
        kind: BlockKind,
        text: str,
        context: _Context | None = None,
        refs: tuple[str, ...] = (),
        link_share: float = 0.0,
        page: str | None = None,
    ) -> None:
        context = context or _Context(kind)
        block = EbookBlock(
            kind=kind,
            text=text,
            level=context.level,
            page=page,
            note_id=context.note_id,
            note_refs=refs,
            speaker=context.speaker,
        )
        self.blocks.append(PlacedBlock(block, self.path, tuple(self.anchors), link_share))
        self.anchors = []

    def _emit_pages(self) -> None:
        pages, self._pages = self._pages, []
        for label in pages:
            self.emit(BlockKind.PAGE_BREAK, "", page=label)

    def _joined_text(self) -> str:
        """The gathered parts as one line, a separator only between two pieces of text."""
        pieces: list[str] = []
        pending: str | None = None
        for part in self._parts:
            if isinstance(part, _Separator):
                if pending is None or part.strip():
                    pending = str(part)
                continue
            if pending is not None:
                if not part.strip():
                    continue
                so_far = "".join(pieces).rstrip()
                if so_far:
                    weak = so_far[-1] in ".!?:;—,"
                    pieces = [so_far, " " if weak else pending]
                pending = None
            pieces.append(part)
        return normalise_space("".join(pieces))

    def _innermost(self) -> _Context:
        return self._contexts[-1]

    def _joined(self) -> bool:
        return any(c.joined is not None for c in self._contexts)

    @contextmanager
    def _within(self, context: _Context | None) -> Iterator[None]:
        if context is None:
            yield
            return
        self._contexts.append(context)
        try:
            yield
        finally:
            self._contexts.pop()


def _with_refs(placed: PlacedBlock, refs: tuple[str, ...]) -> PlacedBlock:
    return replace(placed, block=replace(placed.block, note_refs=refs))


def ids_of(document: ParsedDocument) -> dict[str, etree._Element]:
    """Every element with an id (or an old-style <a name>), as "path#id"."""
    found: dict[str, etree._Element] = {}
    for element in document.root.iter():
        if not isinstance(element.tag, str):
            continue
        for key in (element.get("id"), element.get("name") if local_name(element) == "a" else None):
            if key:
                found.setdefault(f"{document.path}#{key}", element)
    return found
