"""PDF with a text layer into an `Ebook`: pdfminer.six lays out each page (text boxes in
reading order, columns included), then page furniture, footnotes, headings and paragraphs
are found from where the lines stand and how large they are printed.

The stages, each public so a test can start from any of them:

    open_pdf -> read_pages (or ocr_pages for a scan) -> pages_to_blocks -> book_from_blocks

- Page furniture: a line in the top or bottom band of the page that repeats on many pages
  (its digits aside) is a running header or footer, and is not read; a number alone there
  is the page's print label and becomes a page_break block.
- Footnotes: smaller lines at the foot of a page that begin with a marker become note
  blocks, and the raised marker in the text becomes the paragraph's `note_refs`.
- Headings: lines printed larger than the body, ranked by size; a line that matches a
  bookmark of the PDF's outline on the bookmark's page takes the bookmark's level.
- Paragraphs: the lines of a paragraph joined, a hyphen at a line end repaired when the
  joined word is a word; a paragraph that runs on over a page or a column is one paragraph.

A PDF without a text layer (a scan) is refused with a one-line error naming the OCR route,
or read through Tesseract when `ocr=True`. Nothing a user's file does ends in a traceback.
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audiobook.ebook.epub import CONTENTS_HEADING_RE, INDEX_TITLE_RE, book_from_blocks
from audiobook.ebook.model import BlockKind, Ebook, EbookBlock, EbookMetadata, SkippedPart
from audiobook.errors import AudiobookError, UserError
from audiobook.reading import MAX_INPUT_BYTES
from audiobook.textforms import keep_hyphen

log = logging.getLogger(__name__)

PDF_SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW_BYTES = 1024  # the header may follow some junk; readers look this far
# A line this close to the page's outermost text line (a share of the page height), among
# the outermost rows, may be a running header or footer.
FURNITURE_BAND = 0.1
FURNITURE_MAX_ROWS = 2  # rows at each edge looked at
FURNITURE_MIN_PAGES = 3  # a line repeated on this many pages is furniture (2 in short PDFs)
SHORT_PDF_PAGES = 6
HEADING_MIN_RATIO = 1.15  # a heading is printed at least this much larger than the body
HEADING_MAX_WORDS = 25
MAX_HEADING_LEVEL = 6
NOTE_MAX_RATIO = 0.92  # a footnote is printed at most this large, against the body
NOTE_MAX_PAGE_SHARE = 0.85  # footnotes hold less than this share of a page's characters
SUPERSCRIPT_RATIO = 0.8  # a note marker in the text: this much smaller than its line …
SUPERSCRIPT_RISE = 0.15  # … and raised by this share of the line's size
INDENT_MIN_EM = 0.6  # a first-line indent, in ems of the line's size
PARAGRAPH_GAP = 1.45  # a gap between lines of this many line-spacings parts paragraphs
SIZE_CHANGE = 0.15  # a paragraph is printed in one size; a change this large parts it
SHORT_LINE_EM = 2.0  # a last line ending this many ems short of its column's edge
SAME_SIZE_PT = 0.6
OCR_DPI = 300
OCR_TIMEOUT_S = 300  # one page
OCR_SAME_SIZE = (0.7, 1.35)  # OCR'd lines this near the page's usual height are body text
NO_TEXT_MIN_CHARS = 20  # pictures and fewer letters than this: a scan (a stray page number)
GUTTER_MIN_PT = 6.0  # a strip between columns at least this wide
COLUMN_MAX_SHARE = 0.6  # a box of a column is narrower than this share of the text's width
COLUMN_MIN_HEIGHT = 0.2  # each column's boxes stand over this share of the text's height
# pdfminer's layout analysis, as its defaults: boxes_flow orders the boxes of columns
LINE_MARGIN, CHAR_MARGIN, WORD_MARGIN, BOXES_FLOW = 0.5, 2.0, 0.1, 0.5

# Marks the start and end of a note marker found in a line, until its page's notes are known.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MARKER_RE = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")
NOTE_SYMBOLS = "*†‡§¶"
NOTE_MARKER_CHARS = frozenset("0123456789" + NOTE_SYMBOLS)
# A footnote's first line: its marker, raised or followed by a space or a full stop.
NOTE_START_RE = re.compile(
    f"^\\s*(?:{MARK_OPEN}\\s*([^{MARK_CLOSE}]+?)\\s*{MARK_CLOSE}"
    f"|(\\d{{1,3}}|[{NOTE_SYMBOLS}]{{1,3}})(?:[.)]\\s*|\\s+))\\s*(?=\\S)"
)
# A number standing alone, as page numbers are printed: "12", "- 12 -", "[xiv]", "Page 12".
PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s+)?[-–—\[(]?\s*(\d{1,5}|[ivxlcdm]{1,8})\s*[-–—\])]?(?:\s+of\s+\d+)?$",
    re.IGNORECASE,
)
ROMAN_LOWER_RE = re.compile(r"^[ivxlcdm]+$")
PAGE_IN_LINE_RE = re.compile(r"\bpage:?\s+(\d{1,5})\b", re.IGNORECASE)
LIST_BULLETS = tuple("•◦▪▫●○■□►▸‣⁃–-")
SEPARATOR_RE = re.compile(r"^[\s_\-–—‐−.·*]+$")  # a rule drawn with characters
SCENE_BREAK_RE = re.compile(r"^\s*(?:[*⁂•·~#]\s*){1,5}$")
CID_RE = re.compile(r"\(cid:\d+\)")
BOLD_FONT_RE = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
TERMINAL_PUNCTUATION = tuple(".!?:;”\"’')]»…")
# A line of a contents list or an index ends in a page number (after leaders, or a comma).
ENDS_IN_PAGE_RE = re.compile(r"(?:\d{1,5}|\b[ivxlcdm]{1,7})\s*$", re.IGNORECASE)
LIST_MIN_SHARE = 0.5
# Titles that are a file's name, not the book's.
FILE_NAME_TITLE_RE = re.compile(
    r"^(?:microsoft\s+\w+\s+-\s|untitled\b|document\d*$|slide\s*\d+$|title$)"
    r"|\.(?:docx?|pdf|tex|dvi|indd|qxd|qxp|rtf|odt|pages|ps|txt|html?|wpd|png|jpe?g|tiff?)\s*$",
    re.IGNORECASE,
)
XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}

SCAN_ERROR = (
    "{path}: this PDF has no text layer (a scan); OCR it first with Tesseract "
    "(Debian: apt install tesseract-ocr) or give --ocr"
)
NO_TESSERACT_ERROR = (
    "{path}: --ocr needs Tesseract, which is not installed; "
    "install it with: apt install tesseract-ocr"
)


# ---------------------------------------------------------------- what is read


@dataclass(frozen=True)
class PdfLine:
    """One line of text on a page, in PDF units (points, y growing upwards)."""

    text: str  # note markers wrapped in MARK_OPEN … MARK_CLOSE until resolved
    x0: float
    y0: float
    x1: float
    y1: float
    size: float  # the font size most of its characters are printed in
    bold: bool = False  # most of its characters are in a bold face


@dataclass(frozen=True)
class PdfPage:
    """One page's lines in reading order (columns one after the other)."""

    index: int  # 0-based
    width: float
    height: float
    lines: tuple[PdfLine, ...]
    label: str | None = None  # its /PageLabels label, when the PDF has them
    images: int = 0  # pictures on the page: a page of pictures and no text is a scan


@dataclass(frozen=True)
class Bookmark:
    """An entry of the PDF's outline (its bookmarks)."""

    title: str
    level: int  # 1 for a top-level entry
    page: int | None  # 0-based index of the page it points at


@dataclass
class PdfWarnings:
    """Problems met while reading: one line per kind, with a count."""

    counts: Counter[str] = field(default_factory=Counter)
    first: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, text: str) -> None:
        if kind not in self.first:
            log.warning("%s", text)
            self.first[kind] = text
        self.counts[kind] += 1

    def lines(self) -> tuple[str, ...]:
        return tuple(
            text + (f" (and {self.counts[kind] - 1} more)" if self.counts[kind] > 1 else "")
            for kind, text in self.first.items()
        )


# ---------------------------------------------------------------- opening the file


@contextmanager
def open_pdf(path: Path) -> Iterator[Any]:
    """The file as a pdfminer PDFDocument, or a UserError saying why it cannot be read."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a PDF file")
    try:
        stream = path.open("rb")
    except PermissionError as e:
        raise UserError(f"{path}: permission denied") from e
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror or e})") from e
    with stream:
        head = stream.read(SIGNATURE_WINDOW_BYTES)
        if not head:
            raise UserError(f"{path}: not a PDF (the file is empty)")
        if PDF_SIGNATURE not in head:
            raise UserError(f"{path}: not a PDF (no %PDF- header)")
        stream.seek(0)
        try:
            document = PDFDocument(PDFParser(stream), password="")
        except PDFPasswordIncorrect as e:
            raise UserError(
                f"{path}: this PDF is encrypted and needs a password to open; "
                "save an unprotected copy first"
            ) from e
        except PDFEncryptionError as e:
            raise UserError(
                f"{path}: this PDF is encrypted in a way that cannot be read ({e})"
            ) from e
        except Exception as e:  # pdfminer reports damage with many exception types
            raise UserError(f"{path}: damaged PDF ({_reason(e)})") from e
        yield document


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"


def page_list(document: Any, path: Path) -> list[Any]:
    from pdfminer.pdfpage import PDFPage

    try:
        pages = list(PDFPage.create_pages(document))
    except Exception as e:  # a broken page tree
        raise UserError(f"{path}: damaged PDF ({_reason(e)})") from e
    if not pages:
        raise UserError(f"{path}: damaged PDF (it has no pages)")
    return pages


# ---------------------------------------------------------------- metadata


def read_metadata(document: Any) -> EbookMetadata:
    """Title, authors, language and date from the document info and the XMP packet."""
    from pdfminer.pdftypes import resolve1

    info: dict[str, Any] = {}
    for entry in getattr(document, "info", None) or []:
        if isinstance(entry, dict):
            info.update(entry)
    xmp = _xmp(document)
    title = xmp.get("title") or _info_text(info.get("Title"))
    if title and FILE_NAME_TITLE_RE.search(title):
        title = None
    authors = xmp.get("creators") or _split_authors(_info_text(info.get("Author")))
    language = _info_text(resolve1(document.catalog.get("Lang"))) or xmp.get("language")
    date = _year(_info_text(info.get("CreationDate"))) or _year(xmp.get("date"))
    return EbookMetadata(
        title=title or None,
        authors=tuple(authors),
        language=language or None,
        date=date,
    )


def _info_text(value: Any) -> str | None:
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, bytes):
        text = decode_text(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, PSLiteral):
        text = str(value.name)
    else:
        return None
    text = " ".join(text.replace("\x00", "").split())
    return text or None


def _split_authors(text: str | None) -> list[str]:
    if not text:
        return []
    return [a.strip() for a in re.split(r";|\s+&\s+|\s+and\s+", text) if a.strip()]


def _year(text: str | None) -> str | None:
    match = re.search(r"(?:^D:|^)\s*(\d{4})", text or "")
    return match.group(1) if match else None


def _xmp(document: Any) -> dict[str, Any]:
    """dc:title, dc:creator, dc:language and xmp:CreateDate from the XMP packet, if any."""
    from lxml import etree
    from pdfminer.pdftypes import resolve1

    try:
        stream = resolve1(document.catalog.get("Metadata"))
        data = stream.get_data() if stream is not None else None
    except Exception:  # a damaged metadata stream: the info dictionary is enough
        return {}
    if not data:
        return {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(data.strip(), parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root is None:
        return {}

    def texts(path: str) -> list[str]:
        found = root.xpath(path, namespaces=XMP_NS)
        return [" ".join(str(t).split()) for t in found if str(t).strip()]

    title = texts("//dc:title//rdf:li/text()")
    creators = texts("//dc:creator//rdf:li/text()")
    language = texts("//dc:language//rdf:li/text()")
    date = texts("//xmp:CreateDate/text()") + texts("//@xmp:CreateDate")
    return {
        "title": title[0] if title else None,
        "creators": creators,
        "language": language[0] if language else None,
        "date": date[0] if date else None,
    }


# ---------------------------------------------------------------- outline and page labels


def read_bookmarks(document: Any, page_ids: Sequence[int]) -> list[Bookmark]:
    """The outline's entries with the pages they point at; none when there is no outline."""
    from pdfminer.pdfdocument import PDFNoOutlines

    index = {page_id: number for number, page_id in enumerate(page_ids)}
    bookmarks = []
    try:
        for level, title, dest, action, _ in document.get_outlines():
            text = " ".join(str(title or "").split())
            if text:
                bookmarks.append(
                    Bookmark(text, level, _bookmark_page(document, dest, action, index))
                )
    except PDFNoOutlines:
        return []
    except Exception as e:  # a damaged outline: read without it
        log.warning("the PDF's outline cannot be read (%s); headings found from type sizes", e)
        return bookmarks
    return bookmarks


def _bookmark_page(document: Any, dest: Any, action: Any, index: dict[int, int]) -> int | None:
    from pdfminer.pdftypes import PDFObjRef, resolve1
    from pdfminer.psparser import PSLiteral

    try:
        if dest is None and action is not None:
            action = resolve1(action)
            if isinstance(action, dict):
                dest = action.get("D")
        dest = resolve1(dest)
        if isinstance(dest, (bytes, str, PSLiteral)):
            name = dest.name if isinstance(dest, PSLiteral) else dest
            dest = resolve1(document.get_dest(name))
        if isinstance(dest, dict):
            dest = resolve1(dest.get("D"))
        if isinstance(dest, list) and dest:
            target = dest[0]
            if isinstance(target, PDFObjRef):
                return index.get(target.objid)
            if isinstance(target, int) and 0 <= target < len(index):
                return target
    except Exception:  # a bookmark pointing nowhere is kept without a page
        return None
    return None


def read_page_labels(document: Any, count: int) -> list[str | None]:
    """Each page's /PageLabels label ("iv", "12", "A-3"), or None throughout."""
    from pdfminer.pdfdocument import PDFNoPageLabels

    try:
        labels = list(itertools.islice(document.get_page_labels(), count))
    except PDFNoPageLabels:
        return [None] * count
    except Exception:  # a damaged label tree: print labels or page numbers serve instead
        return [None] * count
    labels += [None] * (count - len(labels))
    return [label or None for label in labels]


# ---------------------------------------------------------------- laying out the pages


def read_pages(
    document: Any,
    path: Path,
    max_bytes: int = MAX_INPUT_BYTES,
    warnings: PdfWarnings | None = None,
) -> list[PdfPage]:
    """Every page's lines, laid out by pdfminer (text boxes in reading order)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    warnings = warnings if warnings is not None else PdfWarnings()
    pages = page_list(document, path)
    labels = read_page_labels(document, len(pages))
    manager = PDFResourceManager()
    laparams = LAParams(
        line_margin=LINE_MARGIN,
        char_margin=CHAR_MARGIN,
        word_margin=WORD_MARGIN,
        boxes_flow=BOXES_FLOW,
    )
    device = PDFPageAggregator(manager, laparams=laparams)
    interpreter = PDFPageInterpreter(manager, device)
    read: list[PdfPage] = []
    total = 0
    for number, page in enumerate(pages):
        try:
            interpreter.process_page(page)
            layout = device.get_result()
        except Exception as e:  # one damaged page is left out, not the book
            warnings.add("page", f"{path}: page {number + 1} cannot be read ({_reason(e)})")
            read.append(PdfPage(number, 612.0, 792.0, (), labels[number]))
            continue
        lines, images = layout_lines(layout, warnings, f"{path}: page {number + 1}")
        total += sum(len(line.text.encode()) for line in lines)
        if total > max_bytes:
            raise UserError(
                f"{path}: over {max_bytes // 2**20} MB of text by page {number + 1}; "
                "PDFs up to that are read (split it into books)"
            )
        read.append(
            PdfPage(number, layout.width, layout.height, tuple(lines), labels[number], images)
        )
    return read


def layout_lines(layout: Any, warnings: PdfWarnings, place: str) -> tuple[list[PdfLine], int]:
    """A pdfminer page layout as lines in reading order, and how many pictures it holds.

    pdfminer sometimes cuts one printed line of a box in two (a wide space): pieces on the
    same row of a box are joined, left to right."""
    from pdfminer.layout import LTChar, LTFigure, LTImage, LTTextBox, LTTextLine

    lines: list[PdfLine] = []
    images = 0
    boxes = [element for element in layout if isinstance(element, LTTextBox)]
    order = {id(box): n for n, box in enumerate(in_columns(boxes))}
    elements = sorted(layout, key=lambda e: order.get(id(e), -1))
    for element in elements:
        if isinstance(element, LTTextBox):
            pieces = [
                line_from_chars(list(t), warnings, place)
                for t in element
                if isinstance(t, LTTextLine)
            ]
            lines.extend(merge_rows([p for p in pieces if p is not None]))
        elif isinstance(element, (LTFigure, LTImage)):
            images += 1
            if isinstance(element, LTFigure):  # text drawn inside a form XObject
                chars = [c for c in _walk(element) if isinstance(c, LTChar)]
                if chars:
                    line = line_from_chars(chars, warnings, place)
                    if line is not None:
                        lines.append(line)
    return lines, images


def in_columns(boxes: list[Any]) -> list[Any]:
    """Text boxes in reading order: where a gutter runs down the page, the boxes beside it
    are read column by column, in bands between boxes that span it (a title, a figure);
    elsewhere pdfminer's order stands."""
    gutter = find_gutter(boxes)
    if gutter is None:
        return boxes
    start, end = gutter
    ordered: list[Any] = []
    band: list[Any] = []
    for box in sorted(boxes, key=lambda b: -b.y1):
        if box.x1 <= start or box.x0 >= end:
            band.append(box)
            continue
        ordered += _band_in_columns(band, start)
        band = []
        ordered.append(box)
    return ordered + _band_in_columns(band, start)


def _band_in_columns(band: list[Any], gutter: float) -> list[Any]:
    left = [b for b in band if b.x1 <= gutter]
    right = [b for b in band if b.x0 > gutter]
    return [*_top_down(in_columns(left)), *_top_down(in_columns(right))]


def _top_down(boxes: list[Any]) -> list[Any]:
    return boxes if find_gutter(boxes) else sorted(boxes, key=lambda b: (-b.y1, b.x0))


def find_gutter(boxes: list[Any]) -> tuple[float, float] | None:
    """The widest vertical strip that no narrow box crosses, with text on both sides of
    it side by side (a column of text each, over a fifth of the text's height)."""
    if len(boxes) < 2:
        return None
    x0 = min(b.x0 for b in boxes)
    x1 = max(b.x1 for b in boxes)
    narrow = sorted(
        (b for b in boxes if b.width < COLUMN_MAX_SHARE * (x1 - x0)), key=lambda b: b.x0
    )
    height = max(b.y1 for b in boxes) - min(b.y0 for b in boxes)
    best: tuple[float, float] | None = None
    reach = x0
    for box in narrow:
        if box.x0 - reach >= GUTTER_MIN_PT and reach > x0:
            left = [b for b in narrow if b.x1 <= reach]
            right = [b for b in narrow if b.x0 >= box.x0]
            tall = COLUMN_MIN_HEIGHT * height
            if (
                sum(b.height for b in left) >= tall
                and sum(b.height for b in right) >= tall
                and (best is None or box.x0 - reach > best[1] - best[0])
            ):
                best = (reach, box.x0)
        reach = max(reach, box.x1)
    return best


def _walk(element: Any) -> Iterator[Any]:
    for child in element:
        yield child
        if hasattr(child, "__iter__") and not isinstance(child, str):
            yield from _walk(child)


def line_from_chars(items: list[Any], warnings: PdfWarnings, place: str) -> PdfLine | None:
    """One line from pdfminer's characters (LTChar) and inferred spaces (LTAnno).

    A run of digits or note symbols printed smaller and raised is a note marker: it is
    wrapped in MARK_OPEN … MARK_CLOSE until the page's footnotes are known."""
    from pdfminer.layout import LTChar

    chars = [c for c in items if isinstance(c, LTChar) and c.get_text().strip()]
    if not chars:
        return None
    sizes = Counter(round(c.size, 1) for c in chars)
    size = sizes.most_common(1)[0][0]
    body = [c for c in chars if abs(c.size - size) < SAME_SIZE_PT] or chars
    baseline = statistics.median(c.y0 for c in body)
    bold = sum(1 for c in chars if BOLD_FONT_RE.search(c.fontname or "")) > len(chars) / 2
    out: list[str] = []
    in_marker = False
    previous = ""
    for item in items:
        text = item.get_text()
        is_char = isinstance(item, LTChar)
        marker = (
            is_char
            and text in NOTE_MARKER_CHARS
            and (
                (
                    item.size < size * SUPERSCRIPT_RATIO
                    and item.y0 > baseline + size * SUPERSCRIPT_RISE
                )
                or (text in NOTE_SYMBOLS and (previous.strip() != "" or in_marker))
            )
        )
        if marker and not in_marker:
            out.append(MARK_OPEN)
            in_marker = True
        elif not marker and in_marker:
            out.append(MARK_CLOSE)
            in_marker = False
        out.append(text)
        previous = text
    if in_marker:
        out.append(MARK_CLOSE)
    text = "".join(out)
    if "(cid:" in text:
        warnings.add("cid", f"{place}: some characters have no Unicode mapping and were left out")
        text = CID_RE.sub("", text)
    text = " ".join(text.translate(LIGATURES).replace("\n", " ").split())
    text = text.replace(f"{MARK_OPEN} ", MARK_OPEN).replace(f" {MARK_CLOSE}", MARK_CLOSE)
    if not text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "").strip():
        return None
    x0 = min(c.x0 for c in chars)
    x1 = max(c.x1 for c in chars)
    y0 = min(c.y0 for c in body)
    y1 = max(c.y1 for c in body)
    return PdfLine(text, x0, y0, x1, y1, float(size), bold)


def merge_rows(lines: list[PdfLine]) -> list[PdfLine]:
    """Lines of one text box, pieces standing on the same row joined left to right."""
    rows: list[list[PdfLine]] = []
    for line in lines:
        for row in rows:
            if _same_row(row[0], line):
                row.append(line)
                break
        else:
            rows.append([line])
    merged = []
    for row in rows:
        if len(row) == 1:
            merged.append(row[0])
            continue
        row.sort(key=lambda piece: piece.x0)
        main = max(row, key=lambda piece: len(piece.text))
        merged.append(
            replace(
                main,
                text=" ".join(piece.text for piece in row),
                x0=row[0].x0,
                x1=max(piece.x1 for piece in row),
                y0=min(piece.y0 for piece in row),
                y1=max(piece.y1 for piece in row),
            )
        )
    return merged


def _same_row(a: PdfLine, b: PdfLine) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)


# ---------------------------------------------------------------- OCR


def ocr_pages(path: Path, numbers: Iterable[int], dpi: int = OCR_DPI) -> dict[int, PdfPage]:
    """Pages rendered with pypdfium2 and read by Tesseract, lines kept with their places."""
    if shutil.which("tesseract") is None:
        raise UserError(NO_TESSERACT_ERROR.format(path=path))
    try:
        import pypdfium2
    except ImportError as e:
        raise UserError(
            f"{path}: --ocr needs pypdfium2 to render pages; install it with: pip install pypdfium2"
        ) from e
    from audiobook import processes

    scale = dpi / 72
    read: dict[int, PdfPage] = {}
    try:
        document = pypdfium2.PdfDocument(str(path))
    except Exception as e:  # pdfium's own damage report
        raise UserError(f"{path}: damaged PDF ({_reason(e)})") from e
    try:
        for number in numbers:
            page = document[number]
            width, height = page.get_size()
            array = page.render(scale=scale, grayscale=True).to_numpy()
            rows, columns = array.shape[:2]
            image = b"P5\n%d %d\n255\n" % (columns, rows) + array.reshape(rows, columns).tobytes()
            log.info("OCR of page %d", number + 1)
            try:
                result = processes.run(
                    ["tesseract", "stdin", "stdout", "--dpi", str(dpi), "tsv"],
                    input_bytes=image,
                    timeout_s=OCR_TIMEOUT_S,
                )
            except AudiobookError as e:
                raise UserError(f"{path}: Tesseract failed on page {number + 1}: {e}") from e
            lines = tsv_to_lines(result.stdout.decode("utf-8", "replace"), scale, height)
            read[number] = PdfPage(number, width, height, tuple(lines))
    finally:
        document.close()
    return read


def tsv_to_lines(tsv: str, scale: float, page_height: float) -> list[PdfLine]:
    """Tesseract's TSV (one row per word) as lines, in points with y growing upwards.

    A line's size is taken from its height, so that sizes compare across the page."""
    words: dict[tuple[int, int, int], list[tuple[int, int, int, int, str]]] = defaultdict(list)
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, paragraph, line = int(cells[2]), int(cells[3]), int(cells[4])
        left, top, width, height = (int(cells[i]) for i in range(6, 10))
        words[(block, paragraph, line)].append((left, top, width, height, cells[11].strip()))
    heights = sorted(
        max(w[3] for w in found) for found in words.values()
    )  # a line's height, ascenders to descenders
    usual = heights[len(heights) // 2] / scale if heights else 0.0
    lines = []
    for key in sorted(words):
        found = words[key]
        left = min(w[0] for w in found)
        right = max(w[0] + w[2] for w in found)
        top = min(w[1] for w in found)
        bottom = max(w[1] + w[3] for w in found)
        size = max(w[3] for w in found) / scale
        if OCR_SAME_SIZE[0] * usual <= size <= OCR_SAME_SIZE[1] * usual:
            size = usual  # heights vary with the letters a line holds, not with its type
        text = " ".join(w[4] for w in found).translate(LIGATURES)
        lines.append(
            PdfLine(
                text,
                left / scale,
                page_height - bottom / scale,
                right / scale,
                page_height - top / scale,
                round(size, 1),
            )
        )
    return lines


# ---------------------------------------------------------------- page furniture


@dataclass(frozen=True)
class Furniture:
    """What the page edges hold: lines not read, and the print labels they give."""

    removed: dict[int, set[int]]  # page index -> indexes of its lines that are furniture
    printed: dict[int, str]  # page index -> the number printed on it
    skipped: list[SkippedPart]


def body_size(pages: Sequence[PdfPage]) -> float:
    """The size most characters are printed in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def edge_rows(page: PdfPage) -> tuple[list[int], list[int]]:
    """Indexes of the lines in the outermost rows at the top and at the bottom of a page."""
    if not page.lines:
        return [], []
    band = FURNITURE_BAND * page.height
    top = max(line.y1 for line in page.lines)
    bottom = min(line.y0 for line in page.lines)
    order = sorted(range(len(page.lines)), key=lambda i: -page.lines[i].y1)

    def rows(indexes: list[int], near: Any) -> list[int]:
        picked: list[int] = []
        row_lines: list[PdfLine] = []
        rows_seen = 0
        for i in indexes:
            line = page.lines[i]
            if not near(line):
                break
            if not row_lines or not any(_same_row(line, other) for other in row_lines):
                rows_seen += 1
                if rows_seen > FURNITURE_MAX_ROWS:
                    break
                row_lines = []
            row_lines.append(line)
            picked.append(i)
        return picked

    top_rows = rows(order, lambda line: line.y0 >= top - band)
    bottom_order = sorted(range(len(page.lines)), key=lambda i: page.lines[i].y0)
    bottom_rows = rows(bottom_order, lambda line: line.y1 <= bottom + band)
    return top_rows, [i for i in bottom_rows if i not in top_rows]


def furniture_key(text: str) -> str:
    """A header's text with its numbers made alike: "12 Marley's Ghost" ~ "14 Marley's Ghost"."""
    text = MARKER_RE.sub("", text).casefold()
    return " ".join(re.sub(r"\d+", "#", text).split())


def find_furniture(
    pages: Sequence[PdfPage], source: str, titles: frozenset[str] = frozenset()
) -> Furniture:
    """Running headers and footers (repeated at the page edges) and printed page numbers.

    A line at the top edge that repeats a heading or a bookmark (`titles`, normalised)
    in the body's type is a running header wherever it stands, even in a short chapter
    that repeats it on a page or two."""
    size = body_size(pages)
    # key -> (page index, line index, "top" or "bottom") of each line with that key
    candidates: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    numbers: dict[int, tuple[int, str]] = {}  # page index -> (line index, label)
    for page in pages:
        top, bottom = edge_rows(page)
        for where, indexes in (("top", top), ("bottom", bottom)):
            # nearest the edge first: the top rows top-down, the bottom rows bottom-up
            for i in indexes:
                line = page.lines[i]
                text = MARKER_RE.sub(r"\1", line.text).strip()
                if line.size > size * HEADING_MIN_RATIO:
                    continue  # a heading, even when a running header repeats its words
                match = PAGE_NUMBER_RE.match(text)
                if match and _is_page_number(match.group(1)):
                    numbers.setdefault(page.index, (i, match.group(1)))
                    continue
                candidates[furniture_key(text)].append((page.index, i, where))
    minimum = 2 if len(pages) < SHORT_PDF_PAGES else FURNITURE_MIN_PAGES
    removed: dict[int, set[int]] = defaultdict(set)
    printed: dict[int, str] = {}
    skipped: list[SkippedPart] = []
    weak: dict[int, str] = {}  # page numbers found inside repeated lines
    for key, found in candidates.items():
        if not key.strip("# "):
            continue
        if len({n for n, _, _ in found}) < minimum:
            found = [
                (n, i, where)
                for n, i, where in found
                if where == "top" and _repeats_title(pages[n].lines[i], pages[n], titles)
            ]
            if not found:
                continue
        on_pages = {n for n, _, _ in found}
        for n, i, _ in found:
            removed[n].add(i)
            label = _label_in_repeated_line(pages[n].lines[i].text, found, pages)
            if label:
                weak.setdefault(n, label)
        where = Counter(w for _, _, w in found).most_common(1)[0][0]
        first_page, first_line, _ = found[0]
        count = len(on_pages)
        skipped.append(
            SkippedPart(
                f"{source}#page={first_page + 1}",
                "running-header" if where == "top" else "running-footer",
                f"{pages[first_page].lines[first_line].text} (on {count} page{'s' * (count > 1)})",
                sum(len(pages[n].lines[i].text.split()) for n, i, _ in found),
            )
        )
    for n, (i, label) in numbers.items():
        removed[n].add(i)
        printed[n] = label
    for n, label in weak.items():
        printed.setdefault(n, label)
    if numbers:
        labels = [printed[n] for n in sorted(numbers)]
        shown = ", ".join(labels[:3]) + (f" … {labels[-1]}" if len(labels) > 3 else "")
        skipped.append(
            SkippedPart(
                f"{source}#page={min(numbers) + 1}",
                "page-numbers",
                f"{len(labels)} printed page numbers ({shown}), kept as page breaks",
                len(labels),
            )
        )
    return Furniture(dict(removed), printed, skipped)


def _repeats_title(line: PdfLine, page: PdfPage, titles: frozenset[str]) -> bool:
    """The topmost line of its page, repeating a heading's words (a page number beside)."""
    if line.bold or any(other.y0 > line.y1 for other in page.lines):
        return False  # a section's own heading, set bold in the body's size
    text = _normal(line.text)
    text = re.sub(r"^\d+\s+|\s+\d+$", "", text)  # the page number beside it
    return bool(text) and (text in titles or _without_number(text) in titles)


def _is_page_number(token: str) -> bool:
    """Arabic numbers, and roman ones in lower case ("xiv"): upper-case roman numerals
    standing alone are far more often chapter numbers."""
    return token.isdigit() or bool(ROMAN_LOWER_RE.match(token))


def _label_in_repeated_line(
    text: str, group: list[tuple[int, int, str]], pages: Sequence[PdfPage]
) -> str | None:
    """The page number a running header carries: its first or last token when that token
    differs from page to page ("12 Marley's Ghost"), or "Page 12" inside it."""
    tokens = MARKER_RE.sub(r"\1", text).split()
    for position in (0, -1):
        if not tokens or not tokens[position].isdigit():
            continue
        values = set()
        for page, i, _ in group:
            others = pages[page].lines[i].text.split()
            if others and others[position].isdigit():
                values.add(others[position])
        if len(values) > 1:
            return tokens[position]
    match = PAGE_IN_LINE_RE.search(text)
    return match.group(1) if match else None


def page_labels(pages: Sequence[PdfPage], printed: dict[int, str]) -> list[str | None]:
    """Each page's print label: the number printed on it, else the PDF's /PageLabels, else
    counted on from the nearest printed number. A PDF with no numbers at all is numbered
    by its pages (1-based); in one that has some, an unnumbered page before the first
    number (a title page) has none, rather than a number that another page prints."""
    if not printed and not any(page.label for page in pages):
        return [str(page.index + 1) for page in pages]
    return [
        printed.get(page.index) or page.label or _counted(page.index, printed) for page in pages
    ]


def _counted(index: int, printed: dict[int, str]) -> str | None:
    before = [i for i in printed if i < index]
    after = [i for i in printed if i > index]
    for neighbour in ([max(before)] if before else []) + ([min(after)] if after else []):
        value = _number_value(printed[neighbour])
        if value is None:
            continue
        counted = value + index - neighbour
        if counted < 1:
            continue
        return to_roman(counted) if not printed[neighbour].isdigit() else str(counted)
    return None


ROMAN_VALUES = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def to_roman(value: int) -> str:
    out = []
    for amount, letters in ROMAN_VALUES:
        while value >= amount:
            out.append(letters)
            value -= amount
    return "".join(out)


def _number_value(label: str) -> int | None:
    if label.isdigit():
        return int(label)
    if ROMAN_LOWER_RE.match(label):
        total, rest = 0, label
        for amount, letters in ROMAN_VALUES:
            while rest.startswith(letters):
                total += amount
                rest = rest[len(letters) :]
        return total if not rest else None
    return None


# ---------------------------------------------------------------- footnotes


@dataclass(frozen=True)
class Footnote:
    marker: str  # as printed: "3", "*"
    note_id: str  # "p12-n3": page 12 of the file, marker 3
    lines: tuple[PdfLine, ...]


def split_footnotes(
    page: PdfPage, lines: list[PdfLine], size: float, continuing: bool
) -> tuple[list[PdfLine], list[Footnote], list[PdfLine]]:
    """The page's body lines, its footnotes, and the lines that continue the previous
    page's last footnote (small lines at the foot before any marker, when `continuing`).

    Footnote lines are printed smaller than the body and stand below every body line of
    their column; the first begins with a marker."""
    small = [line.size <= size * NOTE_MAX_RATIO for line in lines]
    in_zone = []
    for i, line in enumerate(lines):
        below_body = small[i] and not any(
            not small[j] and _columns_overlap(line, other) and other.y0 < line.y0
            for j, other in enumerate(lines)
        )
        in_zone.append(below_body)
    zone = [line for line, inside in zip(lines, in_zone, strict=True) if inside]
    zone_chars = sum(len(line.text) for line in zone)
    all_chars = sum(len(line.text) for line in lines) or 1
    has_body = any(
        size * NOTE_MAX_RATIO < line.size < size * HEADING_MIN_RATIO for line in lines
    )  # text in the body's size above them: a page all in small print has no footnotes
    if not zone or not has_body or zone_chars / all_chars >= NOTE_MAX_PAGE_SHARE:
        return lines, [], []
    if not any(NOTE_START_RE.match(line.text) for line in zone) and not continuing:
        return lines, [], []
    notes: list[tuple[str, list[PdfLine]]] = []
    carried: list[PdfLine] = []
    raised = any((m := NOTE_START_RE.match(line.text)) and m.group(1) for line in zone)
    for line in zone:
        if SEPARATOR_RE.match(line.text):
            continue
        match = NOTE_START_RE.match(line.text)
        if match and match.group(2) and not _plain_marker_starts(match.group(2), raised, notes):
            match = None  # a note's line that begins with a number: "71 Stat. 500"
        if match:
            marker = (match.group(1) or match.group(2)).strip()
            notes.append((marker, [replace(line, text=line.text[match.end() :])]))
        elif notes:
            notes[-1][1].append(line)
        else:
            carried.append(line)
    if carried and not continuing and not notes:
        return lines, [], []
    body = [line for line, inside in zip(lines, in_zone, strict=True) if not inside]
    if carried and not continuing:
        body.extend(carried)  # small lines above the first note that no note owns
        carried = []
    seen: Counter[str] = Counter()
    footnotes = []
    for marker, note_lines in notes:
        seen[marker] += 1
        suffix = f"-{seen[marker]}" if seen[marker] > 1 else ""
        footnotes.append(
            Footnote(marker, f"p{page.index + 1}-n{marker}{suffix}", tuple(note_lines))
        )
    return body, footnotes, carried


def _plain_marker_starts(marker: str, raised: bool, notes: list[tuple[str, list[PdfLine]]]) -> bool:
    """Does a number (or symbol) printed in line at the start of a small line begin a
    note? Not where the page's notes begin with raised markers; a number only when it
    follows the page's last note number."""
    if raised:
        return False
    if not marker.isdigit():
        return True
    numbers = [int(m) for m, _ in notes if m.isdigit()]
    return not numbers or int(marker) == numbers[-1] + 1


def _columns_overlap(a: PdfLine, b: PdfLine) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def resolve_markers(text: str, note_ids: dict[str, str]) -> tuple[str, list[str]]:
    """A line's text with its note markers gone, and the ids of the notes they cite.

    A marker with no footnote on its page (an endnote's number) is dropped as well: read
    aloud it would be a stray number in the sentence."""
    refs: list[str] = []

    def take(match: re.Match[str]) -> str:
        marker = match.group(1).strip()
        if marker in note_ids:
            refs.append(note_ids[marker])
        return ""

    return MARKER_RE.sub(take, text), refs


# ---------------------------------------------------------------- headings


def heading_levels(sizes: Iterable[float]) -> dict[float, int]:
    """Heading sizes ranked, the largest level 1."""
    ranked = sorted({round(s * 2) / 2 for s in sizes}, reverse=True)
    return {s: min(number + 1, MAX_HEADING_LEVEL) for number, s in enumerate(ranked)}


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", MARKER_RE.sub("", text).casefold()).split())


def match_bookmarks(
    pages: Sequence[PdfPage], kept: dict[int, list[PdfLine]], bookmarks: Sequence[Bookmark]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Lines that print a bookmark's title on (or next to) its page: {(page, first line):
    (line count, level)}. A title may run over up to three lines."""
    found: dict[tuple[int, int], tuple[int, int]] = {}
    for bookmark in bookmarks:
        if bookmark.page is None:
            continue
        title = _normal(bookmark.title)
        if not title:
            continue
        for page in (bookmark.page, bookmark.page + 1):
            lines = kept.get(page, [])
            hit = _find_title(lines, title)
            if hit is not None and (page, hit[0]) not in found:
                found[(page, hit[0])] = (hit[1], bookmark.level)
                break
    return found


def _find_title(lines: list[PdfLine], title: str) -> tuple[int, int] | None:
    for start in range(len(lines)):
        text = ""
        for count in range(1, 4):
            if start + count > len(lines):
                break
            text = (text + " " + _normal(lines[start + count - 1].text)).strip()
            if text == title or (
                len(title) > 3 and _without_number(text) == _without_number(title)
            ):
                return start, count
            if len(text) > len(title) + 10:
                break
    return None


def _without_number(text: str) -> str:
    """ "1 1 topologische räume" and "topologische räume" alike: section numbers aside."""
    return re.sub(r"^(?:(?:chapter|part|section|book)\s+)?[\divxlc]+(?:\s+\d+)*\s+", "", text)


# ---------------------------------------------------------------- the blocks


@dataclass
class Paragraph:
    """A paragraph being joined from lines."""

    kind: BlockKind
    texts: list[str]
    refs: list[str]
    last: PdfLine
    right: float  # the right edge of the last line's column
    breaks_before: list[str]  # print pages that begin before its text

    def add(self, text: str, line: PdfLine, right: float) -> None:
        self.texts.append(text)
        self.last = line
        self.right = right

    def text(self, vocabulary: frozenset[str] = frozenset()) -> str:
        return join_lines(self.texts, vocabulary)


def document_words(pages: Sequence[PdfPage]) -> frozenset[str]:
    """Every word printed whole inside a line (lower case), hyphenated ones included: how
    the book itself spells a word decides a hyphen at a line's end."""
    words = set()
    for page in pages:
        for line in page.lines:
            for token in MARKER_RE.sub("", line.text).split()[:-1]:
                word = token.strip(".,;:!?\"'“”‘’()[]«»—–").casefold()
                if word:
                    words.add(word)
    return frozenset(words)


def hyphen_belongs(head: str, tail: str, vocabulary: frozenset[str] = frozenset()) -> bool:
    """Is a hyphen at a line's end the word's own? The book's own spelling elsewhere
    decides ("Tarrant" printed whole: "Tar-" "rant" is one word), then the word list."""
    if tail[:1].isupper():
        return True  # Rolls-Royce
    joined = (head + tail).casefold()
    if joined in vocabulary:
        return False
    if f"{head}-{tail}".casefold() in vocabulary:
        return True
    return keep_hyphen(head, tail)


def join_lines(texts: Sequence[str], vocabulary: frozenset[str] = frozenset()) -> str:
    """Lines into running text: a hyphen at a line's end dropped when the word is broken
    by the layout ("knowl-" "edge"), kept when it is the word's own ("door-" "nail")."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if not out:
            out = text
        elif out.endswith("\xad"):
            out = out[:-1] + text
        elif re.search(r"\w[-‐]$", out) and text[:1].isalpha():
            head = re.search(r"(\w+)[-‐]$", out)
            tail = re.match(r"[^\W\d_]+", text)
            if hyphen_belongs(
                head.group(1) if head else "", tail.group(0) if tail else "", vocabulary
            ):
                out = out[:-1] + "-" + text
            else:
                out = out[:-1] + text
        elif re.search(r"\d[-–]$", out) and text[:1].isdigit():
            out += text  # "1955-" "60"
        elif re.search(r"\S—$", out):
            out += text  # an em dash set closed: "instance—" "literally"
        else:
            out += " " + text
    return " ".join(out.replace("\xad", "").split())


@dataclass
class BlockBuilder:
    """Paragraphs joined across lines, columns and pages; page breaks and notes placed."""

    vocabulary: frozenset[str] = frozenset()  # words as the book prints them whole
    blocks: list[EbookBlock] = field(default_factory=list)
    open: Paragraph | None = None
    pending_notes: list[EbookBlock] = field(default_factory=list)
    pending_breaks: list[str] = field(default_factory=list)

    def flush(self) -> None:
        if self.open is not None:
            paragraph = self.open
            self.open = None
            text = paragraph.text(self.vocabulary)
            self._breaks(paragraph.breaks_before)
            if text:
                self.blocks.append(
                    EbookBlock(paragraph.kind, text, note_refs=tuple(paragraph.refs))
                )
        self.blocks.extend(self.pending_notes)
        self.pending_notes = []

    def _breaks(self, labels: list[str]) -> None:
        self.blocks.extend(EbookBlock(BlockKind.PAGE_BREAK, "", page=label) for label in labels)

    def page_starts(self, label: str) -> None:
        """A print page begins: its break goes before the next thing read on it, or before
        the open paragraph when that paragraph runs on into the page."""
        self.pending_breaks.append(label)

    def heading(self, text: str, level: int) -> None:
        """A heading; the break of a page that begins with headings follows them (and
        goes before what is read next), so the page lies in the section they open."""
        self.flush()
        self.blocks.append(EbookBlock(BlockKind.HEADING, text, level=level))

    def scene_break(self) -> None:
        self.flush()
        self._take_breaks_now()
        self.blocks.append(EbookBlock(BlockKind.SCENE_BREAK, ""))

    def _take_breaks_now(self) -> None:
        self._breaks(self.pending_breaks)
        self.pending_breaks = []

    def line(
        self, line: PdfLine, text: str, refs: list[str], new: bool | None, right: float
    ) -> None:
        """A body line: it begins a paragraph, or runs on the open one. When its place
        cannot tell (`new` is None: the top of a page or column), it runs on unless the
        open paragraph's last line ended a sentence short of its column's edge."""
        if new is None:
            new = self.open is None or _ended(self.open.last, self.open.right)
        if self.open is not None and not new:
            if self.pending_breaks:
                self.open.breaks_before.extend(self.pending_breaks)
                self.pending_breaks = []
            self.open.add(text, line, right)
            self.open.refs.extend(refs)
            return
        self.flush()
        self.open = Paragraph(BlockKind.PARAGRAPH, [text], list(refs), line, right, [])
        self._take_breaks_now()

    def note(self, note_id: str, text: str) -> None:
        if text:
            self.pending_notes.append(EbookBlock(BlockKind.NOTE, text, note_id=note_id))

    def finish(self) -> list[EbookBlock]:
        self.flush()
        self._take_breaks_now()
        return self.blocks


def typical_leading(pages: Sequence[PdfPage], size: float) -> float:
    """The usual distance between the baselines of two body lines."""
    steps = []
    for page in pages:
        for above, below in itertools.pairwise(page.lines):
            if abs(above.size - size) < SAME_SIZE_PT and abs(below.size - size) < SAME_SIZE_PT:
                step = above.y0 - below.y0
                if 0 < step < 2.5 * size and _columns_overlap(above, below):
                    steps.append(step)
    return statistics.median(steps) if steps else 1.2 * size


def starts_paragraph(
    lines: Sequence[PdfLine],
    i: int,
    leading: float,
    column: tuple[float, float],
    indent: float | None,
) -> bool | None:
    """Does line i begin a paragraph? None when the lines around it cannot tell (the top
    of a page or column, flush left: the paragraph before may run on).

    `column` is the (left, right) edge of the line's column; `indent` the book's
    first-line indent, when it has one. A line indented by that much begins a paragraph;
    a line indented otherwise (beside a drop capital, in a centred title) tells nothing
    by its indent."""
    line = lines[i]
    em = line.size * INDENT_MIN_EM
    before = lines[i - 1] if i > 0 and _follows(lines[i - 1], line) else None
    after = lines[i + 1] if i + 1 < len(lines) and _follows(line, lines[i + 1]) else None
    if before is not None:
        if abs(before.size - line.size) > SIZE_CHANGE * max(before.size, line.size):
            return True
        if before.y0 - line.y0 > PARAGRAPH_GAP * leading:
            return True
    left, right = column
    if indent is not None:
        if abs(line.x0 - left - indent) < em:
            # at the indent: a first line, unless the lines around it stand there too
            same_after = after is not None and abs(after.x0 - line.x0) < em
            if before is None:
                return None if same_after and not _ended(line, right) else True
            if abs(before.x0 - line.x0) >= em:
                # out of flush text: a first line, or the second line of a paragraph set
                # with a hanging indent (or of a quotation set in), which runs on
                return not (same_after and not _ended(line, right))
            return _ended(before, right)  # after a paragraph of one line
        if before is None and line.x0 <= left + em:
            return None
        if before is not None and before.x0 > line.x0 + em and _ended(before, right):
            return True  # after the short last line of a hanging indent or a quotation
        return False
    if before is not None and _ended(before, right) and line.x0 <= before.x0 + em:
        return True  # block paragraphs: the line before ended a sentence short of the edge
    # no indent common to the book: indented against both neighbours begins a paragraph
    indented_before = before is not None and line.x0 > before.x0 + em
    indented_after = after is not None and line.x0 > after.x0 + em
    if before is not None:
        return indented_before and (indented_after or after is None)
    if indented_after:
        return True
    return None if after is None or line.x0 <= after.x0 + em else False


def column_edges(lines: Sequence[PdfLine]) -> list[tuple[float, float]]:
    """Each line's column: the leftmost edge that several lines overlapping it start at
    (on a page of dialogue, most lines start at the indent), and the right edge most of
    its lines in the same type reach (a justified column's edge)."""
    edges = []
    for line in lines:
        same = [other for other in lines if _columns_overlap(other, line)]
        starts = Counter(round(other.x0) for other in same)
        shared = [x for x, count in starts.items() if count >= 2]
        left = min(shared) if shared else min(starts)
        ends = sorted(o.x1 for o in same if abs(o.size - line.size) < SAME_SIZE_PT)
        right = ends[int(len(ends) * 0.8)] if len(ends) > 2 else max(o.x1 for o in same)
        edges.append((float(min(left, line.x0)), max(right, line.x1)))
    return edges


def paragraph_indent(pages: Sequence[PdfPage], size: float) -> float | None:
    """The first-line indent most paragraphs share, if the book indents them."""
    indents: Counter[int] = Counter()
    flush = 0
    for page in pages:
        body = [line for line in page.lines if abs(line.size - size) < SAME_SIZE_PT]
        for line, (left, _) in zip(body, column_edges(body), strict=True):
            step = line.x0 - left
            if INDENT_MIN_EM * size <= step <= 4 * size:
                indents[round(step)] += 1
            elif step < INDENT_MIN_EM * size:
                flush += 1
    if not indents:
        return None
    value = indents.most_common(1)[0][0]
    near = sum(c for v, c in indents.items() if abs(v - value) <= 1)
    return float(value) if near >= 3 and near >= flush / 40 else None


def _follows(above: PdfLine, below: PdfLine) -> bool:
    """Is `below` the next line of the same column (below it, overlapping horizontally)?"""
    return _columns_overlap(above, below) and below.y1 <= above.y1


def _ended(line: PdfLine, column_right: float) -> bool:
    """A line that ends a sentence short of its column's edge ends its paragraph."""
    text = MARKER_RE.sub("", line.text).rstrip()
    return (
        text.endswith(TERMINAL_PUNCTUATION) and line.x1 < column_right - SHORT_LINE_EM * line.size
    )


def pages_to_blocks(
    pages: Sequence[PdfPage],
    bookmarks: Sequence[Bookmark] = (),
    source: str = "document.pdf",
) -> tuple[list[EbookBlock], list[SkippedPart]]:
    """The laid-out pages as blocks in reading order, and what was left out of them."""
    size = body_size(pages)
    titles = {_normal(b.title) for b in bookmarks} | {
        _normal(line.text) for page in pages for line in page.lines if is_heading_line(line, size)
    }
    titles |= {_without_number(t) for t in titles}
    furniture = find_furniture(pages, source, frozenset(t for t in titles if t))
    labels = page_labels(pages, furniture.printed)
    skipped = list(furniture.skipped)
    kept = {
        page.index: [
            line
            for i, line in enumerate(page.lines)
            if i not in furniture.removed.get(page.index, set())
        ]
        for page in pages
    }
    marked = match_bookmarks(pages, kept, bookmarks)
    heading_sizes = [
        line.size for lines in kept.values() for line in lines if is_heading_line(line, size)
    ]
    levels = _levels_with_bookmarks(heading_sizes, kept, marked)
    vocabulary = document_words(pages)
    builder = BlockBuilder(vocabulary)
    items = page_items(pages, kept, marked, levels, size, vocabulary)
    items = demote_attributions(items)
    items = drop_lists(items, skipped, source, len(pages))
    for item in items:
        page = item.page
        if item.kind == "page":
            label = labels[page]
            if label is not None:
                builder.page_starts(label)
        elif item.kind == "heading":
            builder.heading(item.text, item.level)
        elif item.kind == "scene":
            builder.scene_break()
        elif item.kind == "note":
            builder.note(item.note_id, item.text)
        elif item.kind == "carry":
            _carry_note(builder, item.text)
        elif item.kind == "line" and item.line is not None:
            builder.line(item.line, item.text, item.refs, item.new, item.right)
    return builder.finish(), skipped


def _carry_note(builder: BlockBuilder, text: str) -> None:
    """A footnote running on from the page before: its text joins that note."""
    for store in (builder.pending_notes, builder.blocks):
        for index in range(len(store) - 1, -1, -1):
            if store[index].kind == BlockKind.NOTE:
                joined = join_lines([store[index].text, text], builder.vocabulary)
                store[index] = replace(store[index], text=joined)
                return


def is_heading_line(line: PdfLine, size: float) -> bool:
    """Printed larger than the body, short, and not an item of a list."""
    text = MARKER_RE.sub("", line.text).strip()
    words = len(text.split())
    return (
        line.size >= size * HEADING_MIN_RATIO
        and 0 < words <= HEADING_MAX_WORDS
        and not text.startswith(LIST_BULLETS)
    )


def _levels_with_bookmarks(
    heading_sizes: list[float],
    kept: dict[int, list[PdfLine]],
    marked: dict[tuple[int, int], tuple[int, int]],
) -> dict[float, int]:
    """Levels of heading sizes: ranked by size, unless bookmarks say what a size's level
    is (the level most bookmarks printed in that size have)."""
    by_rank = heading_levels(heading_sizes)
    votes: dict[float, Counter[int]] = defaultdict(Counter)
    for (page, first), (_, level) in marked.items():
        votes[round(kept[page][first].size * 2) / 2][level] += 1
    if not votes:
        return by_rank
    levels = {s: v.most_common(1)[0][0] for s, v in votes.items()}
    top = min(levels.values())
    for s in sorted(by_rank, reverse=True):
        if s in levels:
            continue
        larger = [levels[k] for k in levels if k > s]
        levels[s] = min(max(larger) + 1, MAX_HEADING_LEVEL) if larger else top
    return levels


@dataclass
class Item:
    """One thing in reading order, before paragraphs are joined."""

    kind: str  # "page", "heading", "line", "note", "carry", "scene"
    page: int
    text: str = ""
    level: int = 0
    line: PdfLine | None = None
    refs: list[str] = field(default_factory=list)
    new: bool | None = None  # for a line: begins a paragraph (None: cannot tell)
    right: float = 0.0  # the right edge of the line's column
    note_id: str = ""


def page_items(
    pages: Sequence[PdfPage],
    kept: dict[int, list[PdfLine]],
    marked: dict[tuple[int, int], tuple[int, int]],
    levels: dict[float, int],
    size: float,
    vocabulary: frozenset[str] = frozenset(),
) -> list[Item]:
    """Every page's headings, body lines and footnotes, in reading order."""
    items: list[Item] = []
    had_notes = False
    leading = typical_leading(pages, size)
    indent = paragraph_indent(pages, size)
    for page in pages:
        lines = kept[page.index]
        if not lines:
            continue  # a blank page, or one of pictures: nothing marks where it begins
        items.append(Item("page", page.index))
        heading_at = {
            first: marked[(page.index, first)] for (p, first) in marked if p == page.index
        }
        body, notes, carried = split_footnotes(page, lines, size, had_notes)
        had_notes = bool(notes) or (had_notes and bool(carried))
        note_ids = {note.marker: note.note_id for note in notes}
        # headings: bookmarked lines, or lines printed large (consecutive ones of one size
        # joined); a single large letter before a body line is a drop capital
        body_index = {id(line): n for n, line in enumerate(body)}
        bookmarked = {}
        for first, (count, level) in heading_at.items():
            if first < len(lines) and id(lines[first]) in body_index:
                bookmarked[body_index[id(lines[first])]] = (count, level)
        columns = column_edges(body)

        def heading_item(group: list[PdfLine], level: int, right: float) -> Item:
            text = " ".join(resolve_markers(g.text, note_ids)[0] for g in group)
            return Item("heading", page.index, " ".join(text.split()), level, group[0], right=right)

        n = 0
        pending_cap = ""
        while n < len(body):
            line = body[n]
            if n in bookmarked:
                count, level = bookmarked[n]
                items.append(heading_item(body[n : n + count], level, columns[n][1]))
                n += count
                continue
            plain = MARKER_RE.sub("", line.text).strip()
            if is_heading_line(line, size):
                if (
                    len(plain) == 1
                    and plain.isalpha()
                    and n + 1 < len(body)
                    and not is_heading_line(body[n + 1], size)
                ):
                    pending_cap = plain  # a drop capital, printed beside the first line
                    n += 1
                    continue
                group = [line]
                while (
                    n + len(group) < len(body)
                    and abs(body[n + len(group)].size - line.size) < SAME_SIZE_PT
                    and (n + len(group)) not in bookmarked
                    and group[-1].y0 - body[n + len(group)].y1 < 1.5 * line.size
                ):
                    group.append(body[n + len(group)])
                level = levels.get(round(line.size * 2) / 2, 1)
                items.append(heading_item(group, level, columns[n][1]))
                n += len(group)
                continue
            if SCENE_BREAK_RE.match(plain):
                items.append(Item("scene", page.index))
                n += 1
                continue
            text, refs = resolve_markers(line.text, note_ids)
            if pending_cap:
                text = pending_cap + text
                pending_cap = ""
            new = starts_paragraph(body, n, leading, columns[n], indent)
            if items and items[-1].kind in ("heading", "scene"):
                new = True
            items.append(
                Item("line", page.index, text, line=line, refs=refs, new=new, right=columns[n][1])
            )
            n += 1
        for line in carried:
            items.append(Item("carry", page.index, resolve_markers(line.text, {})[0]))
        for note in notes:
            text = join_lines(
                [resolve_markers(line.text, {})[0] for line in note.lines], vocabulary
            )
            items.append(Item("note", page.index, text, note_id=note.note_id))
    return items


def demote_attributions(items: list[Item]) -> list[Item]:
    """A heading standing last on its page after text, smaller than the heading that
    follows on a later page with nothing between, titles no section: it is an epigraph's
    attribution (its author's name in display type), read as a paragraph."""
    out = list(items)
    for n, item in enumerate(out):
        if item.kind != "heading" or item.line is None:
            continue
        following = next((i for i in out[n + 1 :] if i.kind != "page"), None)
        text_before = any(i.kind == "line" and i.page == item.page for i in out[max(0, n - 50) : n])
        if (
            following is not None
            and following.kind == "heading"
            and following.page > item.page
            and following.level < item.level
            and text_before
        ):
            out[n] = replace(item, kind="line", new=True, level=0)
    return out


def drop_lists(
    items: list[Item], skipped: list[SkippedPart], source: str, page_count: int
) -> list[Item]:
    """A table of contents, or an index in the back half, typed as lines that end in page
    numbers: the heading and its lines, up to the next heading, are not read."""
    out: list[Item] = []
    n = 0
    while n < len(items):
        item = items[n]
        is_contents = item.kind == "heading" and CONTENTS_HEADING_RE.match(item.text)
        is_index = (
            item.kind == "heading"
            and INDEX_TITLE_RE.match(item.text)
            and item.page >= page_count / 2
        )
        if not (is_contents or is_index):
            out.append(item)
            n += 1
            continue
        end = n + 1
        while end < len(items) and items[end].kind != "heading":
            end += 1
        lines = [i for i in items[n + 1 : end] if i.kind == "line"]
        numbered = sum(1 for i in lines if ENDS_IN_PAGE_RE.search(i.text))
        if not lines or numbered / len(lines) < LIST_MIN_SHARE:
            out.append(item)
            n += 1
            continue
        words = sum(len(i.text.split()) for i in lines)
        first = " ".join(i.text for i in lines[:3])
        skipped.append(
            SkippedPart(
                f"{source}#page={item.page + 1}",
                "toc" if is_contents else "index",
                f"{item.text}: {first[:120]}",
                words,
            )
        )
        out.extend(i for i in items[n + 1 : end] if i.kind == "page")
        n = end
    return out


# ---------------------------------------------------------------- the whole book


def has_text(page: PdfPage) -> bool:
    return any(ch.isalnum() for line in page.lines for ch in line.text)


def read_pdf(path: Path, max_bytes: int = MAX_INPUT_BYTES, *, ocr: bool = False) -> Ebook:
    """Read a PDF with a text layer into sections of plain blocks, or raise a UserError.

    `max_bytes` (reading.MAX_INPUT_BYTES) bounds the text read. A scan (no text on any
    page) is refused unless `ocr`, when its pages are read by Tesseract; with `ocr`, the
    pages of pictures in a PDF that has text elsewhere are read by Tesseract too."""
    warnings = PdfWarnings()
    with open_pdf(path) as document:
        metadata = read_metadata(document)
        page_ids = [page.pageid for page in page_list(document, path)]
        bookmarks = read_bookmarks(document, page_ids)
        pages = read_pages(document, path, max_bytes, warnings)
    letters = sum(ch.isalpha() for page in pages for line in page.lines for ch in line.text)
    scanned = [page.index for page in pages if not has_text(page) and page.images]
    if letters == 0 or (letters < NO_TEXT_MIN_CHARS and any(page.images for page in pages)):
        if not ocr:
            raise UserError(SCAN_ERROR.format(path=path))
        scanned = [page.index for page in pages]
    if scanned and ocr:
        read = ocr_pages(path, scanned)
        pages = [replace(read[p.index], label=p.label) if p.index in read else p for p in pages]
    elif scanned:
        warnings.add(
            "scanned",
            f"{path}: {len(scanned)} page{'s' * (len(scanned) > 1)} of pictures without text "
            f"(first: page {scanned[0] + 1}); if they are scanned text, --ocr reads them",
        )
    if sum(ch.isalpha() for page in pages for line in page.lines for ch in line.text) == 0:
        raise UserError(f"{path}: no text found in this PDF, even by OCR")
    blocks, skipped = pages_to_blocks(pages, bookmarks, path.name)
    return book_from_blocks(metadata, blocks, path.name, skipped, warnings.lines())


__all__ = [
    "Bookmark",
    "PdfLine",
    "PdfPage",
    "find_furniture",
    "join_lines",
    "ocr_pages",
    "open_pdf",
    "pages_to_blocks",
    "read_bookmarks",
    "read_metadata",
    "read_pages",
    "read_pdf",
    "tsv_to_lines",
]
