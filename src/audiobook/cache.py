"""The clip cache: synthesised audio keyed by everything that decides how it sounds.

A clip's key is a hash of engine, engine version, voice, settings and the exact text, so
a second run finds every clip and an edit misses only the clips whose text changed. Files
appear under their final name only when complete (written to a temporary name in the same
folder, then renamed), so an interrupted run, even by kill -9, leaves no corrupt entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from audiobook.model import AUDIO_SAMPLE_RATE_HZ, VoiceSettings

# Bump when the clip format or trimming changes, so old clips are not reused.
CLIP_FORMAT_VERSION = 1
# Work folders of runs that died (kill -9) are removed once this old.
STALE_WORK_S = 24 * 3600


def default_cache_dir() -> Path:
    """AUDIOBOOK_CACHE, else $XDG_CACHE_HOME/audiobook, else ~/.cache/audiobook."""
    explicit = os.environ.get("AUDIOBOOK_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "audiobook"


def clip_key(settings: VoiceSettings, engine_version: str, text: str) -> str:
    """The cache key of one clip: a hash of all that decides its sound."""
    spec = {
        "format": [CLIP_FORMAT_VERSION, AUDIO_SAMPLE_RATE_HZ],
        "engine_version": engine_version,
        "voice": asdict(settings),
        "text": text,
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode("utf-8")).hexdigest()


class ClipCache:
    """A folder of clips, `clips/ab/abcdef….wav`, plus `work/` for runs in progress."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clips = root / "clips"
        self.work = root / "work"

    def path(self, key: str) -> Path:
        """Where the clip with this key lives (whether or not it exists yet)."""
        return self.clips / key[:2] / f"{key}.wav"

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
