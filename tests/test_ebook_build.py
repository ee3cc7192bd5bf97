"""An e-book built end to end from the command line with a real engine: chapter files with
the e-book's cover and metadata, and a talking book that EPUBCheck passes (issue 12)."""

from __future__ import annotations

from pathlib import Path

import mutagen
import pytest

from tests.audio_fakes import write_cover
from tests.conftest import run_cli
from tests.ebook_fixtures import lighthouse_epub3, write_epub
from tests.talking_books import epub_of, epubcheck


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lighthouse EPUB (with a real PNG cover) built as MP3 and EPUB: its book folder."""
    work = tmp_path_factory.mktemp("ebook-build")
    files = lighthouse_epub3()
    files["OEBPS/images/cover.png"] = write_cover(work / "cover.png", "navy").read_bytes()
    book = write_epub(work / "lighthouse.epub", files)
    out = work / "out"
    result = run_cli(
        "build", str(book), "--draft", "--format", "mp3,epub",
        "--out", str(out), "--cache", str(work / "cache"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out / "Ada Quill and Ben Ink" / "The Lighthouse Keeper"


def test_each_chapter_is_a_file_named_and_tagged_from_the_epub(built: Path) -> None:
    names = sorted(p.name for p in built.glob("*.mp3"))
    assert names == [
        "01 - One - Chapter One.mp3",
        "02 - Two - Chapter Two.mp3",
        "03 - Three - Chapter Three.mp3",
        "04 - The Play Within.mp3",
    ]
    tags = mutagen.File(built / names[0]).tags
    assert str(tags["TALB"]) == "The Lighthouse Keeper"
    assert str(tags["TPE1"]) == "Ada Quill and Ben Ink"
    [picture] = tags.getall("APIC")
    assert picture.mime == "image/png"
    assert picture.data == (built / "cover.png").read_bytes()


def test_the_talking_book_from_an_epub_passes_epubcheck(built: Path) -> None:
    epubcheck(epub_of(built))


def test_no_cover_leaves_the_ebooks_cover_out(tmp_path: Path) -> None:
    files = lighthouse_epub3()
    files["OEBPS/images/cover.png"] = write_cover(tmp_path / "cover.png").read_bytes()
    book = write_epub(tmp_path / "lighthouse.epub", files)
    result = run_cli(
        "build", str(book), "--draft", "--chapters", "2", "--no-cover",
        "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [mp3] = (tmp_path / "out").rglob("*.mp3")
    assert not mutagen.File(mp3).tags.getall("APIC")


def test_a_cover_that_is_no_image_is_left_out_with_a_warning(tmp_path: Path) -> None:
    """The fixture's own cover is PNG bytes with no picture in them."""
    book = write_epub(tmp_path / "lighthouse.epub", lighthouse_epub3())
    result = run_cli(
        "build", str(book), "--draft", "--chapters", "2",
        "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "the cover (OEBPS/images/cover.png) is left out" in result.stderr
    [mp3] = (tmp_path / "out").rglob("*.mp3")
    assert not mutagen.File(mp3).tags.getall("APIC")
