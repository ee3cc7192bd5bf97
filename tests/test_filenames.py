"""Safe, sorted file names from arbitrary book text (issue 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audiobook.filenames import (
    DEFAULT_MAX_NAME_BYTES,
    book_folder,
    chapter_display_name,
    chapter_stem,
    display_case,
    format_ranges,
    safe_name,
)
from audiobook.model import Chapter, Division


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Peasants and Manual Workers", "Peasants and Manual Workers"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "Untitled"),
        ("", "Untitled"),
        ("  -  ", "Untitled"),
        ("CON", "_CON"),
        ("con.mp3", "_con.mp3"),
        ("LPT1", "_LPT1"),
        ("Console", "Console"),
        ("What? Why: Because*", "What Why - Because"),
        ('He said "no" <loudly> | twice', "He said 'no' loudly - twice"),
        ("back\\slash", "back-slash"),
        ("Hello\x00\x07World", "HelloWorld"),
        ("line\nbreak\ttab", "line break tab"),
        ("\u202eevil\u200fname\u200b", "evilname"),  # bidi override, RTL mark, zero width
        ("Emoji 😀👍🏽 ❤️ test", "Emoji test"),
        ("Café Müller", "Café Müller"),
        ("Cafe\u0301", "Café"),  # decomposed accent is composed (NFC)
        ("ГУЛАГ", "ГУЛАГ"),
        (".hidden", "hidden"),
        ("trailing dots...", "trailing dots"),
        ("-rf", "rf"),
    ],
)
def test_safe_name(text: str, expected: str) -> None:
    assert safe_name(text) == expected


def test_long_names_are_cut_between_characters() -> None:
    assert len(safe_name("a" * 500).encode()) == DEFAULT_MAX_NAME_BYTES
    cut = safe_name("é" * 500)  # two bytes each: the cut must not split one
    assert len(cut.encode()) <= DEFAULT_MAX_NAME_BYTES
    assert set(cut) == {"é"}
    assert len(safe_name("😀a" * 200).encode()) <= DEFAULT_MAX_NAME_BYTES


@given(st.text(max_size=600))
def test_any_text_gives_one_writable_component(text: str) -> None:
    name = safe_name(text)
    assert name
    assert name not in (".", "..")
    assert "/" not in name
    assert "\\" not in name
    assert "\0" not in name
    assert len(name.encode("utf-8")) <= DEFAULT_MAX_NAME_BYTES
    assert name == name.strip(" .")
    assert Path(name).name == name


def test_hostile_names_stay_inside_the_folder(tmp_path: Path) -> None:
    for text in ("../../etc/passwd", "/etc/passwd", "..", "a/../../b", "CON", "x" * 500):
        path = tmp_path / safe_name(text)
        path.write_text("ok")
        assert path.resolve().parent == tmp_path.resolve()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BOOK II", "Book II"),
        ("PEASANTS AND MANUAL WORKERS", "Peasants and Manual Workers"),
        ("THE FIVE-YEAR PLAN", "The Five-Year Plan"),
        ("AND NOW?", "And Now?"),
        ("POLITICAL REPRESSION IN THE U.S.S.R.", "Political Repression in the U.S.S.R."),
        ("Already Mixed Case", "Already Mixed Case"),
        ("1934", "1934"),
    ],
)
def test_display_case(text: str, expected: str) -> None:
    assert display_case(text) == expected


def test_chapter_stem_sorts_in_reading_order_and_says_what_it_is() -> None:
    divisions = (Division("PART ONE"), Division("BOOK I"))
    chapter = Chapter(3, "III", "PEASANTS AND MANUAL WORKERS", divisions)
    assert chapter_stem(chapter, 12) == "03 - Book I - III - Peasants and Manual Workers"
    assert chapter_display_name(chapter) == "Book I - III - Peasants and Manual Workers"
    assert chapter_stem(chapter, 150) == "003 - Book I - III - Peasants and Manual Workers"
    stems = [chapter_stem(Chapter(i, None, "Title"), 120) for i in (1, 2, 10, 100)]
    assert stems == sorted(stems)


def test_chapter_stem_does_not_repeat_a_number_the_title_holds() -> None:
    chapter = Chapter(2, "II", "II. Is All Lost?")
    assert chapter_stem(chapter, 9) == "02 - II. Is All Lost"


def test_chapter_stem_sanitises_each_part() -> None:
    chapter = Chapter(1, None, "../../etc/passwd", (Division("CON"),))
    stem = chapter_stem(chapter, 2)
    assert stem == "01 - _Con - etc-passwd"
    assert chapter_stem(Chapter(7, None, "😀"), 9) == "07"


def test_book_folder_is_author_then_title(tmp_path: Path) -> None:
    assert book_folder(tmp_path, "H G Wells", "Wells: Stalin") == tmp_path / "H G Wells" / (
        "Wells - Stalin"
    )
    assert book_folder(tmp_path, None, "../x") == tmp_path / "Unknown Author" / "x"


def test_format_ranges() -> None:
    assert format_ranges([5, 1, 2, 3, 7, 8]) == "1-3,5,7-8"
