"""The program's settings: where its files are and how much it runs at once, as one value.

`Settings.from_environment` is the one place that reads the environment (AUDIOBOOK_CACHE,
XDG_CACHE_HOME, HOME, AUDIOBOOK_VOICES, AUDIOBOOK_WORDLIST, RHVOICE_VOICES). The command
line builds one per command from its options and the environment and passes it down; a
library caller that passes none gets `Settings()`, whose defaults read none of these
variables, so a call gives the same result whatever they say (the cache's default is
~/.cache/audiobook, the home folder as Path.home() finds it). Functions take it as
`config`, since `settings` already names a voice's VoiceSettings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from audiobook.machine import worker_count
from audiobook.reading import MAX_INPUT_BYTES

# The casts and lexicon shipped inside the package, so that an installed copy has them
# (issue 10: a non-editable install lost them when they sat beside the package).
SHIPPED_VOICES_DIR = Path(str(resources.files("audiobook") / "voices"))


def home_cache_dir(home: Path | None = None) -> Path:
    """~/.cache/audiobook, under `home` when given (else Path.home())."""
    return (home or Path.home()) / ".cache" / "audiobook"


@dataclass(frozen=True)
class Settings:
    """Where the program's files are, and its limits; frozen, built once per command."""

    cache_dir: Path = field(default_factory=home_cache_dir)  # synthesised clips (--cache)
    voices_dir: Path = SHIPPED_VOICES_DIR  # the casts and lexicon offered to every book
    word_list: Path | None = None  # one more English word list, read before the system's
    rhvoice_voices: tuple[Path, ...] = ()  # RHVoice voice folders, before rhvoice.VOICE_DIRS
    jobs: int | None = None  # parallel jobs asked for (--jobs); None: one per core
    max_input_bytes: int = MAX_INPUT_BYTES  # a larger text file is refused unread (reading)
    draft: bool = False  # --draft: casting takes classic voices, not neural (engines.may_cast)

    @property
    def workers(self) -> int:
        """How many jobs run at once: `jobs`, capped at the cores (machine.worker_count)."""
        return worker_count(self.jobs)

    @classmethod
    def from_environment(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        cache_dir: Path | None = None,
        voices_dir: Path | None = None,
        word_list: Path | None = None,
        rhvoice_voices: tuple[Path, ...] | None = None,
        jobs: int | None = None,
        draft: bool = False,
    ) -> Settings:
        """The settings of one command: an option given (not None) wins over its environment
        variable, which wins over the default. An empty variable counts as unset.

        - cache_dir: AUDIOBOOK_CACHE (~ expanded), else $XDG_CACHE_HOME/audiobook when that
          is an absolute path, else $HOME/.cache/audiobook;
        - voices_dir: AUDIOBOOK_VOICES, else the casts shipped in the package;
        - word_list: AUDIOBOOK_WORDLIST, else none but the system's;
        - rhvoice_voices: RHVOICE_VOICES, folders separated by os.pathsep;
        - jobs and draft: the options only.

        `environ` is the process's environment (os.environ) when None.
        """
        env = os.environ if environ is None else environ
        return cls(
            cache_dir=cache_dir if cache_dir is not None else _cache_dir(env),
            voices_dir=(
                voices_dir
                if voices_dir is not None
                else _path(env, "AUDIOBOOK_VOICES") or SHIPPED_VOICES_DIR
            ),
            word_list=word_list if word_list is not None else _path(env, "AUDIOBOOK_WORDLIST"),
            rhvoice_voices=(
                rhvoice_voices
                if rhvoice_voices is not None
                else tuple(Path(d) for d in env.get("RHVOICE_VOICES", "").split(os.pathsep) if d)
            ),
            jobs=jobs,
            draft=draft,
        )


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = env.get(name)
    return Path(value) if value else None


def _cache_dir(env: Mapping[str, str]) -> Path:
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    explicit = env.get("AUDIOBOOK_CACHE", "")
    if explicit == "~" or explicit.startswith("~/"):  # with this environment's HOME
        return home / explicit[2:]
    if explicit:
        return Path(explicit).expanduser()  # "~user/…"
    xdg = env.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "audiobook"
    return home_cache_dir(home)
