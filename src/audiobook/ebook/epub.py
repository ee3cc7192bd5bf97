"""EPUB 2 and 3 into an `Ebook`: container, package document, table of contents, then each
content document in spine order (read by audiobook.ebook.xhtml).

Real EPUBs are messy, so everything that can be read is read, and each kind of problem
becomes one warning on the Ebook. What cannot be read at all (not a ZIP, no package
document, DRM) is a one-line UserError naming the file.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from audiobook.ebook.model import (
    BlockKind,
    Cover,
    Ebook,
    EbookBlock,
    EbookMetadata,
    EbookSection,
    SkippedPart,
)
from audiobook.ebook.xhtml import (
    NOTES_HEADING_RE,
    DocumentWalk,
    NoteIndex,
    ParsedDocument,
    PlacedBlock,
    element_text,
    epub_types,
    ids_of,
    local_name,
    named_entities_as_numbers,
    normalise_space,
    parse_document,
    resolve_href,
    roles,
)
from audiobook.errors import UserError
from audiobook.reading import MAX_INPUT_BYTES

log = logging.getLogger(__name__)

CONTAINER_PATH = "META-INF/container.xml"
ENCRYPTION_PATH = "META-INF/encryption.xml"
# Files whose presence means a DRM scheme, and its name for the error.
DRM_MARKERS = {
    "META-INF/rights.xml": "Adobe ADEPT",
    "META-INF/license.lcpl": "Readium LCP",
    "META-INF/sinf.xml": "Apple FairPlay",
}
# Font obfuscation (IDPF, Adobe) scrambles embedded fonts only; the text stays readable.
FONT_OBFUSCATION_ALGORITHMS = frozenset(
    {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
)
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2", ".ttc", ".pfb")
CONTENT_MEDIA_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/html"})
NCX_MEDIA_TYPE = "application/x-dtbncx+xml"
MAX_ARCHIVE_MEMBERS = 50_000  # an EPUB has hundreds; a zip of millions is an attack
MAX_COVER_BYTES = 20 * 2**20
# Landmarks and EPUB 2 guide entries naming a whole document that is not the book.
LANDMARK_SKIPPED = frozenset(
    "cover title-page titlepage toc copyright-page copyright colophon index loi lot imprint".split()
)
# A landmark naming a whole document is trusted only for a short one (or an index):
# old converters put the whole book in one file and point "toc" at it.
LANDMARK_MAX_WORDS = 3000
LINK_LIST_SHARE = 0.8  # a paragraph this much link text is a table-of-contents line
LINK_LIST_MIN_RUN = 3
LINK_ROW_MAX_WORDS = 15  # a table row or list item this short, with a link, is a contents line
CONTENTS_HEADING_RE = re.compile(
    r"^\W*(?:(?:table\s+of\s+)?contents|inhalt|inhaltsverzeichnis|sommaire|table des mati"
    r"ères|índice|indice|inhoud|inhoudsopgave|innehåll|indhold|sisällys|sommario|contenido|"
    r"conteúdo|spis treści|оглавление|содержание)\W*$",
    re.IGNORECASE,
)
# An index typed as text: a back-matter section so titled, of short lines.
INDEX_TITLE_RE = re.compile(
    r"^\W*(?:general\s+|subject\s+|analytical\s+)?index\b|^\W*index\s+of\b|^\W*register\W*$",
    re.IGNORECASE,
)
INDEX_MAX_WORDS_PER_LINE = 15
GUTENBERG_START_RE = re.compile(r"\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG", re.IGNORECASE)
GUTENBERG_END_RE = re.compile(r"\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.IGNORECASE)
GUTENBERG_END_LINE_RE = re.compile(r"^End of (?:the )?Project Gutenberg", re.IGNORECASE)

XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
RECOVERING_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=True
)

# Kinds of problem, each warned about once with its first place and a count.
WARNING_TEXTS = {
    "html": "not well-formed XHTML, read with a tolerant HTML parser",
    "encoding": "encoding missing or wrong, guessed",
    "missing": "named in the package but missing from the archive",
    "damaged": "damaged in the archive, left out",
    "no-container": "META-INF/container.xml is missing; used the package document found",
    "opf-broken": "package document is not well-formed XML, read what could be",
    "no-toc": "no table of contents (nav or NCX); chapters found from headings",
    "few-toc": "table of contents lists fewer than two chapters; chapters found from headings",
    "toc-anchor": "table of contents points at an id that is not there; used the document start",
    "toc-nowhere": "table of contents points at a document that is not in the spine",
    "toc-order": "table of contents is not in reading order; out-of-order entries left out",
    "cover": "cover image named in the package is missing or too large",
}


# ---------------------------------------------------------------- small pieces


class Warnings:
    """Problems met while reading: one line per kind, naming its first place."""

    def __init__(self) -> None:
        self._places: dict[str, list[str]] = {}

    def add(self, kind: str, place: str) -> None:
        places = self._places.setdefault(kind, [])
        if not places:
            log.warning("%s: %s", place, WARNING_TEXTS[kind])
        places.append(place)

    def lines(self) -> tuple[str, ...]:
        return tuple(
            f"{places[0]}: {WARNING_TEXTS[kind]}"
            + (f" (and {len(places) - 1} more)" if len(places) > 1 else "")
            for kind, places in self._places.items()
        )


class Archive:
    """The EPUB's ZIP, read with limits: no member is trusted to be the size it claims."""

    def __init__(self, zip_file: zipfile.ZipFile, path: Path) -> None:
        self.zip = zip_file
        self.path = path
        self.names = {info.filename: info for info in zip_file.infolist()}
        self._lower = {name.lower(): name for name in self.names}

    def find(self, name: str) -> str | None:
        """The member's real name: exact, or differing only in case (made on Windows)."""
        if name in self.names:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str, limit: int) -> bytes:
        """A member's bytes; more than `limit` raises TooLarge, unread beyond it."""
        with self.zip.open(name) as member:
            data = member.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(name)
        return data


class TooLargeError(Exception):
    """A member (or the text as a whole) is over its limit."""


@dataclass(frozen=True)
class ManifestItem:
    id: str
    path: str  # archive path
    media_type: str
    properties: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Package:
    """What the package document (OPF) says, paths resolved to archive paths."""

    path: str
    root: etree._Element
    manifest: dict[str, ManifestItem]  # by id
    spine: tuple[tuple[ManifestItem, bool], ...]  # (item, linear) in reading order
    ncx_id: str | None  # the spine's toc attribute (EPUB 2)
    guide: tuple[tuple[str, str, str | None], ...]  # (type, path, fragment)


@dataclass(frozen=True)
class TocEntry:
    title: str
    path: str
    fragment: str | None
    level: int  # 1 for a top-level entry


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def descendants(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (node for node in element.iter() if local_name(node) == name)


def attribute(element: etree._Element, name: str) -> str | None:
    """An attribute with or without a namespace (opf:role, role)."""
    for key, value in element.attrib.items():
        if key == name or key.rsplit("}", 1)[-1] == name or key.endswith(f":{name}"):
            return value
    return None


# ---------------------------------------------------------------- the archive


def open_archive(path: Path) -> zipfile.ZipFile:
    """The file as a ZIP, or a UserError saying why it is not an EPUB."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not an EPUB file")
    try:
        zip_file = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        with path.open("rb") as f:
            zip_like = f.read(4) == b"PK\x03\x04"
        what = "a damaged ZIP archive: cut short or corrupted" if zip_like else "not a ZIP archive"
        raise UserError(f"{path}: not an EPUB (it is {what})") from e
    except PermissionError as e:
        raise UserError(f"{path}: permission denied") from e
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror or e})") from e
    if len(zip_file.infolist()) > MAX_ARCHIVE_MEMBERS:
        zip_file.close()
        raise UserError(f"{path}: not an EPUB (a ZIP of over {MAX_ARCHIVE_MEMBERS:,} files)")
    return zip_file


def refuse_drm(archive: Archive) -> None:
    """A DRM-protected EPUB has its text encrypted: say so rather than read noise."""
    for marker, scheme in DRM_MARKERS.items():
        if archive.find(marker):
            raise drm_error(archive.path, scheme)
    name = archive.find(ENCRYPTION_PATH)
    if not name:
        return
    try:
        root = etree.fromstring(archive.read(name, 2**22), RECOVERING_XML_PARSER)
    except (TooLargeError, etree.XMLSyntaxError, zipfile.BadZipFile) as e:
        raise drm_error(archive.path, "an unreadable encryption.xml") from e
    encrypted = [
        reference.get("URI", "")
        for data in descendants(root, "encrypteddata")
        if not _is_font_obfuscation(data)
        for reference in descendants(data, "cipherreference")
    ]
    if encrypted:
        count = f"{len(encrypted)} encrypted file{'s' * (len(encrypted) > 1)}"
        raise drm_error(archive.path, count)


def _is_font_obfuscation(data: etree._Element) -> bool:
    methods = [m.get("Algorithm", "") for m in descendants(data, "encryptionmethod")]
    uris = [r.get("URI", "") for r in descendants(data, "cipherreference")]
    if methods and all(m in FONT_OBFUSCATION_ALGORITHMS for m in methods):
        return True
    return bool(uris) and all(uri.lower().endswith(FONT_SUFFIXES) for uri in uris)


def drm_error(path: Path, scheme: str) -> UserError:
    return UserError(f"{path}: this EPUB is protected by DRM ({scheme}); audiobook cannot read it")


# ---------------------------------------------------------------- the package document


def find_package_path(archive: Archive, warnings: Warnings) -> str:
    """The OPF's archive path, from META-INF/container.xml (or the only .opf there is)."""
    name = archive.find(CONTAINER_PATH)
    if name:
        root = parse_xml(archive, name, 2**20)
        for rootfile in descendants(root, "rootfile"):
            full_path = (rootfile.get("full-path") or "").lstrip("/")
            media_type = rootfile.get("media-type") or "application/oebps-package+xml"
            if full_path and media_type == "application/oebps-package+xml":
                found = archive.find(full_path)
                if not found:
                    raise UserError(
                        f"{archive.path}: not a readable EPUB (its package document "
                        f"{full_path}, named in {CONTAINER_PATH}, is missing)"
                    )
                return found
    opf_files = [n for n in archive.names if n.lower().endswith(".opf")]
    if len(opf_files) == 1:
        warnings.add("no-container", opf_files[0])
        return opf_files[0]
    what = CONTAINER_PATH if not name else f"a package document in {CONTAINER_PATH}"
    raise UserError(f"{archive.path}: not an EPUB (a ZIP archive without {what})")


def parse_xml(archive: Archive, name: str, limit: int, warnings: Warnings | None = None):
    """A small XML file of the package (container, OPF, NCX), recovering from errors."""
    try:
        data = archive.read(name, limit)
    except TooLargeError as e:
        raise UserError(f"{archive.path}: {name} is over {limit // 2**20} MB") from e
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise UserError(f"{archive.path}: {name} is damaged in the archive ({e})") from e
    data = named_entities_as_numbers(data)  # an NCX's titles may spell "&eacute;"
    try:
        return etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError:
        pass
    root = etree.fromstring(data, RECOVERING_XML_PARSER) if data.strip() else None
    if root is None:
        raise UserError(f"{archive.path}: {name} is not readable XML")
    if warnings is not None:
        warnings.add("opf-broken", name)
    return root


def read_package(archive: Archive, warnings: Warnings) -> Package:
    opf_path = find_package_path(archive, warnings)
    root = parse_xml(archive, opf_path, 2**24, warnings)
    manifest = {}
    for item in descendants(root, "item"):
        if not item.get("href"):
            continue
        path, _ = resolve_href(opf_path, item.get("href", ""))
        properties = frozenset((item.get("properties") or "").split())
        item_id = item.get("id") or path
        manifest[item_id] = ManifestItem(
            item_id, path, (item.get("media-type") or "").lower(), properties
        )
    spine_element = next(descendants(root, "spine"), None)
    spine = []
    for itemref in descendants(root, "itemref"):
        item = manifest.get(itemref.get("idref") or "")
        if item is None:
            warnings.add("missing", f"spine item {itemref.get('idref')}")
            continue
        spine.append((item, (itemref.get("linear") or "yes").strip().lower() != "no"))
    guide = tuple(
        (ref.get("type", "").lower(), *resolve_href(opf_path, ref.get("href", "")))
        for ref in descendants(root, "reference")
        if ref.get("href")
    )
    ncx_id = spine_element.get("toc") if spine_element is not None else None
    return Package(opf_path, root, manifest, tuple(spine), ncx_id, guide)


# ---------------------------------------------------------------- metadata


def read_metadata(archive: Archive, package: Package, warnings: Warnings) -> EbookMetadata:
    metadata = next(descendants(package.root, "metadata"), package.root)
    refinements = _refinements(metadata)
    return EbookMetadata(
        title=_title(metadata, refinements),
        authors=_authors(metadata, refinements),
        language=_first_text(metadata, "language"),
        publisher=_first_text(metadata, "publisher"),
        date=_date(metadata),
        identifier=_identifier(metadata, package.root.get("unique-identifier")),
        cover=read_cover(archive, package, warnings),
    )


def _refinements(metadata: etree._Element) -> dict[tuple[str, str], str]:
    """EPUB 3 <meta refines="#id" property="role">aut</meta>, as {(id, property): value}."""
    found: dict[tuple[str, str], str] = {}
    for meta in descendants(metadata, "meta"):
        refines, prop = meta.get("refines"), meta.get("property")
        if refines and prop:
            found.setdefault((refines.lstrip("#"), prop), normalise_space(meta.text or ""))
    return found


def _dc(metadata: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in descendants(metadata, name) if normalise_space(element_text(e))]


def _first_text(metadata: etree._Element, name: str) -> str | None:
    elements = _dc(metadata, name)
    return element_text(elements[0]) if elements else None


def _title(metadata: etree._Element, refinements: dict[tuple[str, str], str]) -> str | None:
    titles = _dc(metadata, "title")
    main = [t for t in titles if refinements.get((t.get("id") or "", "title-type")) == "main"]
    chosen = (main or titles)[:1]
    return element_text(chosen[0]) if chosen else None


def _authors(metadata: etree._Element, refinements: dict[tuple[str, str], str]) -> tuple[str, ...]:
    """Creators whose role is author; every creator when none says its role."""
    creators = _dc(metadata, "creator")
    role_of = [
        (attribute(c, "role") or refinements.get((c.get("id") or "", "role")) or "").lower()
        for c in creators
    ]
    authors = [c for c, role in zip(creators, role_of, strict=True) if role == "aut"]
    chosen = authors or [c for c, role in zip(creators, role_of, strict=True) if not role]
    return tuple(dict.fromkeys(element_text(c) for c in chosen or creators))


def _date(metadata: etree._Element) -> str | None:
    dates = _dc(metadata, "date")
    published = [d for d in dates if (attribute(d, "event") or "").lower() == "publication"]
    chosen = (published or dates)[:1]
    return element_text(chosen[0]) if chosen else None


def _identifier(metadata: etree._Element, unique_id: str | None) -> str | None:
    identifiers = _dc(metadata, "identifier")
    named = [i for i in identifiers if unique_id and i.get("id") == unique_id]
    chosen = (named or identifiers)[:1]
    return element_text(chosen[0]) if chosen else None


def cover_item(package: Package) -> ManifestItem | None:
    """EPUB 3's cover-image property, EPUB 2's <meta name="cover">, or an image called
    cover."""
    for item in package.manifest.values():
        if "cover-image" in item.properties:
            return item
    for meta in descendants(package.root, "meta"):
        if (meta.get("name") or "").lower() == "cover" and meta.get("content"):
            content = meta.get("content", "")
            named = package.manifest.get(content) or next(
                (i for i in package.manifest.values() if i.path.endswith(content)), None
            )
            if named is not None and named.media_type.startswith("image/"):
                return named
    return next(
        (
            i
            for i in package.manifest.values()
            if i.media_type.startswith("image/") and "cover" in (i.id + i.path).lower()
        ),
        None,
    )


def read_cover(archive: Archive, package: Package, warnings: Warnings) -> Cover | None:
    item = cover_item(package)
    if item is None:
        return None
    name = archive.find(item.path)
    try:
        if name is None:
            raise TooLargeError(item.path)
        data = archive.read(name, MAX_COVER_BYTES)
    except (TooLargeError, zipfile.BadZipFile, OSError, EOFError):
        warnings.add("cover", item.path)
        return None
    return Cover(data, item.media_type, name)


# ---------------------------------------------------------------- table of contents


def read_nav(archive: Archive, package: Package, warnings: Warnings) -> ParsedDocument | None:
    """The EPUB 3 navigation document, if the package names one."""
    nav = next((i for i in package.manifest.values() if "nav" in i.properties), None)
    return read_document(archive, nav.path, 2**24, warnings) if nav is not None else None


def read_toc(
    archive: Archive, package: Package, nav: ParsedDocument | None, warnings: Warnings
) -> list[TocEntry]:
    """Chapters and their depth: the EPUB 3 nav, else the EPUB 2 NCX; [] when neither."""
    entries = nav_entries(nav) if nav is not None else []
    if entries:
        return entries
    ncx = package.manifest.get(package.ncx_id or "") or next(
        (i for i in package.manifest.values() if i.media_type == NCX_MEDIA_TYPE), None
    )
    if ncx is not None and archive.find(ncx.path):
        root = parse_xml(archive, archive.find(ncx.path) or ncx.path, 2**24, warnings)
        nav_map = next(descendants(root, "navmap"), None)
        if nav_map is not None:
            return ncx_entries(nav_map, ncx.path, 1)
    return []


def nav_entries(document: ParsedDocument) -> list[TocEntry]:
    navs = list(descendants(document.root, "nav"))
    toc = next((n for n in navs if "toc" in epub_types(n) or "doc-toc" in roles(n)), None)
    if toc is None:
        return []
    top = next((e for e in toc.iter() if local_name(e) in ("ol", "ul")), None)
    return _list_entries(top, document.path, 1) if top is not None else []


def _list_entries(list_element: etree._Element, base: str, level: int) -> list[TocEntry]:
    entries = []
    for item in children(list_element, "li"):
        label = next((c for c in item if local_name(c) in ("a", "span")), None)
        if label is not None and label.get("href"):
            path, fragment = resolve_href(base, label.get("href", ""))
            entries.append(TocEntry(element_text(label), path, fragment, level))
        for sub in (c for c in item if local_name(c) in ("ol", "ul")):
            entries.extend(_list_entries(sub, base, level + 1))
    return entries


def ncx_entries(parent: etree._Element, base: str, level: int) -> list[TocEntry]:
    entries = []
    for point in children(parent, "navpoint"):
        content = next(descendants(point, "content"), None)
        label = next(descendants(point, "text"), None)
        if content is not None and content.get("src"):
            path, fragment = resolve_href(base, content.get("src", ""))
            title = element_text(label) if label is not None else ""
            entries.append(TocEntry(title, path, fragment, level))
        entries.extend(ncx_entries(point, base, level + 1))
    return entries


def landmark_skips(package: Package, nav: ParsedDocument | None) -> dict[str, str]:
    """Whole documents that the EPUB 3 landmarks or EPUB 2 guide call front or back matter
    not to be read: {path: type}. A landmark with a fragment names part of a document only,
    and the walk finds that part by its own markup."""
    marks = list(package.guide)
    if nav is not None:
        for link in descendants(nav.root, "a"):
            types = epub_types(link)
            if link.get("href") and types:
                path, fragment = resolve_href(nav.path, link.get("href", ""))  # type: ignore[union-attr]
                marks.extend((t, path, fragment) for t in types)
    return {
        path: kind for kind, path, fragment in marks if kind in LANDMARK_SKIPPED and not fragment
    }


# ---------------------------------------------------------------- content documents


def read_document(
    archive: Archive, path: str, limit: int, warnings: Warnings
) -> ParsedDocument | None:
    """A content document parsed, tolerantly; None (and a warning) when it cannot be read."""
    name = archive.find(path)
    if name is None:
        warnings.add("missing", path)
        return None
    try:
        data = archive.read(name, limit)
    except (zipfile.BadZipFile, OSError, EOFError):
        warnings.add("damaged", path)
        return None
    document = parse_document(data, name)
    if document.tolerant:
        warnings.add("html", name)
    if document.encoding_guessed:
        warnings.add("encoding", name)
    return document


@dataclass(frozen=True)
class SpineDocument:
    document: ParsedDocument
    read: bool  # False for linear="no" and front/back matter named by landmarks
    reason: str = ""  # why it is not read


def read_spine(
    archive: Archive, package: Package, max_bytes: int, warnings: Warnings
) -> list[SpineDocument]:
    """Every content document of the spine, parsed; the whole text is held to max_bytes."""
    items = [(item, linear) for item, linear in package.spine if _is_content(item)]
    declared = sum(
        archive.names[name].file_size for item, _ in items if (name := archive.find(item.path))
    )
    if declared > max_bytes:
        raise text_too_large(archive.path, declared, max_bytes)
    budget, parsed = max_bytes, []
    for item, linear in items:
        try:
            document = read_document(archive, item.path, budget, warnings)
        except TooLargeError as e:
            raise text_too_large(archive.path, max_bytes + 1, max_bytes) from e
        if document is None:
            continue
        budget -= archive.names[document.path].file_size
        parsed.append(SpineDocument(document, linear, "" if linear else "linear-no"))
    return parsed


def _is_content(item: ManifestItem) -> bool:
    return item.media_type in CONTENT_MEDIA_TYPES or (
        not item.media_type and item.path.lower().endswith((".xhtml", ".html", ".htm"))
    )


def text_too_large(path: Path, size: int, limit: int) -> UserError:
    more = "more than " if size > limit else ""
    return UserError(
        f"{path}: its text and markup come to {more}{size / 1e6:.1f} MB; books up to "
        f"{limit / 1e6:.1f} MB are read (split it into books)"
    )


# ---------------------------------------------------------------- reading order


@dataclass
class WalkResult:
    placed: list[PlacedBlock] = field(default_factory=list)
    skipped: list[SkippedPart] = field(default_factory=list)
    note_pool: dict[str, EbookBlock] = field(default_factory=dict)  # notes in unread parts


def walk_spine(documents: list[SpineDocument], notes: NoteIndex) -> WalkResult:
    """Every document's blocks in reading order; unread documents give only their notes."""
    result = WalkResult()
    carried: list[str] = []  # ids of documents with no text, for the next block
    for spine_document in documents:
        document = spine_document.document
        walk = DocumentWalk(
            document.path, notes, anchors=list(carried) if spine_document.read else []
        )
        walk.walk_document(document.root)
        result.skipped.extend(walk.skipped)
        if spine_document.read:
            result.placed.extend(walk.blocks)
            carried = walk.anchors
            continue
        kept = [p.block for p in walk.blocks if p.block.kind != BlockKind.NOTE]
        result.note_pool.update({p.block.note_id: p.block for p in walk.blocks if p.block.note_id})
        if kept:
            result.skipped.append(skipped_part(document.path, spine_document.reason, kept))
    if carried and result.placed:
        last = result.placed[-1]
        result.placed[-1] = replace(last, anchors=(*last.anchors, *carried))
    return result


def skipped_part(source: str, reason: str, blocks: Iterable[EbookBlock]) -> SkippedPart:
    text = " ".join(b.text for b in blocks if b.text)
    excerpt = text if len(text) <= 120 else text[:119].rstrip() + "…"
    return SkippedPart(source, reason, excerpt, len(text.split()))


def drop_blocks(placed: list[PlacedBlock], dropped: set[int], gone: set[str]) -> list[PlacedBlock]:
    """The blocks without those dropped. Their documents' starts go to the next block kept;
    the ids inside them go into `gone`, so a table-of-contents entry for a dropped heading
    ("Contents") is left out rather than moved."""
    kept: list[PlacedBlock] = []
    carried: list[str] = []
    for index, block in enumerate(placed):
        if index in dropped:
            carried.extend(a for a in block.anchors if "#" not in a)
            gone.update(a for a in block.anchors if "#" in a)
            continue
        kept.append(replace(block, anchors=(*carried, *block.anchors)) if carried else block)
        carried = []
    return kept


def drop_gutenberg_text(
    placed: list[PlacedBlock], skipped: list[SkippedPart], gone: set[str]
) -> list[PlacedBlock]:
    """Project Gutenberg's header (up to "*** START OF …") and licence (from "*** END OF
    …"), when they are text rather than marked-up sections."""
    texts = [p.block.text for p in placed]
    start = next((i for i, t in enumerate(texts) if GUTENBERG_START_RE.search(t)), None)
    end = next((i for i, t in enumerate(texts) if GUTENBERG_END_RE.search(t)), None)
    dropped: set[int] = set()
    if start is not None and start < len(texts) // 2 + 1:
        dropped.update(range(start + 1))
        skipped.append(
            skipped_part(placed[0].path, "gutenberg-header", (p.block for p in placed[: start + 1]))
        )
    if end is not None and (start is None or end > start):
        if end > 0 and GUTENBERG_END_LINE_RE.match(texts[end - 1]):
            end -= 1
        dropped.update(range(end, len(texts)))
        skipped.append(
            skipped_part(placed[end].path, "gutenberg-licence", (p.block for p in placed[end:]))
        )
    return drop_blocks(placed, dropped, gone) if dropped else placed


def drop_link_lists(
    placed: list[PlacedBlock], skipped: list[SkippedPart], gone: set[str]
) -> list[PlacedBlock]:
    """A table of contents typed into the text (runs of lines that are only links), with
    its "Contents" heading: the reader's own navigation, not the book."""
    dropped: set[int] = set()
    run: list[int] = []
    for index in range(len(placed) + 1):
        block = placed[index] if index < len(placed) else None
        if block is not None and block.block.kind == BlockKind.PAGE_BREAK:
            continue
        if block is not None and is_contents_line(block):
            run.append(index)
            continue
        if len(run) >= LINK_LIST_MIN_RUN:
            before = run[0] - 1
            if before >= 0 and CONTENTS_HEADING_RE.match(placed[before].block.text):
                run.insert(0, before)
            dropped.update(run)
            skipped.append(
                skipped_part(placed[run[0]].path, "toc-links", (placed[i].block for i in run))
            )
        run = []
    return drop_blocks(placed, dropped, gone) if dropped else placed


def is_contents_line(placed: PlacedBlock) -> bool:
    """A line of a typed table of contents: nearly all link, or a short row or list item
    with a link in it ("CHAPTER I. | Down the Rabbit-Hole")."""
    block = placed.block
    if not block.text or not placed.link_share:
        return False
    short_row = block.kind in (BlockKind.TABLE_ROW, BlockKind.LIST_ITEM) and (
        len(block.text.split()) <= LINK_ROW_MAX_WORDS
    )
    return placed.link_share >= LINK_LIST_SHARE or short_row


# ---------------------------------------------------------------- sections


@dataclass
class Span:
    """A section being assembled."""

    title: str
    level: int
    source: str
    fragment: str | None
    blocks: list[EbookBlock]


def spans_from_toc(
    placed: list[PlacedBlock],
    entries: list[TocEntry],
    spine: set[str],
    gone: set[str],
    warnings: Warnings,
) -> list[tuple[int, TocEntry]]:
    """Where each table-of-contents entry begins, as block indexes in reading order.

    An entry for a document with nothing read in it (a title page, a picture) is left out
    quietly; one for a document that is not in the spine at all is warned about."""
    first: dict[str, int] = {}
    for index, block in enumerate(placed):
        for anchor in block.anchors:
            first.setdefault(anchor, index)
    with_text = {block.path for block in placed}
    starts: list[tuple[int, TocEntry]] = []
    for entry in entries:
        if entry.path not in with_text:  # a title page, a picture, a document left out
            if entry.path not in spine:
                warnings.add("toc-nowhere", entry.path)
            continue
        if f"{entry.path}#{entry.fragment}" in gone:  # a heading dropped with its contents list
            continue
        found = first.get(f"{entry.path}#{entry.fragment}") if entry.fragment else None
        if found is None:
            found = first.get(entry.path)
            if found is None:
                continue
            if entry.fragment:
                warnings.add("toc-anchor", f"{entry.path}#{entry.fragment}")
        if starts and found < starts[-1][0]:
            warnings.add("toc-order", f"{entry.path} ({entry.title})")
            continue
        starts.append((found, entry))
    return relevel(entries, starts)


def relevel(
    entries: list[TocEntry], starts: list[tuple[int, TocEntry]]
) -> list[tuple[int, TocEntry]]:
    """Depths counted over the entries kept: the acts under a half-title page that is not
    read become top-level, as a listener meets them."""
    kept = {id(entry) for _, entry in starts}
    depth: dict[int, int] = {}
    stack: list[tuple[int, bool]] = []  # (original level, kept) of the open ancestors
    for entry in entries:
        while stack and stack[-1][0] >= entry.level:
            stack.pop()
        depth[id(entry)] = 1 + sum(1 for _, was_kept in stack if was_kept)
        stack.append((entry.level, id(entry) in kept))
    return [(index, replace(entry, level=depth[id(entry)])) for index, entry in starts]


def sections_from_toc(
    placed: list[PlacedBlock], starts: list[tuple[int, TocEntry]], book_title: str
) -> list[Span]:
    spans = []
    if not starts or starts[0][0] > 0:
        end = starts[0][0] if starts else len(placed)
        spans.extend(_opening_span(placed[:end], book_title))
    for number, (index, entry) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(placed)
        blocks = [p.block for p in placed[index:end]]
        source = placed[index].path if index < len(placed) else entry.path
        spans.append(Span(entry.title, entry.level, source, entry.fragment, blocks))
    return spans


def _opening_span(placed: list[PlacedBlock], book_title: str) -> list[Span]:
    """Text before the first chapter (an epigraph, a title page in the text), if any."""
    blocks = [p.block for p in placed]
    if not any(b.text for b in blocks):
        return [] if not blocks else [Span(book_title, 1, placed[0].path, None, blocks)]
    heading = next((b.text for b in blocks if b.kind == BlockKind.HEADING), book_title)
    return [Span(heading, 1, placed[0].path, None, blocks)]


def sections_from_headings(placed: list[PlacedBlock], book_title: str) -> list[Span]:
    """Without a usable table of contents: each run of headings begins a section, its depth
    the rank of its first heading among the ranks the book uses.

    The book's own title, printed once above everything in a rank of its own ("<h1>THE
    SALT ROAD</h1>" over "<h2>CHAPTER I…</h2>"), is a section by itself at the top level,
    not the parent of every chapter."""
    headings = [p for p in placed if p.block.kind == BlockKind.HEADING]
    ranks = sorted({p.block.level for p in headings})
    title_rank = _title_rank(placed, headings, ranks)
    if title_rank is not None and len(ranks) > 1:
        ranks.remove(title_rank)
    depth = {rank: number + 1 for number, rank in enumerate(ranks)}
    if title_rank is not None:
        depth[title_rank] = 1
    starts: list[int] = []
    after_heading = False
    for index, block in enumerate(placed):
        if block.block.kind == BlockKind.PAGE_BREAK:
            continue
        is_heading = block.block.kind == BlockKind.HEADING
        if is_heading and (not after_heading or block.block.level == title_rank):
            starts.append(index)
        after_heading = is_heading and block.block.level != title_rank
    spans = _opening_span(placed[: starts[0]], book_title) if starts else []
    if not starts:
        return _opening_span(placed, book_title)
    for number, index in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(placed)
        blocks = [p.block for p in placed[index:end]]
        opening: list[EbookBlock] = []
        for ebook_block in blocks:
            if ebook_block.kind == BlockKind.HEADING:
                opening.append(ebook_block)
            elif ebook_block.kind != BlockKind.PAGE_BREAK:
                break
        title = ". ".join(h.text.rstrip(".") for h in opening)
        spans.append(Span(title, depth[opening[0].level], placed[index].path, None, blocks))
    return spans


def _title_rank(
    placed: list[PlacedBlock], headings: list[PlacedBlock], ranks: list[int]
) -> int | None:
    """The rank of the book's title: the first heading, the only one of the highest rank,
    with another heading right after it (a heading with its own text is an article's)."""
    if not headings or len(ranks) < 2 or headings[0].block.level != ranks[0]:
        return None
    if sum(1 for p in headings if p.block.level == ranks[0]) > 1:
        return None
    start = placed.index(headings[0])
    following = next(
        (p.block for p in placed[start + 1 :] if p.block.kind != BlockKind.PAGE_BREAK), None
    )
    return ranks[0] if following is not None and following.kind == BlockKind.HEADING else None


# ---------------------------------------------------------------- notes


def attach_notes(
    spans: list[Span], pool: dict[str, EbookBlock], skipped: list[SkippedPart]
) -> list[Span]:
    """Each cited note right after the paragraph that first cites it (notes it cites in
    turn after it); a notes section left with nothing but its heading is dropped."""
    notes = {**pool}
    for span in spans:
        notes.update({b.note_id: b for b in span.blocks if b.kind == BlockKind.NOTE and b.note_id})
    placed_notes: set[str] = set()

    def follow(block: EbookBlock) -> list[EbookBlock]:
        out = [block]
        for ref in block.note_refs:
            if ref in notes and ref not in placed_notes and ref != block.note_id:
                placed_notes.add(ref)
                out.extend(follow(notes[ref]))
        return out

    plans = [
        [follow(b) if b.kind != BlockKind.NOTE else [b] for b in span.blocks] for span in spans
    ]
    kept = []
    for span, plan in zip(spans, plans, strict=True):
        blocks, moved = [], 0
        for block, with_notes in zip(span.blocks, plan, strict=True):
            if block.kind == BlockKind.NOTE and block.note_id in placed_notes:
                moved += 1
                continue
            blocks.extend(with_notes)
        if moved:
            blocks = _drop_empty_notes_headings(blocks)
        if moved and not any(b.text for b in blocks if b.kind != BlockKind.HEADING):
            skipped.append(
                SkippedPart(
                    span.source,
                    "notes-moved",
                    f"{span.title}: {moved} note{'s' * (moved > 1)}, "
                    "read after the paragraphs that cite them",
                    0,
                )
            )
            continue
        kept.append(replace(span, blocks=blocks))
    return kept


def drop_index_sections(spans: list[Span], skipped: list[SkippedPart]) -> list[Span]:
    """An index that its markup does not mark: a section in the back half of the book,
    titled "Index", whose lines are short. Page numbers read aloud help no listener."""
    kept = []
    for number, span in enumerate(spans):
        lines = [b for b in span.blocks if b.text and b.kind != BlockKind.HEADING]
        words = sum(len(b.text.split()) for b in lines)
        if (
            number >= len(spans) / 2
            and INDEX_TITLE_RE.match(span.title)
            and lines
            and words / len(lines) <= INDEX_MAX_WORDS_PER_LINE
        ):
            skipped.append(skipped_part(span.source, "index", span.blocks))
            continue
        kept.append(span)
    return kept


def _drop_empty_notes_headings(blocks: list[EbookBlock]) -> list[EbookBlock]:
    """A "Footnotes" heading whose notes have all moved away."""
    kept = []
    for index, block in enumerate(blocks):
        following = next((b for b in blocks[index + 1 :] if b.kind != BlockKind.PAGE_BREAK), None)
        empty = following is None or following.kind == BlockKind.HEADING
        if block.kind == BlockKind.HEADING and empty and NOTES_HEADING_RE.match(block.text):
            continue
        kept.append(block)
    return kept


# ---------------------------------------------------------------- the whole book


def read_epub(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Ebook:
    """Read an EPUB 2 or 3 file into sections of plain blocks, or raise a UserError.

    `max_bytes` (reading.MAX_INPUT_BYTES, the project's text limit) bounds the content
    documents together, whatever sizes the ZIP claims: a zip bomb stops there."""
    warnings = Warnings()
    with open_archive(path) as zip_file:
        archive = Archive(zip_file, path)
        refuse_drm(archive)
        package = read_package(archive, warnings)
        metadata = read_metadata(archive, package, warnings)
        documents = read_spine(archive, package, max_bytes, warnings)
        nav = read_nav(archive, package, warnings)
        entries = read_toc(archive, package, nav, warnings)
    skips = landmark_skips(package, nav)
    return assemble(
        metadata, package.path, [_with_landmark(d, skips) for d in documents], entries, warnings
    )


def assemble(
    metadata: EbookMetadata,
    source: str,
    documents: list[SpineDocument],
    entries: list[TocEntry] | None,
    warnings: Warnings,
) -> Ebook:
    """The parsed documents into sections: notes found, front and back matter left out,
    sections cut where the table of contents (or the headings) say. `entries` is None for
    a format that has no table of contents (a web page): its headings are all there is."""
    notes = NoteIndex()
    ids: dict[str, etree._Element] = {}
    for spine_document in documents:
        notes.add_document(spine_document.document)
        ids.update(ids_of(spine_document.document))
    for spine_document in documents:
        notes.add_links(spine_document.document, ids)
    walked = walk_spine(documents, notes)
    skipped = walked.skipped
    gone: set[str] = set()
    placed = drop_gutenberg_text(walked.placed, skipped, gone)
    placed = drop_link_lists(placed, skipped, gone)
    title = metadata.title or "Untitled"
    spine = {d.document.path for d in documents}
    starts = spans_from_toc(placed, entries or [], spine, gone, warnings)
    if len(starts) >= 2 or not _has_headings(placed, 2):
        if entries == []:
            warnings.add("no-toc", source)
        spans = sections_from_toc(placed, starts, title)
    else:
        if entries is not None:
            warnings.add("few-toc" if entries else "no-toc", source)
        spans = sections_from_headings(placed, title)
    spans = drop_index_sections(attach_notes(spans, walked.note_pool, skipped), skipped)
    sections = tuple(
        EbookSection(s.title, s.level, tuple(s.blocks), s.source, s.fragment) for s in spans
    )
    return Ebook(metadata, sections, tuple(skipped), warnings.lines())


def book_from_blocks(
    metadata: EbookMetadata,
    blocks: Iterable[EbookBlock],
    source: str,
    skipped: Iterable[SkippedPart] = (),
    warnings: Iterable[str] = (),
) -> Ebook:
    """A document with no table of contents (a web page, a Word file, a PDF): sections
    begin at its headings, each note goes after the paragraph that first cites it (its
    `note_id` named in that paragraph's `note_refs`), and an index typed as text is left
    out. `source` names the file in sections and skipped parts."""
    placed = [PlacedBlock(block, source, ()) for block in blocks]
    kept_out = list(skipped)
    warnings = tuple(warnings)
    for warning in warnings:
        log.warning("%s", warning)
    spans = sections_from_headings(placed, metadata.title or "Untitled")
    spans = drop_index_sections(attach_notes(spans, {}, kept_out), kept_out)
    sections = tuple(
        EbookSection(s.title, s.level, tuple(s.blocks), s.source, s.fragment) for s in spans
    )
    return Ebook(metadata, sections, tuple(kept_out), warnings)


def _with_landmark(document: SpineDocument, skips: dict[str, str]) -> SpineDocument:
    """A document the landmarks call front or back matter, unread if it is short."""
    kind = skips.get(document.document.path)
    if not document.read or kind is None:
        return document
    words = len(" ".join(document.document.root.itertext()).split())
    if kind != "index" and words > LANDMARK_MAX_WORDS:
        return document
    return replace(document, read=False, reason=kind)


def _has_headings(placed: list[PlacedBlock], count: int) -> bool:
    return sum(1 for p in placed if p.block.kind == BlockKind.HEADING) >= count
