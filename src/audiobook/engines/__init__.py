"""Speech engines behind one interface (`base.Engine`), chosen by name from a registry."""

from __future__ import annotations

import functools

from audiobook.engines.base import Engine, VoiceInfo
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.engines.flite import FliteEngine
from audiobook.engines.pyttsx3 import Pyttsx3Engine
from audiobook.engines.rhvoice import RhvoiceEngine
from audiobook.errors import UserError

ENGINES: dict[str, type[Engine]] = {
    cls.NAME: cls for cls in (RhvoiceEngine, FliteEngine, EspeakNgEngine, Pyttsx3Engine)
}

__all__ = ["ENGINES", "Engine", "VoiceInfo", "get_engine", "installed_engines"]


@functools.cache
def get_engine(name: str) -> Engine:
    """The engine called `name`; a user error names the choices or says how to install it."""
    cls = ENGINES.get(name)
    if cls is None:
        raise UserError(f"unknown speech engine {name!r}; choose one of: {', '.join(ENGINES)}")
    if not cls.is_installed():
        raise UserError(f"speech engine {name} is not installed; {cls.INSTALL_HINT}")
    return cls()


def installed_engines() -> list[Engine]:
    """Every installed engine, best first (by RANK)."""
    ranked = sorted(ENGINES.values(), key=lambda cls: cls.RANK)
    return [get_engine(cls.NAME) for cls in ranked if cls.is_installed()]
