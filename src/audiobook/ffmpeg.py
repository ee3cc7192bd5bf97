"""Every ffmpeg and ffprobe command line the package runs, one small function each.

The programs are run through `audiobook.processes` (stderr captured into the error); this
module only says what to ask them. Two rules hold for every call:
- The common flags are given once (`FFMPEG`): quiet but for errors, never reading the
  terminal, overwriting the file the caller named. Outputs that must be the same bytes on
  every run (a resumed build equals an uninterrupted one) drop the input's metadata and ask
  the muxer for bitexact output.
- A path is never taken for an option or a protocol: every path given to ffmpeg, on its
  command line, goes through `path_arg`, which makes it absolute. A
  relative `-out/book.mp3` would be read as an option, `http:x.wav` as a URL.

Measured here, per hour of audio: MP3 64k 12 s; AAC with the default coder 87 s, with
`-aac_coder fast` 15 s; Opus 32k 45 s.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from audiobook import processes
from audiobook.errors import AudiobookError, UserError
from audiobook.model import AUDIO_CHANNELS, AUDIO_SAMPLE_RATE_HZ

# Speech at 24 kHz mono: 64 kbit/s is what spoken-word services use for voice.
DEFAULT_MP3_BITRATE_KBPS = 64
DEFAULT_OPUS_BITRATE_KBPS = 32  # Opus is transparent for mono speech well below MP3's rate
DEFAULT_AAC_BITRATE_KBPS = 64

FFMPEG = ("ffmpeg", "-hide_banner", "-v", "error", "-nostdin", "-y")
FFPROBE = ("ffprobe", "-hide_banner", "-v", "error")
NO_METADATA = ("-map_metadata", "-1")  # none of the input's tags carried into the output
# Bitexact muxing: no encoder version in the headers and a fixed Ogg serial number instead
# of a random one, so the same audio gives the same bytes.
BITEXACT = ("-fflags", "+bitexact")
# A clip ffmpeg converts (engines.audio resamples the rest with the same library) is
# resampled once, by SoX's resampler: cleaner pass- and stop-band than ffmpeg's default.
RESAMPLER = f"aresample={AUDIO_SAMPLE_RATE_HZ}:resampler=soxr"

# An image input read as the one file named: left to guess, ffmpeg takes `cover%d.png` for a
# numbered sequence (and finds no such files). The same bytes come out as when guessed.
IMAGE_FILE = ("-f", "image2", "-pattern_type", "none")

# ffmpeg's muxer for a file suffix, where the suffix is not the muxer's name.
MUXERS = {".m4a": "ipod", ".opus": "opus", ".ogg": "ogg"}


def path_arg(path: Path) -> str:
    """A path as ffmpeg and ffprobe must be given it: absolute, so never an option or a URL.

    An absolute path starts with `/`, which no option and no protocol name does; ffmpeg
    then opens it with its file protocol whatever else it holds (`-`, `:`, `|`). (A `%d` in
    an image's name is a pattern to the image demuxer, whatever the protocol: `IMAGE_FILE`.)
    """
    return os.path.abspath(path)


def _raw_pcm(rate_hz: int) -> list[str]:
    """Options naming headerless audio in the clip format (16-bit mono) at a rate."""
    return ["-f", "s16le", "-ar", str(rate_hz), "-ac", str(AUDIO_CHANNELS)]


def _volume(gain: float) -> str:
    return f"volume={gain:.4f}"


def probe(path: Path) -> dict:
    """ffprobe's JSON description of a media file: format, streams and chapters."""
    args = [*FFPROBE, "-print_format", "json", "-show_format", "-show_streams"]
    result = processes.run([*args, "-show_chapters", path_arg(path)])
    return json.loads(result.stdout)


def decode_image(path: Path) -> None:
    """Decode an image whole, or raise a UserError saying why it cannot be used.

    ffmpeg exits 0 on a truncated JPEG but says so on stderr, so anything it reports at
    error level counts; `-pattern_type none` reads a name like `cover%d.png` literally.
    """
    args = [*FFMPEG[:-1], "-xerror", "-f", "image2", "-pattern_type", "none"]
    args += ["-i", path_arg(path), "-f", "null", "-"]
    try:
        result = processes.run(args)
        complaint = result.stderr.decode("utf-8", "replace").strip()
    except AudiobookError as e:
        complaint = str(e)
    if complaint:
        detail = complaint.splitlines()[-1]
        raise UserError(f"{path}: the cover image is damaged or unreadable ({detail})")


def encode_mp3(
    wav: Path,
    dest: Path,
    *,
    metadata: str,
    cover: Path | None = None,
    bitrate_kbps: int = DEFAULT_MP3_BITRATE_KBPS,
) -> None:
    """A CBR MP3 with ID3v2.3 tags and chapters from an `;FFMETADATA1` text, in file order.

    ffmpeg writes CHAP frames in time order, with a CTOC; `cover` (JPEG or PNG, checked by
    the caller) becomes the attached front-cover picture.
    """
    with tempfile.TemporaryDirectory() as tmp:
        metadata_file = Path(tmp) / "metadata.txt"
        metadata_file.write_text(metadata, encoding="utf-8")
        args = [*FFMPEG, "-i", path_arg(wav), "-i", path_arg(metadata_file)]
        if cover is not None:
            args += [*IMAGE_FILE, "-i", path_arg(cover)]
        args += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        if cover is not None:
            args += ["-map", "2:v", "-c:v", "copy", "-disposition:v:0", "attached_pic"]
            args += ["-metadata:s:v", "title=Cover", "-metadata:s:v", "comment=Cover (front)"]
        args += ["-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k"]
        args += ["-id3v2_version", "3", "-write_xing", "1", "-f", "mp3", path_arg(dest)]
        processes.run(args)


def encode_opus(wav: Path, dest: Path, *, bitrate_kbps: int = DEFAULT_OPUS_BITRATE_KBPS) -> None:
    """An untagged Ogg Opus file, the same bytes for the same audio (tags come afterwards)."""
    args = [*FFMPEG, "-i", path_arg(wav), *NO_METADATA]
    args += ["-c:a", "libopus", "-b:a", f"{bitrate_kbps}k"]
    processes.run([*args, *BITEXACT, "-f", "opus", path_arg(dest)])


def encode_m4b(
    pcm_chunks: Iterable[bytes],
    dest: Path,
    *,
    metadata: str,
    language: str,
    bitrate_kbps: int = DEFAULT_AAC_BITRATE_KBPS,
) -> None:
    """One AAC audiobook of the book's audio (clip-format PCM, streamed in: a long book never
    sits whole on disk or in memory), with the chapters of an `;FFMETADATA1` text.

    `language` (ISO 639-2, "deu") goes to the audio track. ffmpeg writes both the QuickTime
    chapter track and Nero `chpl`; tags and cover are mutagen's job afterwards.
    """
    with tempfile.TemporaryDirectory() as tmp:
        metadata_file = Path(tmp) / "metadata.txt"
        metadata_file.write_text(metadata, encoding="utf-8")
        args = [*FFMPEG, *_raw_pcm(AUDIO_SAMPLE_RATE_HZ), "-i", "pipe:0"]
        args += ["-i", path_arg(metadata_file)]
        args += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        args += ["-metadata:s:a:0", f"language={language}"]
        args += ["-c:a", "aac", "-aac_coder", "fast", "-b:a", f"{bitrate_kbps}k"]
        args += ["-movflags", "+faststart", "-f", "ipod", path_arg(dest)]
        processes.run_streaming(args, pcm_chunks)


def render_levelled(pcm_chunks: Iterable[bytes], audio_filter: str, dest: Path) -> None:
    """Clip-format PCM, streamed in, through an audio filter chain into a bitexact WAV."""
    args = [*FFMPEG, *_raw_pcm(AUDIO_SAMPLE_RATE_HZ), "-i", "pipe:0", "-af", audio_filter]
    args += ["-c:a", "pcm_s16le", *NO_METADATA, *BITEXACT, "-f", "wav", path_arg(dest)]
    processes.run_streaming(args, pcm_chunks)


def convert_clip(source: Path, target: Path, *, gain: float = 1.0) -> None:
    """Any audio file ffmpeg reads as a clip-format WAV (mono, 16-bit, the clip rate)."""
    filters = RESAMPLER if gain == 1.0 else f"{_volume(gain)},{RESAMPLER}"
    args = [*FFMPEG, "-i", path_arg(source), "-ac", str(AUDIO_CHANNELS), "-af", filters]
    processes.run([*args, "-c:a", "pcm_s16le", "-f", "wav", path_arg(target)])


def muxer_for(path: Path) -> str:
    """ffmpeg's muxer for a file name's suffix: `.m4a` is "ipod", `.mp3` "mp3" …"""
    suffix = path.suffix.lower()
    return MUXERS.get(suffix, suffix.lstrip("."))


def cut_preview(src_wav: Path, dest: Path, *, length_s: float, fade_s: float, fmt: str) -> None:
    """The first `length_s` of a WAV, faded out over its last `fade_s`, in muxer `fmt`.

    `fmt` is named by the caller (`muxer_for(final_name)`), as `dest` may be a temporary
    name without the final suffix.
    """
    fade = f"afade=t=out:st={length_s - fade_s:.3f}:d={fade_s:.3f}"
    args = [*FFMPEG, "-i", path_arg(src_wav), "-t", f"{length_s:.3f}", "-af", fade]
    processes.run([*args, *NO_METADATA, "-f", fmt, path_arg(dest)])
