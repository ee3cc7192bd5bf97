"""Output writers, read back with ffprobe and mutagen (issue 4). Audio from fake tone clips."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import mutagen
import pytest

from audiobook import ffmpeg
from audiobook.errors import AudiobookError, UserError
from audiobook.filenames import chapter_display_name
from audiobook.loudness import ACX_PEAK_MAX_DBFS, ACX_RMS_MAX_DBFS, ACX_RMS_MIN_DBFS, measure_pcm
from audiobook.model import BookInfo, BookOutput, ChapterOutput, ChapterRecord, Pauses
from audiobook.settings import Settings
from audiobook.stitching import master_chapter, plan_chapter
from audiobook.tagging import chapter_marks, vorbis_time
from audiobook.writers import WRITERS, get_writers
from audiobook.writers.daisy import DaisyWriter
from audiobook.writers.m4b import M4bWriter
from audiobook.writers.mp3 import Mp3Writer
from audiobook.writers.opus import OpusWriter
from audiobook.writers.playlist import PlaylistWriter, metadata_json, playlist_text
from audiobook.writers.vtt import VttWriter, plan_to_vtt
from tests.audio_fakes import decode_pcm, fake_synthesize, tiny_script, write_cover


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterOutput]:
    """The tiny script's chapters, stitched and levelled, with a cover image."""
    tmp = tmp_path_factory.mktemp("rendered")
    script = tiny_script()
    book = BookInfo.from_script(script)
    cover = write_cover(tmp / "cover.png", "red")
    outputs = []
    for audio in fake_synthesize(script, None, config=Settings(cache_dir=tmp / "cache")):  # type: ignore[arg-type]
        plan = plan_chapter(audio, Pauses())
        mastered = master_chapter(plan, tmp / f"{audio.chapter.index}.wav")
        marks = tuple(chapter_marks(plan))
        outputs.append(ChapterOutput(book, audio.chapter, plan, mastered.wav, marks, cover))
    return outputs


def chap_frame_starts_in_file_order(path: Path) -> list[int]:
    """Start times (ms) of the ID3 CHAP frames in the order they stand in the file."""
    data = path.read_bytes()[:200_000]
    starts = []
    position = data.find(b"CHAP")
    while position != -1:
        body = position + 10  # frame id, size, flags
        end_of_id = data.index(b"\0", body)
        starts.append(int.from_bytes(data[end_of_id + 1 : end_of_id + 5], "big"))
        position = data.find(b"CHAP", end_of_id)
    return starts


def test_mp3_is_cbr_tagged_with_marks_in_time_order(
    rendered: list[ChapterOutput], tmp_path: Path
) -> None:
    chapter = rendered[0]
    # Long titles first: mutagen would save these CHAP frames sorted by size, out of order.
    marks = tuple(
        replace(mark, title=mark.title * (len(chapter.marks) - i))
        for i, mark in enumerate(chapter.marks)
    )
    dest = tmp_path / "out.mp3"
    Mp3Writer().write(replace(chapter, marks=marks), dest)

    info = ffmpeg.probe(dest)
    starts = [float(c["start_time"]) for c in info["chapters"]]
    assert starts == sorted(starts)
    assert starts == pytest.approx([m.start_s for m in marks], abs=0.001)
    assert [c["tags"]["title"] for c in info["chapters"]] == [m.title for m in marks]
    assert chap_frame_starts_in_file_order(dest) == [round(m.start_s * 1000) for m in marks]

    audio = mutagen.File(dest)
    assert audio.info.bitrate_mode == mutagen.mp3.BitrateMode.CBR
    assert audio.info.bitrate == 64000
    tags = audio.tags
    assert str(tags["TIT2"]) == chapter_display_name(chapter.chapter)
    assert str(tags["TALB"]) == "Wells Meets Stalin"
    assert str(tags["TPE1"]) == str(tags["TPE2"]) == "H G Wells"
    assert str(tags["TRCK"]) == "1/3"
    assert str(tags["TCON"]) == "Audiobook"
    assert str(tags["TDRC"]) == "1934"
    toc = tags["CTOC:toc"]
    assert [tags[f"CHAP:{e}"].start_time for e in toc.child_element_ids] == sorted(
        round(m.start_s * 1000) for m in marks
    )
    assert tags.getall("APIC"), "the cover is embedded"
    assert float(info["format"]["duration"]) == pytest.approx(chapter.plan.duration_s, abs=0.1)


def test_mp3_decodes_on_the_stitched_timeline_and_within_acx(
    rendered: list[ChapterOutput], tmp_path: Path
) -> None:
    chapter = rendered[0]
    dest = tmp_path / "out.mp3"
    Mp3Writer().write(chapter, dest)
    pcm = decode_pcm(dest)
    assert len(pcm) // 2 == pytest.approx(chapter.plan.frames, abs=50)
    level = measure_pcm(pcm)
    assert ACX_RMS_MIN_DBFS <= level.rms_dbfs <= ACX_RMS_MAX_DBFS
    assert level.peak_dbfs <= ACX_PEAK_MAX_DBFS
    for timing in chapter.plan.timings:  # silence before each segment, sound just after
        before = pcm[2 * (timing.start_frame - 600) : 2 * (timing.start_frame - 200)]
        after = pcm[2 * (timing.start_frame + 200) : 2 * (timing.start_frame + 600)]
        assert measure_pcm(before).peak < 300 < measure_pcm(after).peak


def test_opus_has_vorbis_tags_and_chapter_comments(
    rendered: list[ChapterOutput], tmp_path: Path
) -> None:
    chapter = rendered[0]
    dest = tmp_path / "out.opus"
    OpusWriter().write(chapter, dest)
    audio = mutagen.File(dest)
    assert type(audio).__name__ == "OggOpus"
    assert audio["title"] == [chapter_display_name(chapter.chapter)]
    assert audio["tracknumber"] == ["1/3"]
    assert audio["genre"] == ["Audiobook"]
    assert audio["CHAPTER001"] == [vorbis_time(chapter.marks[0].start_s)]
    assert audio["CHAPTER002NAME"] == [chapter.marks[1].title]
    assert "METADATA_BLOCK_PICTURE" in audio
    info = ffmpeg.probe(dest)
    starts = [float(c["start_time"]) for c in info["chapters"]]
    assert starts == pytest.approx([m.start_s for m in chapter.marks], abs=0.001)


def test_vtt_has_a_timed_cue_per_segment_with_voice_tags(rendered: list[ChapterOutput]) -> None:
    plan = rendered[0].plan
    text = plan_to_vtt(plan)
    assert text.startswith("WEBVTT\n\n1\n00:00:00.750 --> ")
    cues = text.strip().split("\n\n")[1:]
    assert len(cues) == len(plan.timings)
    number, times, body = cues[2].split("\n")
    assert number == "3"
    assert (
        times == f"{vorbis_time(plan.timings[2].start_s)} --> {vorbis_time(plan.timings[2].end_s)}"
    )
    assert body == "<v Wells>I am much obliged to you. I was in America recently."


def test_vtt_escapes_markup(rendered: list[ChapterOutput], tmp_path: Path) -> None:
    chapter = rendered[1]
    segments = [
        replace(s, text="Fish & <chips>", speaker="A <b>") for s in chapter.chapter.segments
    ]
    plan = replace(
        chapter.plan,
        timings=tuple(replace(t, segment=segments[t.segment_index]) for t in chapter.plan.timings),
    )
    dest = tmp_path / "x.vtt"
    VttWriter().write(replace(chapter, plan=plan), dest)
    assert "<v A &lt;b&gt;>Fish &amp; &lt;chips&gt;" in dest.read_text(encoding="utf-8")


def records(outputs: list[ChapterOutput]) -> tuple[ChapterRecord, ...]:
    return tuple(
        ChapterRecord(
            o.chapter.index,
            chapter_display_name(o.chapter),
            f"{o.chapter.index:02d}",
            o.plan.duration_s,
            {"mp3": f"{o.chapter.index:02d}.mp3"},
            o.wav,
        )
        for o in outputs
    )


def test_m4b_has_a_mark_per_chapter_and_tags(rendered: list[ChapterOutput], tmp_path: Path) -> None:
    taken = []

    def audio():  # streamed: one chapter at a time
        for o in rendered:
            taken.append(o.wav)
            yield o.wav

    output = BookOutput(rendered[0].book, records(rendered), rendered[0].cover, audio=audio())
    writer = M4bWriter()
    assert writer.file_names(output) == ["Wells Meets Stalin.m4b"]
    dest = tmp_path / "book.m4b"
    writer.write(output, [dest])
    assert taken == [o.wav for o in rendered]
    info = ffmpeg.probe(dest)
    assert info["streams"][0]["codec_name"] == "aac"
    durations = [o.plan.duration_s for o in rendered]
    starts = [float(c["start_time"]) for c in info["chapters"]]
    assert starts == pytest.approx([0, durations[0], durations[0] + durations[1]], abs=0.002)
    assert [c["tags"]["title"] for c in info["chapters"]] == [r.title for r in output.chapters]
    assert float(info["format"]["duration"]) == pytest.approx(sum(durations), abs=0.1)
    audio = mutagen.File(dest)
    assert audio.tags["\xa9alb"] == ["Wells Meets Stalin"]
    assert audio.tags["\xa9ART"] == ["H G Wells"]
    assert audio.tags["\xa9gen"] == ["Audiobook"]
    assert "covr" in audio.tags
    assert len(audio.chapters) == 3  # mutagen's tag save kept ffmpeg's chapters


def test_m4b_refuses_audio_that_does_not_match_its_chapters(
    rendered: list[ChapterOutput], tmp_path: Path
) -> None:
    wavs = iter([rendered[0].wav])
    output = BookOutput(rendered[0].book, records(rendered), audio=wavs)
    with pytest.raises(AudiobookError, match="audio of 1 chapters, not 3"):
        M4bWriter().write(output, [tmp_path / "book.m4b"])


def test_partial_m4b_is_named_for_its_chapters(rendered: list[ChapterOutput]) -> None:
    output = BookOutput(rendered[0].book, records(rendered)[1:], partial=True)
    assert M4bWriter().file_names(output) == ["Wells Meets Stalin - chapters 2-3.m4b"]
    output = BookOutput(rendered[0].book, records(rendered)[::2], partial=True)
    assert M4bWriter().file_names(output) == ["Wells Meets Stalin - chapters 1,3.m4b"]


def test_playlist_and_audiobookshelf_metadata(rendered: list[ChapterOutput]) -> None:
    output = BookOutput(rendered[0].book, records(rendered))
    assert PlaylistWriter().file_names(output) == ["Wells Meets Stalin.m3u8", "metadata.json"]
    lines = playlist_text(output).splitlines()
    assert lines[0] == "#EXTM3U"
    assert lines[3:5] == [
        "01.mp3",
        f"#EXTINF:{round(rendered[1].plan.duration_s)},{records(rendered)[1].title}",
    ]
    data = json.loads(metadata_json(output))
    assert data["title"] == "Wells Meets Stalin"
    assert data["authors"] == ["H G Wells"]
    assert data["genres"] == ["Audiobook"]
    assert data["publishedYear"] == "1934"
    assert [c["start"] for c in data["chapters"]] == pytest.approx(
        [0, rendered[0].plan.duration_s, rendered[0].plan.duration_s + rendered[1].plan.duration_s],
        abs=0.001,
    )


def test_writers_are_chosen_by_name() -> None:
    assert [w.NAME for w in get_writers(None)] == ["mp3"]
    assert [w.NAME for w in get_writers("vtt, MP3")] == ["mp3", "vtt"]
    assert [w.NAME for w in get_writers("all")] == list(WRITERS)
    with pytest.raises(UserError, match="unknown output format wav; choose from mp3, m4b"):
        get_writers("mp3,wav")


def test_a_long_title_keeps_the_partial_books_name_apart(rendered: list[ChapterOutput]) -> None:
    from dataclasses import replace

    book = replace(rendered[0].book, title="A Very Long Title " * 12)
    whole = BookOutput(book, records(rendered))
    part = BookOutput(book, records(rendered)[:1], partial=True)
    for writer in (M4bWriter(), DaisyWriter()):
        assert writer.file_names(whole)[0] != writer.file_names(part)[0]
    assert M4bWriter().file_names(part)[0].endswith(" - chapters 1.m4b")
    assert len(M4bWriter().file_names(part)[0].encode()) <= 160


def test_m4b_cuts_long_mark_titles_between_characters(
    rendered: list[ChapterOutput], tmp_path: Path
) -> None:
    from dataclasses import replace

    long_title = "Глава первая, в которой " * 8  # 2 bytes a letter: past 255 bytes
    chapters = tuple(replace(r, title=long_title) for r in records(rendered))
    output = BookOutput(rendered[0].book, chapters, audio=iter([o.wav for o in rendered]))
    dest = tmp_path / "book.m4b"
    M4bWriter().write(output, [dest])
    titles = [c.title for c in mutagen.File(dest).chapters]
    assert len(titles) == 3
    assert all(long_title.startswith(t) and len(t.encode()) <= 250 for t in titles)


def test_all_with_an_unknown_format_is_refused() -> None:
    with pytest.raises(UserError, match="bogus"):
        get_writers("all,bogus")
