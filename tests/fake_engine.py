"""A speech engine for tests of what happens when an engine misbehaves (issue 6).

`fake-tts` is a real program run through the real CommandLineEngine code (time limit,
stderr in the error, retries in synthesis): it writes a tone as long as the text, hangs
forever on a text containing HANG, crashes on CRASH, and crashes only the first time on
FLAKY. Never a stand-in for the real engines' own tests.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

from audiobook.engines.base import CommandLineEngine, VoiceInfo
from audiobook.model import VoiceSettings

PROGRAM = """#!{python}
import math, pathlib, sys, time, wave
if sys.argv[1] == "--version":
    print("fake-tts 1.0")
    sys.exit(0)
out, flaky = sys.argv[1], pathlib.Path(sys.argv[2])
text = sys.stdin.read()
if "HANG" in text:
    time.sleep(3600)
if "CRASH" in text:
    sys.exit("fake-tts: Segmentation fault")
if "FLAKY" in text and not flaky.exists():
    flaky.touch()
    sys.exit("fake-tts: lost its voice, just this once")
frames = int(24000 * 0.02 * len(text))
tone = bytearray()
for i in range(frames):
    tone += int(8000 * math.sin(i / 8)).to_bytes(2, "little", signed=True)
with wave.open(out, "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(24000)
    w.writeframes(bytes(tone))
"""
VOICE = VoiceSettings("fake-tts", "plain")


class FakeTtsEngine(CommandLineEngine):
    """The fake program as an engine; PROGRAM is set by `install_program`."""

    NAME = "fake-tts"
    PROGRAM = ""
    VERSION_PATTERN = r"fake-tts (\S+)"
    INSTALL_HINT = "it is written by the tests"
    RANK = 99
    FLAKY_MARKER: ClassVar[str] = ""

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(self.NAME, VOICE.voice, "en")]

    def command(self, text: str, settings: VoiceSettings, out: Path) -> tuple[list[str], bytes]:
        return [self.PROGRAM, str(out), self.FLAKY_MARKER], text.encode("utf-8")


def install_program(folder: Path) -> Path:
    """Write the fake program into `folder` and point the engine at it."""
    program = folder / "fake-tts"
    program.write_text(PROGRAM.format(python=sys.executable))
    program.chmod(0o755)
    FakeTtsEngine.PROGRAM = str(program)
    FakeTtsEngine.FLAKY_MARKER = str(folder / "fake-tts-was-flaky")
    return program


# `python -m tests.fake_engine FOLDER audiobook-arguments…`: the real command line with
# fake-tts registered, for tests of what a user sees.
if __name__ == "__main__":
    from audiobook.cli import main
    from audiobook.engines import ENGINES

    install_program(Path(sys.argv.pop(1)))
    ENGINES[FakeTtsEngine.NAME] = FakeTtsEngine
    sys.argv[0] = "audiobook"
    main()
