"""Issue 12: reading PDFs with a text layer into sections of plain blocks
(audiobook.ebook.pdf).

Every PDF here is written by the tests from our own text (tests/pdf_fixtures.py)."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

from audiobook.ebook.model import BlockKind, Ebook, EbookBlock
from audiobook.ebook.pdf import (
    PdfLine,
    PdfPage,
    join_lines,
    pages_to_blocks,
    read_pdf,
    tsv_to_lines,
)
from audiobook.errors import UserError
from audiobook.words import have_word_list
from tests.conftest import run_cli
from tests.pdf_fixtures import (
    LEADING,
    LEFT,
    Bookmark,
    Text,
    body,
    furniture,
    write_pdf,
)

H, P, N = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.NOTE
PAGE = BlockKind.PAGE_BREAK

needs_words = pytest.mark.skipif(
    not have_word_list(), reason="no English word list (apt-get install wbritish wamerican)"
)
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr)",
)


def rows(blocks: tuple[EbookBlock, ...] | list[EbookBlock]) -> list[tuple]:
    """Each block as (kind, text), with what else it carries when it carries something."""
    out: list[tuple] = []
    for b in blocks:
        extra = tuple(x for x in (b.level or None, b.page, b.note_id, b.note_refs or None) if x)
        out.append((b.kind, b.text, *extra))
    return out


def text_of(book: Ebook) -> str:
    return "\n".join(b.text for b in book.blocks())


# ---------------------------------------------------------------- page furniture


@pytest.fixture
def log_book(tmp_path: Path) -> Ebook:
    """Three pages with a running header and printed page numbers 7-9; a chapter heading
    in large type; a paragraph that runs on from page 8 to page 9."""
    pages = [
        [
            *furniture("7"),
            Text(LEFT, 80, "The Keeper's Log", 20),
            Text(LEFT, 110, "Spring Tides", 15),
            *body(
                [
                    ">The lamp was cleaned each morning before the gulls woke,",
                    "and the brass was polished until it shone like the sea.",
                    ">Nobody on the island could remember a night without it.",
                ],
                first=140,
            ),
        ],
        [
            *furniture("8"),
            *body(
                [
                    ">Supplies came by boat on the first day of every month,",
                    "weather allowing, and the keeper carried them up the",
                ],
                first=380,
            ),
        ],
        [
            *furniture("9"),
            *body(
                [
                    "long stair one sack at a time, counting the steps aloud.",
                    ">In winter the boat came late, or not at all.",
                ]
            ),
        ],
    ]
    return read_pdf(write_pdf(tmp_path / "log.pdf", pages))


def test_running_header_and_page_numbers_are_not_read(log_book: Ebook) -> None:
    assert "KEEPER'S LOG" not in text_of(log_book)
    reasons = {(s.reason, s.text) for s in log_book.skipped}
    assert ("running-header", "THE KEEPER'S LOG (on 3 pages)") in reasons
    assert (
        "page-numbers",
        "3 printed page numbers (7, 8, 9), kept as page breaks",
    ) in reasons


def test_headings_from_type_size_and_pages_from_printed_numbers(log_book: Ebook) -> None:
    # the book's title over its one chapter is a section of its own (the title page)
    assert [(s.level, s.title) for s in log_book.sections] == [
        (1, "The Keeper's Log"),
        (1, "Spring Tides"),
    ]
    assert rows(log_book.sections[0].blocks) + rows(log_book.sections[1].blocks) == [
        (H, "The Keeper's Log", 1),
        (H, "Spring Tides", 2),
        (PAGE, "", "7"),
        (
            P,
            "The lamp was cleaned each morning before the gulls woke, and the brass was "
            "polished until it shone like the sea.",
        ),
        (P, "Nobody on the island could remember a night without it."),
        (PAGE, "", "8"),
        (PAGE, "", "9"),
        (
            P,
            "Supplies came by boat on the first day of every month, weather allowing, and "
            "the keeper carried them up the long stair one sack at a time, counting the "
            "steps aloud.",
        ),
        (P, "In winter the boat came late, or not at all."),
    ]


def test_a_repeated_heading_at_a_page_top_is_not_a_running_header(tmp_path: Path) -> None:
    pages = [
        [Text(LEFT, 40, "Notes", 16), *body([">A line of the first page of notes."])],
        [Text(LEFT, 40, "Notes", 16), *body([">A line of the second page of notes."])],
        [Text(LEFT, 40, "Notes", 16), *body([">A line of the third page of notes."])],
    ]
    book = read_pdf(write_pdf(tmp_path / "notes.pdf", pages))
    assert [b.text for b in book.blocks() if b.kind == H] == ["Notes", "Notes", "Notes"]


# ---------------------------------------------------------------- lines into paragraphs


@needs_words
def test_a_hyphen_at_a_line_end_is_repaired_and_a_compound_kept(tmp_path: Path) -> None:
    pages = [
        [
            *body(
                [
                    ">It was common knowl-",
                    "edge on the island that the well-",
                    "known keeper had kept a log of every storm since",
                    "the lamp was first lit, and that Mar-",
                    "garet, his daughter, read it aloud on Sundays.",
                    ">Margaret kept her own log too.",
                ]
            )
        ]
    ]
    book = read_pdf(write_pdf(tmp_path / "hyphen.pdf", pages))
    assert rows(book.blocks()) == [
        (PAGE, "", "1"),
        (
            P,
            "It was common knowledge on the island that the well-known keeper had kept a "
            "log of every storm since the lamp was first lit, and that Margaret, his "
            "daughter, read it aloud on Sundays.",
        ),
        (P, "Margaret kept her own log too."),
    ]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["a soft\xad", "ened tone"], "a softened tone"),
        (["from 1955-", "60 onwards"], "from 1955-60 onwards"),
        (["the spot—", "say the churchyard"], "the spot—say the churchyard"),
        (["Rolls-", "Royce"], "Rolls-Royce"),
        (["two  spaces ", " here"], "two spaces here"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


def test_a_vertical_gap_parts_paragraphs_without_indents(tmp_path: Path) -> None:
    pages = [
        [
            *body(["The first block paragraph has two lines", "and no indent at all."]),
            *body(["The second one stands after a gap."], first=80 + 3 * LEADING),
        ]
    ]
    book = read_pdf(write_pdf(tmp_path / "blocks.pdf", pages))
    assert [b.text for b in book.blocks() if b.kind == P] == [
        "The first block paragraph has two lines and no indent at all.",
        "The second one stands after a gap.",
    ]


def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    left = [
        ">The left column begins the",
        "story of the harbour wall, built",
        "of stone from the quarry.",
    ]
    right = [
        ">The right column goes on with",
        "the storm that broke the wall",
        "and the men who mended it.",
    ]
    pages = [
        [
            *[Text(30 + t.x - LEFT, t.y, t.text, 9) for t in body(left)],
            *[Text(220 + t.x - LEFT, t.y, t.text, 9) for t in body(right)],
        ]
    ]
    book = read_pdf(write_pdf(tmp_path / "columns.pdf", pages))
    assert [b.text for b in book.blocks() if b.kind == P] == [
        "The left column begins the story of the harbour wall, built of stone from the quarry.",
        "The right column goes on with the storm that broke the wall and the men who mended it.",
    ]


# ---------------------------------------------------------------- footnotes


def test_a_footnote_is_separated_and_cited_by_its_paragraph(tmp_path: Path) -> None:
    pages = [
        [
            Text(LEFT + 15, 80, "The keeper wrote in a green ledger", raised="1"),
            Text(LEFT, 94, "that his father had bought in the town."),
            *body([">Each entry began with the wind."], first=108),
            Text(LEFT, 520, "1 The ledger is kept in the museum now.", 8),
            Text(LEFT, 530, "Its spine was mended twice.", 8),
        ]
    ]
    book = read_pdf(write_pdf(tmp_path / "note.pdf", pages))
    assert rows(book.blocks()) == [
        (PAGE, "", "1"),
        (
            P,
            "The keeper wrote in a green ledger that his father had bought in the town.",
            ("p1-n1",),
        ),
        (N, "The ledger is kept in the museum now. Its spine was mended twice.", "p1-n1"),
        (P, "Each entry began with the wind."),
    ]


# ---------------------------------------------------------------- outline and metadata


def test_bookmarks_give_heading_levels(tmp_path: Path) -> None:
    pages = [
        [Text(LEFT, 80, "Part One", 14), *body([">The part begins here."], first=110)],
        [
            Text(LEFT, 80, "The Quarry", 14),
            *body([">Stone was cut by hand."], first=110),
            Text(LEFT, 160, "Carts", bold=True),
            *body([">Carts took it down the hill."], first=180),
        ],
    ]
    bookmarks = (
        Bookmark("Part One", 0, 0),
        Bookmark("The Quarry", 1, 1),
        Bookmark("Carts", 2, 1, 160),
    )
    book = read_pdf(write_pdf(tmp_path / "outline.pdf", pages, bookmarks=bookmarks))
    assert [(b.level, b.text) for b in book.blocks() if b.kind == H] == [
        (1, "Part One"),
        (2, "The Quarry"),
        (3, "Carts"),
    ]
    assert [(s.level, s.title) for s in book.sections] == [
        (1, "Part One"),
        (2, "The Quarry"),
        (3, "Carts"),
    ]


def test_metadata_from_the_document_info(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "meta.pdf",
        [body(["A single line of text."])],
        title="The Keeper's Log",
        author="Ada Quill; Ben Harrow",
        lang="en-GB",
        created=datetime.datetime(1911, 5, 1, tzinfo=datetime.UTC),
    )
    metadata = read_pdf(path).metadata
    assert (metadata.title, metadata.authors, metadata.language, metadata.date) == (
        "The Keeper's Log",
        ("Ada Quill", "Ben Harrow"),
        "en-GB",
        "1911",
    )


def test_a_title_that_is_a_file_name_is_ignored(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "word.pdf", [body(["Text."])], title="Microsoft Word - draft3.docx")
    assert read_pdf(path).metadata.title is None


# ---------------------------------------------------------------- contents lists


def test_a_typed_table_of_contents_is_not_read(tmp_path: Path) -> None:
    pages = [
        [
            Text(LEFT, 80, "Contents", 16),
            *body(
                [
                    "The Lamp . . . . . . . . 1",
                    "The Stair . . . . . . . . 9",
                    "The Storm . . . . . . . 17",
                ],
                first=110,
            ),
        ],
        [Text(LEFT, 80, "The Lamp", 16), *body([">It was lit at dusk."], first=110)],
    ]
    book = read_pdf(write_pdf(tmp_path / "toc.pdf", pages))
    assert [s.title for s in book.sections] == ["The Lamp"]
    assert [s.reason for s in book.skipped] == ["toc"]


# ---------------------------------------------------------------- what cannot be read


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    path.write_text("just some text\n")
    with pytest.raises(UserError, match=r"book\.pdf: not a PDF \(no %PDF- header\)$"):
        read_pdf(path)


def test_an_empty_file_and_a_missing_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="not a PDF"):
        read_pdf(empty)
    with pytest.raises(UserError, match="no such file"):
        read_pdf(tmp_path / "missing.pdf")


def test_a_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%% cut short")
    with pytest.raises(UserError, match=r"damaged\.pdf: damaged PDF \("):
        read_pdf(path)


def test_a_pdf_that_needs_a_password(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "locked.pdf", [body(["Secret."])], user_password="pw")
    with pytest.raises(UserError, match="encrypted and needs a password"):
        read_pdf(path)


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    """A page that is only a picture of text: a text page rendered, then placed as an
    image on a page of its own."""
    import pypdfium2
    from PIL import Image

    text_pdf = write_pdf(
        tmp_path / "text.pdf",
        [[Text(LEFT, 120, "The Lighthouse", 24), *body([">The lamp was lit at dusk."], first=170)]],
    )
    document = pypdfium2.PdfDocument(str(text_pdf))
    array = document[0].render(scale=300 / 72, grayscale=True).to_numpy()
    document.close()
    image = tmp_path / "page.png"
    Image.fromarray(array.reshape(array.shape[:2])).save(image)
    return write_pdf(tmp_path / "scan.pdf", [[]], images={0: image})


def test_a_scan_is_refused_with_the_ocr_route(scan: Path) -> None:
    with pytest.raises(UserError) as error:
        read_pdf(scan)
    assert str(error.value) == (
        f"{scan}: this PDF has no text layer (a scan); OCR it first with Tesseract "
        "(Debian: apt install tesseract-ocr) or give --ocr"
    )


def test_ocr_without_tesseract_says_what_to_install(
    scan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(UserError, match="install it with: apt install tesseract-ocr"):
        read_pdf(scan, ocr=True)


@needs_tesseract
def test_a_scan_is_read_by_tesseract_with_ocr(scan: Path) -> None:
    book = read_pdf(scan, ocr=True)
    assert [(b.kind, b.text) for b in book.blocks() if b.kind != PAGE] == [
        (H, "The Lighthouse"),
        (P, "The lamp was lit at dusk."),
    ]


@needs_tesseract
def test_a_scan_from_the_command_line_with_and_without_ocr(scan: Path) -> None:
    refused = run_cli("inspect", str(scan))
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"error: {scan}: this PDF has no text layer (a scan)")
    read = run_cli("script", "--ocr", str(scan))
    assert read.returncode == 0, read.stderr
    segments = [s for c in json.loads(read.stdout)["chapters"] for s in c["segments"]]
    assert [(s["kind"], s["text"]) for s in segments] == [
        ("heading", "The Lighthouse."),
        ("narration", "The lamp was lit at dusk."),
    ]


def test_tesseract_tsv_to_lines() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t100\t200\t80\t40\t96\tThe\n"
        "5\t1\t1\t1\t1\t2\t200\t200\t90\t42\t95\tlamp.\n"
    )
    assert tsv_to_lines(tsv, 300 / 72, 600.0) == [
        PdfLine("The lamp.", 24.0, 541.92, 69.6, 552.0, 10.1)
    ]


# ---------------------------------------------------------------- from lines, without a file


def test_pages_to_blocks_from_lines() -> None:
    """The core without pdfminer: lines with their places, as any layout step gives."""

    def line(x: float, y: float, text: str, size: float = 10.0) -> PdfLine:
        return PdfLine(text, x, y, x + 5.5 * len(text), y + size, size)

    page = PdfPage(
        0,
        400,
        600,
        (
            line(60, 500, "The gulls came back in March,"),
            line(50, 488, "and the keeper fed them bread."),
            line(60, 476, "He counted forty that year."),
        ),
    )
    blocks, skipped = pages_to_blocks([page], source="lines.pdf")
    assert rows(blocks) == [
        (PAGE, "", "1"),
        (P, "The gulls came back in March, and the keeper fed them bread."),
        (P, "He counted forty that year."),
    ]
    assert skipped == []
