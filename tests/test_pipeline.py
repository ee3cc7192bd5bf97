"""The text half end to end (issue 1): any input file, or the built-in example, to a Script;
what the user says (--title, --author, --language, --layout) over what the text says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiobook.errors import UserError
from audiobook.model import NARRATOR, ReadOptions, Script
from audiobook.pipeline import example_path, load_script, text_to_script, title_from_file_name

TIDE_CLOCK = """\
CHAPTER I

The clock in the harbour master's office ran on the tide, not the sun.

CHAPTER II

Nobody in the village could read it but old Marta.
"""

FERRY = """\
# The Ferry at Skarra

By Ada Lind

The ferry waited at the quay while the two men argued about the weather.

**Miller** The wind is turning. We should wait an hour.

**Carter** The wind has been turning since Tuesday. We go now.

**Miller** Then you can explain the delay to the harbour master.

**Carter** I will explain nothing. The tide will not wait for us.

## The Crossing

They left at noon, and nobody spoke until the island came into view.
"""

BAY_FOUNTAIN = """\
Title: The Northern Bay
Author: Ada Lind
Date: 1931

# The Survey [[number=I]]

!The cartographer unpacked his instruments on the rocks.

@Keeper
The bay does not agree with anyone. [[line=7]]

@Cartographer
Then I shall make it agree.

.The Storm [[kind=heading; level=2]]

!By evening the rain had washed his chalk marks away.
"""

BAY_JSON = {
    "title": "The Northern Bay",
    "author": "Ada Lind",
    "year": "1931",
    "language": "en",
    "speakers": ["Narrator", "Keeper"],
    "chapters": [
        {
            "title": "The Survey",
            "number": "I",
            "segments": [
                {"speaker": "Narrator", "kind": "heading", "text": "The Survey", "level": 1},
                {"speaker": "Keeper", "kind": "speech", "text": "The bay moves."},
                {"speaker": "Cartographer", "kind": "speech", "text": "Bays do not move."},
            ],
        },
        {
            "title": "The Storm",
            "segments": [{"speaker": "Narrator", "kind": "narration", "text": "It rained."}],
        },
    ],
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def said(script: Script) -> list[list[tuple[str, str, str]]]:
    return [[(s.speaker, s.kind, s.text) for s in c.segments] for c in script.chapters]


# ---------------------------------------------------------------- each kind of input


def test_a_text_file(tmp_path: Path) -> None:
    path = write(tmp_path, "tide_clock.txt", TIDE_CLOCK)
    script = load_script(path)
    assert script.title == "Tide clock"  # the text names none: from the file name
    assert script.author is None
    assert script.source == str(path)
    assert script.speakers == (NARRATOR,)
    assert [(c.index, c.number, c.title) for c in script.chapters] == [
        (1, "I", "CHAPTER I"),
        (2, "II", "CHAPTER II"),
    ]
    assert said(script) == [
        [
            (NARRATOR, "heading", "Chapter One."),
            (
                NARRATOR,
                "narration",
                "The clock in the harbour master's office ran on the tide, not the sun.",
            ),
        ],
        [
            (NARRATOR, "heading", "Chapter Two."),
            (NARRATOR, "narration", "Nobody in the village could read it but old Marta."),
        ],
    ]


def test_a_markdown_file_with_speakers(tmp_path: Path) -> None:
    script = load_script(write(tmp_path, "ferry.md", FERRY))
    assert (script.title, script.author, script.layout) == (
        "The Ferry at Skarra",
        "Ada Lind",
        "markdown",
    )
    assert script.speakers == (NARRATOR, "Miller", "Carter")
    [chapter] = script.chapters
    assert said(script)[0][3:7] == [
        ("Miller", "speech", "The wind is turning. We should wait an hour."),
        ("Carter", "speech", "The wind has been turning since Tuesday. We go now."),
        ("Miller", "speech", "Then you can explain the delay to the harbour master."),
        ("Carter", "speech", "I will explain nothing. The tide will not wait for us."),
    ]
    assert [(s.text, s.level) for s in chapter.segments if s.kind == "heading"] == [
        ("The Ferry at Skarra", 1),
        ("The Crossing", 2),
    ]
    assert [s.source_line for s in chapter.segments] == [1, 3, 5, 7, 9, 11, 13, 15, 17]


def test_a_json_script(tmp_path: Path) -> None:
    path = write(tmp_path, "bay.json", json.dumps(BAY_JSON))
    script = load_script(path)
    assert (script.title, script.author, script.year) == ("The Northern Bay", "Ada Lind", "1931")
    assert script.speakers == (NARRATOR, "Keeper", "Cartographer")  # added as they appear
    assert [(c.index, c.number, c.title) for c in script.chapters] == [
        (1, "I", "The Survey"),
        (2, None, "The Storm"),
    ]
    assert said(script) == [
        [
            (NARRATOR, "heading", "The Survey"),
            ("Keeper", "speech", "The bay moves."),
            ("Cartographer", "speech", "Bays do not move."),
        ],
        [(NARRATOR, "narration", "It rained.")],
    ]


def test_a_fountain_script(tmp_path: Path) -> None:
    path = write(tmp_path, "bay.fountain", BAY_FOUNTAIN)
    script = load_script(path)
    assert (script.title, script.author, script.year) == ("The Northern Bay", "Ada Lind", "1931")
    assert script.source == str(path)
    assert script.speakers == (NARRATOR, "Keeper", "Cartographer")
    [chapter] = script.chapters
    assert (chapter.index, chapter.number, chapter.title) == (1, "I", "The Survey")
    assert said(script) == [
        [
            (NARRATOR, "narration", "The cartographer unpacked his instruments on the rocks."),
            ("Keeper", "speech", "The bay does not agree with anyone."),
            ("Cartographer", "speech", "Then I shall make it agree."),
            (NARRATOR, "heading", "The Storm"),
            (NARRATOR, "narration", "By evening the rain had washed his chalk marks away."),
        ]
    ]
    assert chapter.segments[1].source_line == 7
    assert chapter.segments[3].level == 2


def test_the_suffix_is_read_in_any_case(tmp_path: Path) -> None:
    lower = load_script(write(tmp_path, "bay.json", json.dumps(BAY_JSON)))
    upper = load_script(write(tmp_path, "BAY.JSON", json.dumps(BAY_JSON)))
    assert said(upper) == said(lower)
    fountain = load_script(write(tmp_path, "BAY.Fountain", BAY_FOUNTAIN))
    assert fountain.speakers == (NARRATOR, "Keeper", "Cartographer")


# ---------------------------------------------------------------- what the user says


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("ferry.md", FERRY),
        ("tide_clock.txt", TIDE_CLOCK),
        ("bay.json", json.dumps(BAY_JSON)),
        ("bay.fountain", BAY_FOUNTAIN),
    ],
)
def test_read_options_override_title_author_and_language(
    tmp_path: Path, name: str, text: str
) -> None:
    path = write(tmp_path, name, text)
    plain = load_script(path)
    reading = ReadOptions(title="Salt and Tide", author="Jo Vell", language="de")
    script = load_script(path, reading)
    assert (script.title, script.author, script.language) == ("Salt and Tide", "Jo Vell", "de")
    assert (plain.title, plain.language) != ("Salt and Tide", "de")
    assert said(script) == said(plain)  # the words are the same; only the book's facts differ


def test_read_options_left_empty_change_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "ferry.md", FERRY)
    script = load_script(path, ReadOptions())
    assert (script.title, script.author, script.language) == (
        "The Ferry at Skarra",
        "Ada Lind",
        "en",
    )


def test_a_given_title_names_a_text_without_headings(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", "The carts left before dawn.\n")
    assert [c.title for c in load_script(path).chapters] == ["Notes"]
    script = load_script(path, ReadOptions(title="The Salt Road"))
    assert script.title == "The Salt Road"
    assert [c.title for c in script.chapters] == ["The Salt Road"]


def test_read_options_force_a_layout(tmp_path: Path) -> None:
    path = write(tmp_path, "ferry.md", FERRY)
    assert load_script(path).layout == "markdown"
    forced = load_script(path, ReadOptions(layout="etext"))
    assert forced.layout == "etext"
    assert forced.chapters[0].segments[0].text == "# The Ferry at Skarra"  # no Markdown read


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("tide_clock.txt", "Tide clock"),
        ("my_great-book.md.txt", "My great book"),
        ("notes.SRT", "Notes"),
        ("ch-01__the-bay.text", "Ch 01 the bay"),
        ("letters.from.skarra.txt", "Letters.from.skarra"),
        ("script.vtt", "Script"),
        (".txt", "Untitled"),
    ],
)
def test_title_from_file_name(name: str, title: str) -> None:
    assert title_from_file_name(Path("/books") / name) == title


# ---------------------------------------------------------------- the built-in example


def test_no_file_reads_the_built_in_example() -> None:
    script = load_script(None)
    assert script.source == str(example_path())
    assert Path(script.source).name == "example.md"
    assert script.title.startswith("The Lighthouse Keeper and the Cartographer")
    assert script.speakers == (NARRATOR, "Cartographer", "Keeper")
    assert [c.title for c in script.chapters][1] == "The Crossing"
    assert [c.index for c in script.chapters] == list(range(1, len(script.chapters) + 1))


def test_the_examples_ship_with_the_package() -> None:
    for name in ("example.md", "chapter.txt"):
        path = example_path(name)
        assert path.is_file(), path
        script = load_script(path)
        assert any(s.text.strip() for c in script.chapters for s in c.segments)
    assert load_script(None, ReadOptions(title="Lights")).title == "Lights"


# ---------------------------------------------------------------- nothing to read


def test_text_with_nothing_left_after_cleaning_is_a_user_error(tmp_path: Path) -> None:
    path = write(tmp_path, "pages.txt", "12\n\n13\n")  # page numbers only
    with pytest.raises(UserError, match="nothing left to read aloud after cleaning") as caught:
        load_script(path)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    "chapters",
    [
        [],
        [{"title": "One", "segments": []}],
        [{"title": "One", "segments": [{"speaker": "Narrator", "kind": "narration", "text": " "}]}],
    ],
    ids=["no-chapters", "no-segments", "blank-text"],
)
def test_a_script_with_nothing_to_read_is_a_user_error(tmp_path: Path, chapters: list) -> None:
    path = write(tmp_path, "empty.json", json.dumps({"title": "Empty", "chapters": chapters}))
    with pytest.raises(UserError, match=r"empty\.json: nothing left to read aloud"):
        load_script(path)


def test_a_script_of_punctuation_only_is_nothing_to_read(tmp_path: Path) -> None:
    segments = [{"speaker": "Narrator", "kind": "narration", "text": text} for text in ("…", "—")]
    path = write(
        tmp_path,
        "dots.json",
        json.dumps({"title": "Dots", "chapters": [{"title": "One", "segments": segments}]}),
    )
    with pytest.raises(UserError, match="nothing left to read aloud"):
        load_script(path)


def test_unreadable_input_is_a_user_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"absent\.txt: no such file"):
        load_script(tmp_path / "absent.txt")
    broken = write(tmp_path, "broken.json", '{"title": "x", "chapters": [')
    with pytest.raises(UserError, match=r"broken\.json: not valid JSON"):
        load_script(broken)


# ---------------------------------------------------------------- text_to_script


def test_text_to_script_numbers_chapters_from_one(tmp_path: Path) -> None:
    script = text_to_script(TIDE_CLOCK, source=str(tmp_path / "tide_clock.txt"))
    assert [c.index for c in script.chapters] == [1, 2]
    assert script.title == "Tide clock"
    assert text_to_script(TIDE_CLOCK, title="Tides").title == "Tides"
