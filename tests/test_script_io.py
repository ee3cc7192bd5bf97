"""The script contract: JSON shape, Fountain round trip, and the commands that print them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiobook.pipeline import load_script
from audiobook.script_io import (
    read_fountain_script,
    script_from_dict,
    script_to_dict,
    script_to_fountain,
)
from tests.conftest import run_cli


def essentials(script) -> list:
    return [
        (c.title, c.number, c.path, [(s.speaker, s.kind, s.text) for s in c.segments])
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
    assert result.stderr.strip() == f"error: {target}: the folder {target.parent} does not exist"
    assert not target.parent.exists()


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    assert run_cli("script", "-o", str(target)).returncode == 0
    assert json.loads(target.read_text())["speakers"][0] == "Narrator"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]  # no temporary left beside it
