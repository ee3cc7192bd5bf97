"""The script contract: JSON shape, Fountain round trip, and the commands that print them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from audiobook.model import Division, SegmentKind
from audiobook.pipeline import example_path, load_script
from audiobook.script_io import (
    read_fountain_script,
    read_json_script,
    script_from_dict,
    script_to_dict,
    script_to_fountain,
    script_to_json,
)
from tests.conftest import run_cli


def essentials(script) -> list:
    return [
        (c.title, c.number, c.divisions, [(s.speaker, s.kind, s.text) for s in c.segments])
        for c in script.chapters
    ]


def test_json_has_the_contract_shape(interview_path: Path) -> None:
    result = run_cli("script", str(interview_path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"title", "author", "speakers", "chapters"}
    assert data["speakers"] == ["Narrator", "Wells", "Stalin"]
    chapter = data["chapters"][0]
    assert set(chapter) >= {"index", "number", "title", "path", "segments"}
    kinds = {s["kind"] for s in chapter["segments"]}
    assert kinds == {"heading", "narration", "speech", "caption", "direction"}
    assert all(set(s) >= {"speaker", "kind", "text"} for s in chapter["segments"])


def test_json_round_trip(memoir_script) -> None:
    again = script_from_dict(json.loads(json.dumps(script_to_dict(memoir_script))), "x")
    assert essentials(again) == essentials(memoir_script)
    pages = [s.page for c in again.chapters for s in c.segments if s.page]
    assert len(pages) == 22


def test_fountain_round_trip_is_lossless(interview_script, memoir_script, tmp_path: Path) -> None:
    for script in (interview_script, memoir_script):
        text = script_to_fountain(script)
        again = read_fountain_script(tmp_path / "x.fountain", text)
        assert essentials(again) == essentials(script)
        assert again.title == script.title
        assert again.author == script.author


@pytest.mark.parametrize("name", ["example.md", "chapter.txt"])
def test_script_json_of_the_examples_reads_back_as_the_same_script(
    name: str, tmp_path: Path
) -> None:
    """Issue 10: what `audiobook script --json` prints reads back (read_json_script) as the
    very script it was made from, all the JSON carries of it (not the layout it was read
    as), and prints the same again."""
    path = example_path(name)
    result = run_cli("script", str(path), "--json", "--removed")
    assert result.returncode == 0, result.stderr
    again = read_json_script(tmp_path / "edited.json", result.stdout)
    assert again == replace(load_script(path), layout=None, layout_reason="")
    assert script_to_json(again, with_removed=True) + "\n" == result.stdout


def test_divisions_and_kinds_cross_the_json_edge(tmp_path: Path) -> None:
    """Issue 10: a chapter's divisions are the parallel lists `path` and `path_titles` in
    JSON ("" for a division without a title), and a segment's kind is its name."""
    path, titles = ["PART ONE", "BOOK I"], ["The First Part", ""]
    script = script_from_dict(book(chapters=[chapter(path=path, path_titles=titles)]), "x")
    [one] = script.chapters
    assert one.divisions == (Division("PART ONE", "The First Part"), Division("BOOK I"))
    assert one.segments[0].kind is SegmentKind.NARRATION
    written = script_to_dict(script)["chapters"][0]
    assert (written["path"], written["path_titles"]) == (path, titles)
    assert written["segments"][0]["kind"] == "narration"
    fountain = read_fountain_script(tmp_path / "x.fountain", script_to_fountain(script))
    assert fountain.chapters[0].divisions == one.divisions
    # a script written by hand without titles still loads: no division has one
    for no_titles in ({}, {"path_titles": []}):
        untitled = script_from_dict(book(chapters=[chapter(path=path, **no_titles)]), "x")
        assert untitled.chapters[0].divisions == (Division("PART ONE"), Division("BOOK I"))


def test_edit_a_fountain_file_and_build_from_it(tmp_path: Path) -> None:
    fountain = tmp_path / "edited.fountain"
    result = run_cli("script", "--format", "fountain", "-o", str(fountain))
    assert result.returncode == 0, result.stderr
    text = fountain.read_text()
    assert "@Keeper\nThe bay does not agree with anyone. It moves." in text
    fountain.write_text(
        text.replace("@Keeper\nThe bay does not", "@Cartographer\nThe bay does not")
    )
    script = load_script(fountain)
    seg = next(s for s in script.chapters[0].segments if s.text.startswith("The bay does not"))
    assert seg.speaker == "Cartographer"
    as_json = json.loads(run_cli("script", str(fountain), "--json").stdout)
    assert as_json["chapters"][0]["segments"][5]["speaker"] == "Cartographer"


def test_default_input_is_the_built_in_example() -> None:
    result = run_cli("script")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["speakers"] == ["Narrator", "Cartographer", "Keeper"]
    assert [c["title"] for c in data["chapters"]][1] == "The Crossing"


@pytest.mark.slow
def test_inspect_prints_tables_and_removed_lines(memoir_path: Path) -> None:
    result = run_cli("inspect", str(memoir_path))
    assert result.returncode == 0, result.stderr
    assert "FIRST SHOCKS" in result.stdout
    assert "PART ONE / BOOK I" in result.stdout
    assert "running-header" in result.stdout
    removed = run_cli("inspect", "--removed", str(memoir_path)).stdout
    assert "   574  page-number          28" in removed
    assert "  3815  signature-mark       R.E. 305" in removed


def test_broken_json_script_is_a_user_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "chapters": [{"title": 1}]}')
    result = run_cli("script", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}: not a valid audiobook script")


def test_output_into_a_missing_folder_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "x.json"
    result = run_cli("script", "-o", str(target))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: --out {target}: the folder {target.parent} does not exist"
    )
    assert not target.parent.exists()


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    assert run_cli("script", "-o", str(target)).returncode == 0
    assert json.loads(target.read_text())["speakers"][0] == "Narrator"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]  # no temporary left beside it


# ---------------------------------------------------------------- issue 10: hand-edited scripts

SEGMENT = {"speaker": "Narrator", "kind": "narration", "text": "Hello there."}


def chapter(title: str = "One", **fields) -> dict:
    return {"title": title, "segments": [SEGMENT], **fields}


def book(**fields) -> dict:
    return {"title": "A Book", "chapters": [chapter()], **fields}


def one_line_error(result, path: Path) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}: ")
    return line


def test_an_empty_chapter_in_a_json_script_is_left_out_with_a_warning(tmp_path: Path) -> None:
    """Issue 10: a chapter whose segments were all deleted was a zip() traceback in the build.
    Deleting them says the chapter is not to be read: the rest of the book is built."""
    path = tmp_path / "edited.json"
    empty = chapter("Two", segments=[])
    path.write_text(json.dumps(book(chapters=[chapter(), empty, chapter("Three")])))
    result = run_cli("build", str(path), "--out", str(tmp_path / "out"), "--engine", "espeak-ng")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == (
        f"WARNING audiobook.pipeline: {path}: 1 chapter has nothing to read aloud "
        "and is left out: 'Two' (chapter 2)"
    )
    mp3s = sorted(p.name for p in (tmp_path / "out").rglob("*.mp3"))
    assert mp3s == ["01 - One.mp3", "02 - Three.mp3"]


def test_an_empty_chapter_in_a_fountain_script_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "edited.fountain"
    path.write_text("Title: T\n\n# One\n\n!Hello.\n\n# Two\n\n# Three\n\n!More.\n")
    result = run_cli("script", str(path))
    assert result.returncode == 0, result.stderr
    assert "'Two' (chapter 2)" in result.stderr
    chapters = json.loads(result.stdout)["chapters"]
    assert [(c["index"], c["title"]) for c in chapters] == [(1, "One"), (2, "Three")]


def test_a_script_with_nothing_to_say_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(book(chapters=[chapter(segments=[])])))
    line = one_line_error(run_cli("script", str(path)), path)
    assert line == f"error: {path}: nothing left to read aloud after cleaning"


def test_json_nested_100000_deep_is_one_error(tmp_path: Path) -> None:
    """Issue 10: a RecursionError traceback."""
    path = tmp_path / "deep.json"
    path.write_text('{"title": "A Book", "chapters": ' + "[" * 100_000 + "]" * 100_000 + "}")
    line = one_line_error(run_cli("build", str(path), "--out", str(tmp_path / "out")), path)
    assert line.endswith("not a valid audiobook script (nested too deeply)")
    assert not (tmp_path / "out").exists()


MALFORMED = [
    ({"title": "A Book"}, "chapters is missing"),
    ({"chapters": [chapter()]}, "title is missing"),
    (book(chapters="One, Two"), 'chapters must be a list, not "One, Two"'),
    (book(chapters={"1": chapter()}), "chapters must be a list"),
    (book(chapters=[chapter(), "Two"]), 'each of chapters must be an object, not "Two"'),
    (book(chapters=[{"segments": [SEGMENT]}]), "chapter 1: title is missing"),
    (book(chapters=[{"title": "One"}]), "chapter 1: segments is missing"),
    (book(chapters=[chapter(index=-1)]), "chapter 1: index must be 1 or more, not -1"),
    (book(chapters=[chapter(index=0)]), "chapter 1: index must be 1 or more, not 0"),
    (book(chapters=[chapter(index="1")]), 'chapter 1: index must be a whole number, not "1"'),
    (book(chapters=[chapter(), chapter(source_line=-5)]), "chapter 2: source_line must be 1"),
    (book(chapters=[chapter(path="PART ONE")]), 'chapter 1: path must be a list, not "PART'),
    (
        book(chapters=[chapter(), chapter(path=["PART ONE", "BOOK I"], path_titles=["x"])]),
        "chapter 2: path has 2 divisions but path_titles 1 title: give one title for each "
        'division, "" for none',
    ),
    (
        book(chapters=[chapter(path=[], path_titles=["x"])]),
        "chapter 1: path has 0 divisions but path_titles 1 title",
    ),
    (
        book(chapters=[chapter(segments=[SEGMENT, {**SEGMENT, "kind": "song"}])]),
        "chapter 1, segment 2: kind must be one of heading, narration",
    ),
    (book(chapters=[chapter(segments=[{"kind": "speech", "text": "Hi."}])]), "speaker is missing"),
    (book(chapters=[chapter(segments=[{**SEGMENT, "speaker": " "}])]), "speaker is empty"),
    (book(chapters=[chapter(segments=[{**SEGMENT, "text": None}])]), "text must be text, not null"),
    (book(chapters=[chapter(segments=[{**SEGMENT, "level": -2}])]), "level must be 1 or more"),
    (
        book(chapters=[chapter(segments=[{**SEGMENT, "scene_break_before": "no"}])]),
        'scene_break_before must be true or false, not "no"',
    ),
    (book(speakers="Narrator"), 'speakers must be a list, not "Narrator"'),
    (book(removed=[{"rule": "x", "line": "7", "text": "y"}]), "removed entry 1: line must be"),
    (book(title=["A", "Book"]), 'title must be text, not ["A", "Book"]'),
    ([book()], "expected a JSON object"),
]


@pytest.mark.parametrize(("data", "fragment"), MALFORMED)
def test_malformed_json_scripts_are_one_line_errors(tmp_path: Path, data, fragment: str) -> None:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    line = one_line_error(run_cli("script", str(path)), path)
    assert f"{path}: not a valid audiobook script (" in line
    assert fragment in line


def test_an_unknown_kind_in_a_fountain_script_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "edited.fountain"
    path.write_text("Title: T\n\n# One\n\n!A song. [[kind=song]]\n")
    line = one_line_error(run_cli("script", str(path)), path)
    assert line == f"error: {path}: block 2 has an unknown kind 'song'"


def test_a_fountain_cue_with_no_name_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "edited.fountain"
    path.write_text("Title: T\n\n# One\n\n@\nHello there.\n")
    line = one_line_error(run_cli("script", str(path)), path)
    assert line == f"error: {path}: block 2 is a cue (@) with no name"
