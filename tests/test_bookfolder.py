"""The book folder (issue 10): atomic writes, only our own leftovers removed, a lock that
is never followed through a symlink or blocked by a FIFO."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audiobook.bookfolder import (
    inside,
    is_plain_name,
    partial_path,
    remove_file,
    remove_leftovers,
    write_atomically,
)
from audiobook.errors import UserError


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_write_atomically_leaves_nothing_when_the_writer_fails(tmp_path: Path) -> None:
    dest = tmp_path / "book.mp3"

    def fail(temps: list[Path]) -> None:
        temps[0].write_bytes(b"half")
        raise RuntimeError("encoder died")

    with pytest.raises(RuntimeError):
        write_atomically([dest], fail)
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_a_dead_build_go_and_the_users_files_stay(tmp_path: Path) -> None:
    pid = dead_pid()
    ours = tmp_path / f".01 - One.mp3.audiobook-{pid}.part"
    work = tmp_path / f".audiobook-work-{pid}-abc"
    users = [".notes.123.part", ".draft.part", "notes.txt", ".audiobook-work-notes"]
    ours.write_bytes(b"x")
    work.mkdir()
    (work / "00001.wav").write_bytes(b"x")
    for name in users:
        (tmp_path / name).write_text("mine", encoding="utf-8")
    alive = partial_path(tmp_path / "other.mp3")  # this process's: a live build's file
    alive.write_bytes(b"x")
    remove_leftovers(tmp_path)
    assert not ours.exists()
    assert not work.exists()
    assert all((tmp_path / name).exists() for name in users)


def test_leftovers_of_a_live_process_stay(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        left = tmp_path / f".a.mp3.audiobook-{holder.pid}.part"
        left.write_bytes(b"x")
        remove_leftovers(tmp_path)
        assert left.exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("01 - One.mp3", True),
        ("Book (DAISY 2.02)/ncc.html", True),
        ("../x", False),
        ("a/../../x", False),
        ("/etc/passwd", False),
        ("a//b", False),
        ("a\\b", False),
        ("", False),
        (None, False),
        (3, False),
    ],
)
def test_plain_names(name: object, plain: bool) -> None:
    assert is_plain_name(name) is plain


def test_remove_file_never_leaves_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "ncc.html").write_text("keep", encoding="utf-8")
    (folder / "daisy").symlink_to(outside, target_is_directory=True)
    assert inside(folder, "daisy/ncc.html") is None
    assert not remove_file(folder, "daisy/ncc.html")
    assert not remove_file(folder, "../outside/ncc.html")
    assert (outside / "ncc.html").read_text(encoding="utf-8") == "keep"
    target = tmp_path / "target.mp3"
    target.write_text("keep", encoding="utf-8")
    (folder / "link.mp3").symlink_to(target)
    assert remove_file(folder, "link.mp3")
    assert target.read_text(encoding="utf-8") == "keep", "the link goes, never its target"


def test_remove_file_removes_emptied_subfolders(tmp_path: Path) -> None:
    (tmp_path / "Talking book").mkdir()
    (tmp_path / "Talking book" / "ncc.html").write_text("x", encoding="utf-8")
    assert remove_file(tmp_path, "Talking book/ncc.html")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_where_a_file_goes_is_a_one_line_error(tmp_path: Path) -> None:
    from tests.audio_fakes import fake_build, tiny_script

    script = tiny_script()
    folder = fake_build(script, tmp_path, "mp3,m3u8").folder
    [second] = folder.glob("02 - *.mp3")
    second.unlink()
    second.mkdir()
    (folder / "Wells Meets Stalin.m3u8").unlink()
    (folder / "Wells Meets Stalin.m3u8").mkdir()
    with pytest.raises(UserError, match="a folder is in the way"):
        fake_build(script, tmp_path, "mp3,m3u8")


def test_a_talking_book_folder_that_links_outside_is_refused(tmp_path: Path) -> None:
    from tests.audio_fakes import fake_build, tiny_script

    script = tiny_script()
    folder = fake_build(script, tmp_path, "daisy").folder
    [daisy] = folder.glob("* (DAISY 2.02)")
    mine = daisy / ".notes.123.part"
    mine.write_text("mine", encoding="utf-8")
    fake_build(script, tmp_path, "daisy", chapters="1-2")
    assert mine.read_text(encoding="utf-8") == "mine", "a user's file in the DAISY folder stays"

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".backup.part").write_text("keep", encoding="utf-8")
    [partial] = folder.glob("* - chapters 1-2 (DAISY 2.02)")
    shutil.rmtree(partial)
    partial.symlink_to(outside, target_is_directory=True)
    (tmp_path / "c").joinpath("x").write_text("", encoding="utf-8")  # anything: rebuild
    data = json.loads((folder / ".audiobook-manifest.json").read_text(encoding="utf-8"))
    data["book"].clear()  # forget the partial book, so it is written again
    (folder / ".audiobook-manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UserError, match="in the way"):
        fake_build(script, tmp_path, "daisy", chapters="1-2")
    assert sorted(p.name for p in outside.iterdir()) == [".backup.part"]
