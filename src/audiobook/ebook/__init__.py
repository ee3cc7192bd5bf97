"""Reading e-books (EPUB and PDF now; HTML and DOCX later) into plain, typed blocks.

Each format's reader turns a file into an `Ebook`: sections in reading order, each a list of
`EbookBlock`s, plus what was deliberately not read and why. Nothing here knows about the
script or the audio: a later stage turns an `Ebook` into the text half's model.
"""

from audiobook.ebook.epub import read_epub
from audiobook.ebook.model import (
    BlockKind,
    Cover,
    Ebook,
    EbookBlock,
    EbookMetadata,
    EbookSection,
    SkippedPart,
)
from audiobook.ebook.pdf import read_pdf

__all__ = [
    "BlockKind",
    "Cover",
    "Ebook",
    "EbookBlock",
    "EbookMetadata",
    "EbookSection",
    "SkippedPart",
    "read_epub",
    "read_pdf",
]
