"""The clip cache: synthesised audio keyed by everything that decides how it sounds.

A clip's key is a hash of engine, engine version, voice, settings and the exact text, so
a second run finds every clip and an edit misses only the clips whose text changed. Files
appear under their final name only when complete (written to a temporary name in the same
folder, then renamed), so an interrupted run, even by kill -9, leaves no corrupt entry.

A clip damaged all the same (a full disk, a crash of the file system, a hand in the folder)
is found when a build looks the clip up, from its header and size alone, and made again.
One that goes bad after that, while the build runs, ends the build with an error asking
for another: the chapter's times were already laid out from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import wave
from dataclasses import asdict
from pathlib import Path

from audiobook.errors import AudiobookError, disk_errors_as_user_errors
from audiobook.model import (
    AUDIO_CHANNELS,
    AUDIO_SAMPLE_RATE_HZ,
    AUDIO_SAMPLE_WIDTH_BYTES,
    VoiceSettings,
)

# Bump when the clip format or trimming changes, so old clips are not reused.
CLIP_FORMAT_VERSION = 1
# Work folders of runs that died (kill -9) are removed once this old.
STALE_WORK_S = 24 * 3600


def clip_key(settings: VoiceSettings, engine_version: str, text: str) -> str:
    """The cache key of one clip: a hash of all that decides its sound."""
    spec = {
        "format": [CLIP_FORMAT_VERSION, AUDIO_SAMPLE_RATE_HZ],
        "engine_version": engine_version,
        "voice": asdict(settings),
        "text": text,
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode("utf-8")).hexdigest()


class DamagedClipError(AudiobookError):
    """A file in the cache that is not a whole clip: empty, cut short, not a WAV, a folder."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path
        self.problem = problem  # e.g. "is empty", "is cut short (…)"


def clip_frames(path: Path) -> int:
    """The length in frames of a whole clip, from its header, checked cheaply: the format is
    the clip format (model.AUDIO_*) and the file is exactly as long as the header says.

    Raises FileNotFoundError when there is no file, DamagedClipError when it is not a clip.
    """
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            try:
                with wave.open(f) as w:
                    params = w.getparams()
                    data_start = f.tell()  # wave stops reading at the start of the samples
            except (EOFError, wave.Error) as e:
                problem = "is empty" if size == 0 else f"is not a WAV file ({e or 'cut short'})"
                raise DamagedClipError(path, problem) from e
    except IsADirectoryError as e:
        raise DamagedClipError(path, "is a folder") from e
    except FileNotFoundError:
        raise
    except OSError as e:
        raise DamagedClipError(path, f"cannot be read ({e.strerror})") from e
    found = (params.nchannels, params.sampwidth, params.framerate, params.comptype)
    if found != (AUDIO_CHANNELS, AUDIO_SAMPLE_WIDTH_BYTES, AUDIO_SAMPLE_RATE_HZ, "NONE"):
        raise DamagedClipError(
            path,
            f"is {params.framerate} Hz, {params.nchannels} channel(s), {8 * params.sampwidth}-bit "
            f"{params.comptype}; clips are {AUDIO_SAMPLE_RATE_HZ} Hz mono 16-bit PCM",
        )
    expected = data_start + params.nframes * AUDIO_CHANNELS * AUDIO_SAMPLE_WIDTH_BYTES
    if size != expected:
        short = "is cut short" if size < expected else "is too long"
        raise DamagedClipError(path, f"{short} ({size} bytes; its header says {expected})")
    return params.nframes


def changed_error(path: Path, problem: str) -> AudiobookError:
    """The error for a clip that was whole when the build looked it up and is not now
    (the cache was cleared during the build, say): building again makes it anew."""
    root = path.parents[2] if len(path.parents) > 2 and path.parents[1].name == "clips" else None
    where = f"the cache {root}" if root is not None else "the cache"
    return AudiobookError(f"{where} changed during the build ({path.name} {problem}): build again")


def planned_clip_frames(path: Path) -> int:
    """The length of a clip the build has looked up already (clip_frames); one gone or
    damaged since is the error of changed_error."""
    try:
        return clip_frames(path)
    except FileNotFoundError as e:
        raise changed_error(path, "is gone") from e
    except DamagedClipError as e:
        raise changed_error(path, e.problem) from e


class ClipCache:
    """A folder of clips, `clips/ab/abcdef….wav`, plus `work/` for runs in progress."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clips = root / "clips"
        self.work = root / "work"
        self.removed: list[DamagedClipError] = []  # damaged clips `holds` has removed

    def path(self, key: str) -> Path:
        """Where the clip with this key lives (whether or not it exists yet)."""
        return self.clips / key[:2] / f"{key}.wav"

    def holds(self, key: str) -> bool:
        """Whether a whole clip is cached under `key` (see clip_frames). A damaged one is
        removed, so that it is made again, and noted in `removed`."""
        try:
            clip_frames(self.path(key))
        except FileNotFoundError:
            return False
        except DamagedClipError as e:
            self.discard(key)
            self.removed.append(e)
            return False
        return True

    def discard(self, key: str) -> None:
        """Remove whatever is at a clip's place: a file, or a folder that took its name."""
        path = self.path(key)
        with disk_errors_as_user_errors(path):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    def work_dir(self) -> tempfile.TemporaryDirectory[str]:
        """A fresh folder for engine output, on the cache's file system so renames are atomic."""
        self.work.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryDirectory(dir=self.work, prefix=f"run-{os.getpid()}-")

    def store(self, key: str, finished: Path) -> Path:
        """Move a complete clip into place atomically (a rename: never a half-written file)."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(finished, target)
        return target

    def remove_stale_work(self) -> None:
        """Delete work folders left by runs that were killed long ago."""
        if not self.work.is_dir():
            return
        cutoff = time.time() - STALE_WORK_S
        for entry in self.work.iterdir():
            try:
                if entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
            except FileNotFoundError:
                pass  # another run removed it first
