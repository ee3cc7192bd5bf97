"""Small PDFs written by the tests (fpdf2), every line placed where a typesetter would put
it: running headers, page numbers, headings in larger type, footnotes in small type with a
raised marker, two columns. The text is our own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

PAGE_W, PAGE_H = 400.0, 600.0  # points
LEFT, RIGHT = 50.0, 350.0  # the text column
BODY_PT = 11.0
LEADING = 14.0
INDENT = 15.0
FIRST_BASELINE = 80.0  # from the top of the page


@dataclass(frozen=True)
class Text:
    """A piece of text at a baseline `y` measured from the top of the page."""

    x: float
    y: float
    text: str
    size: float = BODY_PT
    bold: bool = False
    raised: str = ""  # a note marker printed small and raised after the text


@dataclass(frozen=True)
class Bookmark:
    title: str
    level: int  # 0 for a top-level entry, as fpdf2 counts
    page: int  # 0-based
    y: float = FIRST_BASELINE


def write_pdf(
    path: Path,
    pages: list[list[Text]],
    *,
    bookmarks: tuple[Bookmark, ...] = (),
    title: str | None = None,
    author: str | None = None,
    lang: str | None = None,
    created: datetime.datetime | None = None,
    images: dict[int, Path] | None = None,
    user_password: str | None = None,
) -> Path:
    pdf = FPDF(unit="pt", format=(PAGE_W, PAGE_H))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if lang:
        pdf.set_lang(lang)
    pdf.set_creation_date(created or datetime.datetime(1911, 5, 1, tzinfo=datetime.UTC))
    for number, texts in enumerate(pages):
        pdf.add_page()
        for bookmark in bookmarks:
            if bookmark.page == number:
                pdf.set_y(bookmark.y - BODY_PT)
                pdf.start_section(bookmark.title, level=bookmark.level)
        if images and number in images:
            pdf.image(str(images[number]), x=0, y=0, w=PAGE_W, h=PAGE_H)
        for text in texts:
            pdf.set_font("Helvetica", "B" if text.bold else "", text.size)
            pdf.text(text.x, text.y, text.text)
            if text.raised:
                x = text.x + pdf.get_string_width(text.text)
                pdf.set_font("Helvetica", "", text.size * 0.6)
                pdf.text(x, text.y - text.size * 0.4, text.raised)
    if user_password is not None:
        pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.output(str(path))
    return path


def body(lines: list[str], *, first: float = FIRST_BASELINE, x: float = LEFT) -> list[Text]:
    """Lines of prose one below the other; a line starting with ">" is indented (a first
    line), the ">" not printed."""
    out = []
    for number, line in enumerate(lines):
        indent = INDENT if line.startswith(">") else 0.0
        out.append(Text(x + indent, first + number * LEADING, line.lstrip(">")))
    return out


def furniture(page_number: str, header: str = "THE KEEPER'S LOG") -> list[Text]:
    """A running header at the top, the page number at the foot."""
    return [
        Text(150, 35, header, 9),
        Text(195, 570, page_number, 9),
    ]
