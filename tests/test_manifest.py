"""The manifest is untrusted input (issue 10): a damaged or hostile one costs a rebuild, never
a traceback, a blocked folder or a file outside the book folder."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from audiobook.manifest import (
    MANIFEST_NAME,
    ChapterEntry,
    FileEntry,
    Manifest,
    load_manifest,
    save_manifest,
)
from tests.audio_fakes import fake_build as any_fake_build
from tests.audio_fakes import tiny_script

# The manifest tests' books: MP3 and a playlist unless a test says otherwise.
fake_build = partial(any_fake_build, formats="mp3,m3u8")


def test_round_trip(tmp_path: Path) -> None:
    manifest = Manifest(
        {2: ChapterEntry("Two", "02 - Two", 12.5, "k", {"mp3": FileEntry("02 - Two.mp3", "f")})}
    )
    save_manifest(tmp_path, manifest)
    assert load_manifest(tmp_path) == manifest


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not json",
        "[]",
        '{"version": 1, "chapters": []}',
        '{"version": 1, "chapters": {"x": {}}}',
        '{"version": 1, "chapters": {"1": {"title": "T", "stem": "s", "duration_s": "long", "key": "k"}}}',
        '{"version": 1, "chapters": {"1": {"title": "T", "stem": "s", "duration_s": 1, "key": "k", "files": {"mp3": 5}}}}',
        '{"version": 1, "book": {"m3u8": {"names": "x.m3u8", "key": "k"}}}',
        '{"version": 1, "chapters": {"1": {"title": "T", "stem": "s", "duration_s": NaN, "key": "k"}}}',
        "[" * 100_000 + "]" * 100_000,
        '\ufeff{"version": 1}\xff',
    ],
    ids=[
        "empty",
        "text",
        "list",
        "chapters-list",
        "bad-index",
        "bad-duration",
        "bad-file",
        "names-not-list",
        "nan",
        "deep",
        "bad-utf8",
    ],
)
def test_malformed_manifest_means_rebuild_all(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / MANIFEST_NAME).write_bytes(content.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING):
        assert load_manifest(tmp_path) == Manifest()
    assert "every file will be made again" in caplog.text


@pytest.mark.parametrize(
    "name", ["../../victim.txt", "/etc/passwd", "a/../../victim.txt", "..", "", ".hidden.mp3"]
)
def test_names_outside_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    data = {
        "version": 1,
        "chapters": {
            "9": {"title": "T", "stem": "s", "duration_s": 1, "key": "k", "files": {"mp3": {}}}
        },
    }
    data["chapters"]["9"]["files"]["mp3"] = {"name": name, "key": "k"}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert load_manifest(tmp_path) == Manifest()


def test_a_hostile_manifest_never_deletes_outside_the_book_folder(tmp_path: Path) -> None:
    first = fake_build(tiny_script(), tmp_path)
    folder = first.folder
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    # A chapter the book does not have (it would be pruned) and a renamed chapter file (the
    # old name would be deleted), both pointing outside the folder.
    data["chapters"]["7"] = {**data["chapters"]["1"]}
    data["chapters"]["7"]["files"] = {"mp3": {"name": "../../../victim.txt", "key": "k"}}
    data["chapters"]["1"]["files"]["mp3"]["name"] = "../../../victim.txt"
    (folder / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")

    again = fake_build(tiny_script(), tmp_path)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert len(again.written) == 3 + 2, "an unusable manifest means every file is made again"
    assert load_manifest(folder).chapters.keys() == {1, 2, 3}


def test_a_manifest_of_the_wrong_shape_does_not_block_the_folder(tmp_path: Path) -> None:
    folder = fake_build(tiny_script(), tmp_path).folder
    (folder / MANIFEST_NAME).write_text('{"version": 1, "chapters": [1, 2]}', encoding="utf-8")
    again = fake_build(tiny_script(), tmp_path)
    assert len(again.written) == 5
    third = fake_build(tiny_script(), tmp_path)
    assert third.written == [], "the manifest written by the rebuild is good again"


def test_chapters_removed_from_the_text_leave_the_folder_and_the_playlist(
    tmp_path: Path,
) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path).folder
    third = sorted(folder.glob("03 - *.mp3"))
    assert len(third) == 1
    shorter = replace(script, chapters=script.chapters[:2])
    fake_build(shorter, tmp_path)
    assert not third[0].exists(), "the chapter the text lost is gone from the folder"
    playlist = (folder / "Wells Meets Stalin.m3u8").read_text(encoding="utf-8")
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert third[0].name not in playlist
    assert len(metadata["chapters"]) == 2
    assert load_manifest(folder).chapters.keys() == {1, 2}


def playlist_names(folder: Path) -> list[str]:
    [playlist] = folder.glob("*.m3u8")
    lines = playlist.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_a_partial_rebuild_never_leaves_a_playlist_naming_a_deleted_file(
    tmp_path: Path,
) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path, formats="m4b,m3u8").folder
    assert playlist_names(folder) == ["Wells Meets Stalin.m4b"]
    fake_build(script, tmp_path, formats="m4b,m3u8", chapters="1")
    names = playlist_names(folder)
    assert names == ["Wells Meets Stalin.m4b"], "the whole book, kept beside the partial one"
    assert all((folder / name).is_file() for name in names)


def test_a_playlist_of_an_earlier_build_is_kept_up_to_date(tmp_path: Path) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path, formats="mp3,m3u8", chapters="1").folder
    assert len(playlist_names(folder)) == 1
    fake_build(script, tmp_path, formats="mp3", chapters="2-3")  # no m3u8 asked for
    names = playlist_names(folder)
    assert len(names) == 3, "the playlist names the chapters added since"
    assert all((folder / name).is_file() for name in names)


# ---------------------------------------------------------------- found by an adversarial run


def test_a_partial_build_keeps_the_whole_books_files(tmp_path: Path) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path, formats="mp3,m4b,m3u8").folder
    whole = folder / "Wells Meets Stalin.m4b"
    before = whole.read_bytes()
    fake_build(script, tmp_path, formats="mp3,m4b,m3u8", chapters="2")
    assert whole.read_bytes() == before, "building one chapter again never deletes the book"
    assert (folder / "Wells Meets Stalin - chapters 2.m4b").is_file()
    assert playlist_names(folder)[0] == "01 - Book I - I - The Meeting.mp3"
    fake_build(script, tmp_path, formats="mp3,m4b,m3u8", chapters="3")
    assert not (folder / "Wells Meets Stalin - chapters 2.m4b").exists(), "a partial replaces one"
    assert (folder / "Wells Meets Stalin - chapters 3.m4b").is_file()
    fake_build(script, tmp_path, formats="mp3,m4b,m3u8")
    assert sorted(p.name for p in folder.glob("*.m4b")) == ["Wells Meets Stalin.m4b"]


def test_a_playlist_covers_every_chapter_after_a_format_switch(tmp_path: Path) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path, formats="mp3,m3u8", chapters="1").folder
    fake_build(script, tmp_path, formats="opus,m3u8")
    names = playlist_names(folder)
    assert [Path(name).suffix for name in names] == [".opus"] * 3
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert len(metadata["chapters"]) == 3


def test_a_file_cut_short_since_it_was_written_is_made_again(tmp_path: Path) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path).folder
    [mp3] = folder.glob("01 - *.mp3")
    whole = mp3.read_bytes()
    mp3.write_bytes(whole[: len(whole) // 2])  # as a full disk once left it
    again = fake_build(script, tmp_path)
    assert again.written == [mp3]
    assert mp3.read_bytes() == whole


def test_an_edited_manifest_never_deletes_files_it_did_not_write(tmp_path: Path) -> None:
    script = tiny_script()
    folder = fake_build(script, tmp_path).folder
    notes = folder / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    [first] = folder.glob("01 - *.mp3")
    data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    data["chapters"]["99"] = {**data["chapters"]["1"], "stem": "99 - Gone"}
    data["chapters"]["99"]["files"] = {"mp3": {"name": "notes.txt", "key": "k"}}
    data["book"]["m3u8"]["names"] = [*data["book"]["m3u8"]["names"], first.name]
    data["book"]["m3u8"].pop("sizes", None)
    data["chapters"]["2"]["title"] = "Two\n/etc/passwd\n#EXTINF:1,x"
    (folder / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")
    fake_build(script, tmp_path, chapters="1")
    assert notes.read_text(encoding="utf-8") == "mine"
    assert first.is_file(), "a name another entry lists is never deleted as a stale one"
    lines = (folder / "Wells Meets Stalin.m3u8").read_text(encoding="utf-8").splitlines()
    assert "/etc/passwd" not in lines, "a title is one line of the playlist, whatever it holds"
