"""Speech engines behind one interface (`base.Engine`), chosen by name from a registry."""

from __future__ import annotations

import functools

from audiobook.engines.base import Engine, VoiceInfo
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.engines.flite import FliteEngine
from audiobook.engines.hibari import HibariEngine
from audiobook.engines.kokoro import KokoroEngine
from audiobook.engines.piper import PiperEngine
from audiobook.engines.pyttsx3 import Pyttsx3Engine
from audiobook.engines.rhvoice import RhvoiceEngine
from audiobook.errors import UserError
from audiobook.settings import Settings

ENGINES: dict[str, type[Engine]] = {
    cls.NAME: cls
    for cls in (
        HibariEngine,
        PiperEngine,
        KokoroEngine,
        RhvoiceEngine,
        FliteEngine,
        EspeakNgEngine,
        Pyttsx3Engine,
    )
}

__all__ = [
    "ENGINES",
    "Engine",
    "VoiceInfo",
    "castable_engines",
    "engine_class",
    "get_engine",
    "installed_engines",
    "may_cast",
]


def engine_class(name: str) -> type[Engine]:
    """The class of the engine called `name` (its limits), installed or not; a user error
    names the choices."""
    cls = ENGINES.get(name)
    if cls is None:
        raise UserError(f"unknown speech engine {name!r}; choose one of: {', '.join(ENGINES)}")
    return cls


@functools.cache  # one engine object per process (and Settings: the CLI makes one)
def get_engine(name: str, config: Settings | None = None) -> Engine:
    """The engine called `name`, set up as `config` says (None: Settings()); a user error
    names the choices or says how to install it."""
    cls = engine_class(name)
    if not cls.is_installed(config):
        raise UserError(f"speech engine {name} is not installed; {cls.INSTALL_HINT}")
    return cls(config)


def installed_engines(config: Settings | None = None) -> list[Engine]:
    """Every installed engine, best first (by RANK)."""
    ranked = sorted(ENGINES.values(), key=lambda cls: cls.RANK)
    return [get_engine(cls.NAME, config) for cls in ranked if cls.is_installed(config)]


def may_cast(cls: type[Engine], config: Settings | None = None) -> bool:
    """Whether casting may choose this engine's voices: installed, and classic for a draft."""
    return cls.is_installed(config) and not (cls.NEURAL and config and config.draft)


def castable_engines(config: Settings | None = None) -> list[Engine]:
    """The engines casting may choose from (may_cast), best first."""
    return [e for e in installed_engines(config) if may_cast(type(e), config)]
