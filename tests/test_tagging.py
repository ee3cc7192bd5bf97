"""Tags and chapter marks (issue 4): FFMETADATA read back by ffmpeg, marks from stitched
plans, and tag_file on real MP3, Opus and M4B files read back with mutagen and ffprobe."""

from __future__ import annotations

import base64
from pathlib import Path

import mutagen
import pytest
from mutagen.flac import Picture
from mutagen.mp4 import MP4Cover

from audiobook import ffmpeg, processes
from audiobook.errors import AudiobookError, UserError
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    Chapter,
    Division,
    Pauses,
    Script,
    Segment,
    SegmentKind,
)
from audiobook.stitching import ms_to_frames, plan_chapter
from audiobook.tagging import (
    BookInfo,
    Mark,
    Tags,
    book_marks,
    book_tags,
    chapter_marks,
    chapter_tags,
    cover_mime,
    ffmetadata,
    tag_file,
    vorbis_chapters,
    vorbis_time,
)
from tests.audio_fakes import tone_chapter, write_cover

PAUSES = Pauses(sentence_ms=100, paragraph_ms=200, turn_ms=300, heading_ms=400, scene_break_ms=500)

TAGS = Tags(
    title="The Crossing",
    album="The Tide Clock",
    artist="Ada Lind",
    track=2,
    total_tracks=5,
    year="1931",
    language="deu",
)
MARKS = (Mark(0.0, 0.8, "Harbour"), Mark(0.8, 1.6, "Tide = clock; #2"), Mark(1.6, 2.0, "End"))


# ---------------------------------------------------------------- FFMETADATA


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("plain words", "plain words"),
        ("a=b", "a\\=b"),
        ("a;b", "a\\;b"),
        ("#1", "\\#1"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\\nlines"),
        ("=;#\\\n", "\\=\\;\\#\\\\\\\n"),
    ],
    ids=["plain", "equals", "semicolon", "hash", "backslash", "newline", "all"],
)
def test_ffmetadata_escapes_special_characters(value: str, escaped: str) -> None:
    text = ffmetadata({"title": value}, [Mark(1.0, 2.5, value)])
    assert text.startswith(f";FFMETADATA1\ntitle={escaped}\n")
    assert text.endswith(f"START=1000\nEND=2500\ntitle={escaped}\n")


def test_ffmetadata_lists_chapters_in_time_order() -> None:
    text = ffmetadata({}, [Mark(2.0, 3.0, "second"), Mark(0.0, 2.0, "first")])
    assert text == (
        ";FFMETADATA1\n"
        "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2000\ntitle=first\n"
        "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=2000\nEND=3000\ntitle=second\n"
    )


def test_ffmetadata_never_ends_a_chapter_before_it_starts() -> None:
    text = ffmetadata({}, [Mark(1.2344, 1.2341, "blink")])
    assert "START=1234\nEND=1234\n" in text


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of real two-second audio files made by ffmpeg, and tiny cover images."""
    folder = tmp_path_factory.mktemp("media")
    sine = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi"]
    sine += ["-i", "sine=frequency=440:duration=2", "-ac", "1"]
    # No ID3 tag at all, so tag_file has to add one.
    processes.run([*sine, "-c:a", "libmp3lame", "-id3v2_version", "0", str(folder / "a.mp3")])
    processes.run([*sine, "-c:a", "libopus", "-ar", "48000", str(folder / "a.opus")])
    marks = folder / "marks.txt"
    marks.write_text(ffmetadata({}, MARKS), encoding="utf-8")
    with_marks = ["-i", str(marks), "-map", "0:a", "-map_chapters", "1"]
    processes.run([*sine, *with_marks, "-c:a", "aac", "-f", "ipod", str(folder / "a.m4b")])
    write_cover(folder / "cover.png", "red")
    write_cover(folder / "cover.jpg", "blue")
    write_cover(folder / "cover.gif", "green")
    return folder


def test_ffmpeg_reads_escaped_tags_and_marks_back_exactly(media: Path, tmp_path: Path) -> None:
    title = "a=b;c#d\\e\nf"
    marks = [Mark(0.0, 0.5, "one = 1; #2"), Mark(0.5, 1.25, "back\\slash\nnext line")]
    metadata = tmp_path / "metadata.txt"
    metadata.write_text(ffmetadata({"title": title, "artist": "x;y"}, marks), encoding="utf-8")
    dest = tmp_path / "out.mp3"
    inputs = ["-i", str(media / "a.mp3"), "-i", str(metadata)]
    mapping = ["-map_metadata", "1", "-map_chapters", "1", "-c", "copy", "-id3v2_version", "3"]
    processes.run(["ffmpeg", "-v", "error", "-nostdin", *inputs, *mapping, str(dest)])
    info = ffmpeg.probe(dest)
    assert info["format"]["tags"]["title"] == title
    assert info["format"]["tags"]["artist"] == "x;y"
    assert [c["tags"]["title"] for c in info["chapters"]] == [m.title for m in marks]
    assert [float(c["start_time"]) for c in info["chapters"]] == [0.0, 0.5]
    assert [float(c["end_time"]) for c in info["chapters"]] == [0.5, 1.25]
    assert str(mutagen.File(dest).tags["TIT2"]) == title


# ---------------------------------------------------------------- marks


def test_chapter_marks_at_headings_and_changes_of_speaker(tmp_path: Path) -> None:
    long_turn = "I wander around the world as a common man and look at things."
    audio = tone_chapter(
        tmp_path,
        [
            (Segment("Narrator", SegmentKind.HEADING, "THE MEETING", level=1), [0.5]),
            (Segment("Narrator", SegmentKind.NARRATION, "Wells came to Moscow."), [1.0]),
            (Segment("Wells", SegmentKind.SPEECH, long_turn), [0.75]),
            (Segment("Wells", SegmentKind.SPEECH, "I was in America."), [0.25]),
            (Segment("Stalin", SegmentKind.SPEECH, "Not so\nvery much."), [0.5]),
            (Segment("Narrator", SegmentKind.HEADING, "America and Russia", level=2), [0.5]),
            (Segment("Stalin", SegmentKind.SPEECH, "The aim is different."), [0.5, 0.25]),
        ],
    )
    plan = plan_chapter(audio, PAUSES, head_ms=750, tail_ms=2000)
    starts = [t.start_s for t in plan.timings]
    marks = chapter_marks(plan)
    assert [m.title for m in marks] == [
        "The Meeting",  # a heading in capitals, as a player should show it
        "Wells: I wander around the world as a common …",  # eight words
        "Stalin: Not so very much.",  # one line
        "America and Russia",
        "Stalin: The aim is different.",  # the heading came between
    ]
    assert [m.start_s for m in marks] == [starts[0], starts[2], starts[4], starts[5], starts[6]]
    assert [m.end_s for m in marks] == [starts[2], starts[4], starts[5], starts[6], plan.duration_s]
    assert marks[0].start_s == ms_to_frames(750) / AUDIO_SAMPLE_RATE_HZ


def test_a_chapter_without_a_heading_is_marked_from_its_first_segment(tmp_path: Path) -> None:
    audio = tone_chapter(
        tmp_path, [(Segment("Narrator", SegmentKind.NARRATION, "It was cold."), [0.5])]
    )
    plan = plan_chapter(audio, PAUSES, head_ms=0, tail_ms=0)
    assert chapter_marks(plan) == [Mark(0.0, plan.duration_s, "Narrator: It was cold.")]


def test_a_chapter_with_nothing_voiced_has_no_marks(tmp_path: Path) -> None:
    audio = tone_chapter(tmp_path, [(Segment("Narrator", SegmentKind.NARRATION, "…"), [])])
    plan = plan_chapter(audio, PAUSES)
    assert plan.timings == ()
    assert chapter_marks(plan) == []


def test_book_marks_follow_each_other() -> None:
    assert book_marks([("One", 1.5), ("Two", 2.25), ("Three", 0.5)]) == [
        Mark(0.0, 1.5, "One"),
        Mark(1.5, 3.75, "Two"),
        Mark(3.75, 4.25, "Three"),
    ]
    assert book_marks([]) == []


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "00:00:00.000"),
        (1.2344, "00:00:01.234"),
        (61.5, "00:01:01.500"),
        (3599.9996, "01:00:00.000"),  # rounds up across every unit
        (36_000 + 7.25, "10:00:07.250"),
    ],
)
def test_vorbis_time(seconds: float, text: str) -> None:
    assert vorbis_time(seconds) == text


def test_vorbis_chapters_are_numbered_in_time_order() -> None:
    marks = [Mark(1.5, 2.0, "second"), Mark(0.0, 1.5, "first")]
    assert vorbis_chapters(marks) == [
        ("CHAPTER001", "00:00:00.000"),
        ("CHAPTER001NAME", "first"),
        ("CHAPTER002", "00:00:01.500"),
        ("CHAPTER002NAME", "second"),
    ]


# ---------------------------------------------------------------- tags


def test_easy_and_ffmpeg_keys() -> None:
    assert TAGS.easy_keys() == {
        "title": "The Crossing",
        "album": "The Tide Clock",
        "genre": "Audiobook",
        "artist": "Ada Lind",
        "albumartist": "Ada Lind",
        "tracknumber": "2/5",
        "date": "1931",
        "language": "deu",
    }
    assert TAGS.ffmpeg_keys() == {
        "title": "The Crossing",
        "album": "The Tide Clock",
        "genre": "Audiobook",
        "artist": "Ada Lind",
        "album_artist": "Ada Lind",
        "track": "2/5",
        "date": "1931",
        "language": "deu",
    }
    bare = Tags(title="T", album="A", artist=None, track=3)
    assert bare.easy_keys() == {
        "title": "T",
        "album": "A",
        "genre": "Audiobook",
        "tracknumber": "3/3",
    }


def test_book_info_and_tags_from_a_script() -> None:
    chapter = Chapter(2, "II", "THE CROSSING", (Division("BOOK I"),))
    script = Script(
        title="  The Tide\nClock ",
        author="",
        speakers=("Narrator",),
        chapters=(Chapter(1, "I", "Harbour"), chapter),
        year="1931",
        language="pt_BR",
    )
    book = BookInfo.from_script(script)
    assert book == BookInfo("The Tide Clock", None, "1931", 2, "pt-BR")
    assert chapter_tags(book, chapter) == Tags(
        title="Book I - II - The Crossing",
        album="The Tide Clock",
        artist=None,
        track=2,
        total_tracks=2,
        year="1931",
        language="por",
    )
    assert book_tags(book) == Tags(
        "The Tide Clock", "The Tide Clock", None, year="1931", language="por"
    )
    untitled = BookInfo.from_script(Script(" ", "Ada Lind", ("Narrator",), ()))
    assert (untitled.title, untitled.author, untitled.language) == ("Untitled", "Ada Lind", "en")


# ---------------------------------------------------------------- tag_file


def copy(media: Path, name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    dest.write_bytes((media / name).read_bytes())
    return dest


def test_tag_file_on_an_mp3_without_tags(media: Path, tmp_path: Path) -> None:
    path = copy(media, "a.mp3", tmp_path)
    assert mutagen.File(path).tags is None
    tag_file(path, TAGS)
    tags = mutagen.File(path).tags
    assert str(tags["TIT2"]) == "The Crossing"
    assert str(tags["TALB"]) == "The Tide Clock"
    assert str(tags["TPE1"]) == str(tags["TPE2"]) == "Ada Lind"
    assert str(tags["TRCK"]) == "2/5"
    assert str(tags["TCON"]) == "Audiobook"
    assert str(tags["TDRC"]) == "1931"
    assert str(tags["TLAN"]) == "deu"
    assert float(ffmpeg.probe(path)["format"]["duration"]) == pytest.approx(2.0, abs=0.1)


def test_tag_file_embeds_a_cover_in_an_mp3(media: Path, tmp_path: Path) -> None:
    path = copy(media, "a.mp3", tmp_path)
    tag_file(path, TAGS, cover=media / "cover.jpg")
    [picture] = mutagen.File(path).tags.getall("APIC")
    assert picture.mime == "image/jpeg"
    assert picture.data == (media / "cover.jpg").read_bytes()


def test_tag_file_on_opus_writes_comments_marks_and_cover(media: Path, tmp_path: Path) -> None:
    path = copy(media, "a.opus", tmp_path)
    tag_file(path, TAGS, MARKS, cover=media / "cover.png")
    audio = mutagen.File(path)
    assert type(audio).__name__ == "OggOpus"
    assert audio["title"] == ["The Crossing"]
    assert audio["album"] == ["The Tide Clock"]
    assert audio["artist"] == audio["albumartist"] == ["Ada Lind"]
    assert audio["tracknumber"] == ["2/5"]
    assert audio["date"] == ["1931"]
    assert audio["language"] == ["deu"]
    assert audio["genre"] == ["Audiobook"]
    assert audio["CHAPTER002"] == ["00:00:00.800"]
    assert audio["CHAPTER002NAME"] == ["Tide = clock; #2"]
    [block] = audio["METADATA_BLOCK_PICTURE"]
    picture = Picture(base64.b64decode(block))
    assert (picture.type, picture.mime) == (3, "image/png")
    assert picture.data == (media / "cover.png").read_bytes()
    info = ffmpeg.probe(path)
    assert [c["tags"]["title"] for c in info["chapters"]] == [m.title for m in MARKS]
    assert [float(c["start_time"]) for c in info["chapters"]] == [m.start_s for m in MARKS]


def test_retagging_opus_replaces_its_marks(media: Path, tmp_path: Path) -> None:
    path = copy(media, "a.opus", tmp_path)
    tag_file(path, TAGS, MARKS)
    tag_file(path, TAGS, MARKS[:1])
    info = ffmpeg.probe(path)
    assert [c["tags"]["title"] for c in info["chapters"]] == [MARKS[0].title]


def test_tag_file_on_m4b_keeps_ffmpegs_chapters(media: Path, tmp_path: Path) -> None:
    path = copy(media, "a.m4b", tmp_path)
    tag_file(path, book_tags(BookInfo("The Tide Clock", "Ada Lind", "1931", 3, "de")))
    audio = mutagen.File(path)
    assert audio.tags["\xa9nam"] == audio.tags["\xa9alb"] == ["The Tide Clock"]
    assert audio.tags["\xa9ART"] == audio.tags["aART"] == ["Ada Lind"]
    assert audio.tags["\xa9day"] == ["1931"]
    assert audio.tags["\xa9gen"] == ["Audiobook"]
    assert audio.tags["----:com.apple.iTunes:LANGUAGE"] == [b"deu"]
    assert [c.title for c in audio.chapters] == [m.title for m in MARKS]
    assert [c.start for c in audio.chapters] == pytest.approx([m.start_s for m in MARKS], abs=0.001)


@pytest.mark.parametrize(
    ("cover", "kind"), [("cover.jpg", MP4Cover.FORMAT_JPEG), ("cover.png", MP4Cover.FORMAT_PNG)]
)
def test_tag_file_embeds_a_cover_in_m4b(media: Path, tmp_path: Path, cover: str, kind: int) -> None:
    path = copy(media, "a.m4b", tmp_path)
    tag_file(path, TAGS, cover=media / cover)
    [embedded] = mutagen.File(path).tags["covr"]
    assert embedded.imageformat == kind
    assert bytes(embedded) == (media / cover).read_bytes()


def test_tag_file_refuses_what_mutagen_does_not_know(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not audio at all\n", encoding="utf-8")
    with pytest.raises(AudiobookError, match="mutagen does not recognise"):
        tag_file(path, TAGS)


def test_tag_file_on_a_damaged_mp3_is_an_audiobook_error(media: Path, tmp_path: Path) -> None:
    path = tmp_path / "damaged.mp3"
    path.write_bytes(b"\0" * 4096)
    with pytest.raises(AudiobookError, match=r"damaged\.mp3"):
        tag_file(path, TAGS)


def test_tag_file_with_a_cover_that_is_no_image_is_a_user_error(
    media: Path, tmp_path: Path
) -> None:
    path = copy(media, "a.opus", tmp_path)
    cover = tmp_path / "cover.png"
    cover.write_text("a picture of a lighthouse\n", encoding="utf-8")
    with pytest.raises(UserError, match="is not a JPEG or PNG image"):
        tag_file(path, TAGS, cover=cover)
    assert "METADATA_BLOCK_PICTURE" not in mutagen.File(path)


# ---------------------------------------------------------------- covers


def test_cover_mime_from_the_first_bytes(media: Path, tmp_path: Path) -> None:
    assert cover_mime(media / "cover.png") == "image/png"
    assert cover_mime(media / "cover.jpg") == "image/jpeg"
    misnamed = tmp_path / "cover.jpg"
    misnamed.write_bytes((media / "cover.png").read_bytes())
    assert cover_mime(misnamed) == "image/png"  # the bytes decide, not the name


@pytest.mark.parametrize(
    "content",
    [b"a picture of a lighthouse\n", b"", b"\x89PNG", b"\xff\xd8"],
    ids=["text", "empty", "short-png", "short-jpeg"],
)
def test_cover_mime_rejects_what_is_not_an_image(tmp_path: Path, content: bytes) -> None:
    cover = tmp_path / "cover.png"
    cover.write_bytes(content)
    with pytest.raises(UserError, match=r"cover .*cover\.png is not a JPEG or PNG image"):
        cover_mime(cover)


def test_cover_mime_rejects_other_images_and_missing_files(media: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is not a JPEG or PNG image"):
        cover_mime(media / "cover.gif")
    with pytest.raises(UserError, match="cannot read cover"):
        cover_mime(tmp_path / "absent.png")
    with pytest.raises(UserError, match="is not a file"):
        cover_mime(tmp_path)
