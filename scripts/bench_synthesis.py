"""Synthesis throughput against the bare engine command line, on the same text, same run.

For the interview and one memoir chapter, and for each voice asked for, it times:
- bare: the engine's own command line speaking the whole text in one process, one core
  (`espeak-ng -f`, `flite -f`): the fastest that engine can possibly go;
- ours: `synthesize_script` with an empty cache and --jobs (default all cores): lexicon,
  sentence chunking, one engine process per clip, conversion, trimming, atomic caching;
- cached: the same call again, which should synthesise nothing.
Throughput is seconds of audio per wall-clock second; ratio = ours / bare (above 1: faster
than the bare engine; the issue's target is at least 1/1.2 = 0.83). CPU seconds are shown
too: on a shared machine the wall-clock ratio depends on how many cores are really free,
the CPU cost of our overhead (a process per clip, conversion) does not.

    python scripts/bench_synthesis.py [--jobs N] [--voice flite:kal16 ...]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from audiobook import processes
from audiobook.engines.audio import wav_duration_s
from audiobook.engines.hibari import HibariEngine
from audiobook.engines.workers import POOL
from audiobook.machine import available_cores
from audiobook.model import NARRATOR, Cast, Chapter, Script, Segment, SegmentKind, VoiceSettings
from audiobook.settings import Settings
from audiobook.synthesis import segment_chunks, synthesize_script

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
INTERVIEW = SEEDS / "000_bebbb2a83c2e4137.txt"
MEMOIR = SEEDS / "003_d3de4caf663c8e66.txt"
MEMOIR_CHAPTER_TITLE = "RETURN TO MOSCOW"
LEXICON = Settings().voices_dir / "lexicon.toml"
# The bare neural engine: the model loaded once, every line spoken in one process and thread.
HIBARI_BARE = """
import sys, numpy as np, hibari
tts = hibari.Hibari("heart", threads=1)
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
audio = np.concatenate([tts(line, seed=0) for line in lines])
hibari.write_wav(sys.argv[2], audio)
"""
# The same for Kokoro and Piper, each with the one-thread session our workers use.
NEURAL_BARE = """
import importlib, json, sys, numpy as np
from audiobook.engines.neural_worker import write_wav
engine = importlib.import_module("audiobook.engines." + sys.argv[3])
model = engine.load_model(sys.argv[4], json.loads(sys.argv[5]))
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
write_wav(sys.argv[2], np.concatenate([model.speak(line, 1.0) for line in lines]), model.rate)
"""


def plain_script(path: Path, start: int, chars: int) -> Script:
    """Paragraphs of a text file as narration: the fallback when load_script is missing."""
    paragraphs = [" ".join(p.split()) for p in path.read_text("utf-8").split("\n\n")]
    segments, total = [], 0
    for text in paragraphs[start:]:
        if text:
            segments.append(
                Segment(NARRATOR, SegmentKind.NARRATION, text.replace("*", "").lstrip("# "))
            )
            total += len(text)
        if total >= chars:
            break
    chapter = Chapter(1, None, path.stem, segments=tuple(segments))
    return Script(path.stem, None, (NARRATOR,), (chapter,))


def load_texts() -> list[tuple[str, Script]]:
    """The interview, and one memoir chapter (a slice of paragraphs without the pipeline)."""
    try:
        from audiobook.pipeline import load_script
    except ImportError:
        return [
            ("interview", plain_script(INTERVIEW, 0, 10**9)),
            ("memoir slice", plain_script(MEMOIR, 400, 15_000)),
        ]
    interview = load_script(INTERVIEW)
    memoir = load_script(MEMOIR)
    chapter = next(c for c in memoir.chapters if c.title.upper() == MEMOIR_CHAPTER_TITLE)
    return [
        ("interview", interview),
        (f"memoir ch. {chapter.index}", replace(memoir, chapters=[chapter])),
    ]


def cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_engine(settings: VoiceSettings, text_file: Path, out: Path) -> list[str]:
    """The engine's own command line reading the whole text file in one process."""
    if settings.engine == "espeak-ng":
        return ["espeak-ng", "-v", settings.voice, "-f", str(text_file), "-w", str(out)]
    if settings.engine == "flite":
        return ["flite", "-voice", settings.voice, "-f", str(text_file), "-o", str(out)]
    if settings.engine == "hibari":
        return [sys.executable, "-c", HIBARI_BARE, str(text_file), str(out)]
    if settings.engine in ("kokoro", "piper"):
        from audiobook.engines import get_engine

        options = json.dumps(get_engine(settings.engine).options(settings))  # type: ignore[attr-defined]
        return [
            *[sys.executable, "-c", NEURAL_BARE, str(text_file), str(out)],
            *[settings.engine, settings.voice, options],
        ]
    raise SystemExit(f"no bare command line to compare with for {settings.engine}")


def bench(name: str, script: Script, settings: VoiceSettings, jobs: int, lexicon: dict) -> None:
    cast = Cast({speaker: settings for speaker in [NARRATOR, *script.speakers]}, lexicon)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # The bare engine gets exactly the text our engine processes get, one chunk a line.
        spoken = [
            chunk
            for chapter in script.chapters
            for segment in chapter.segments
            for chunk in segment_chunks(segment.text, settings, cast.lexicon, script.language)
        ]
        text_file = tmp / "text.txt"
        text_file.write_text("\n".join(spoken) + "\n", "utf-8")
        start, cpu = time.perf_counter(), cpu_s()
        processes.run(bare_engine(settings, text_file, tmp / "bare.wav"))
        bare_s, bare_cpu = time.perf_counter() - start, cpu_s() - cpu
        bare_audio = wav_duration_s(tmp / "bare.wav")

        config = Settings(cache_dir=tmp / "cache", jobs=jobs)
        POOL.peak_rss_mb = 0.0  # this voice's workers only
        start, cpu = time.perf_counter(), cpu_s()
        audio = synthesize_script(script, cast, config=config)
        ours_s = time.perf_counter() - start
        POOL.close()  # neural workers end, so their CPU time and memory are counted
        ours_cpu = cpu_s() - cpu
        ours_audio = sum(s.duration_s for c in audio for s in c.segments)
        start = time.perf_counter()
        synthesize_script(script, cast, config=config)
        cached_s = time.perf_counter() - start

    clips = sum(len(s.clips) for c in audio for s in c.segments)
    bare_tp, ours_tp = bare_audio / bare_s, ours_audio / ours_s
    print(
        f"{name:<16} {settings.engine}:{settings.voice:<7} {len(''.join(spoken)):>7} chars "
        f"{clips:>4} clips | bare {bare_audio:7.0f} s audio in {bare_s:6.2f} s = {bare_tp:6.0f}x"
        f" | ours {ours_audio:7.0f} s in {ours_s:6.2f} s = {ours_tp:6.0f}x"
        f" | ratio {ours_tp / bare_tp:4.2f} | CPU s bare {bare_cpu:5.1f} ours {ours_cpu:5.1f}"
        f" | cached run {cached_s:5.2f} s"
        + (f" | worker peak {POOL.peak_rss_mb:.0f} MB" if POOL.peak_rss_mb else ""),
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument(
        "--voice",
        action="append",
        help="engine:voice, repeatable (default: espeak-ng:en-us, flite:kal16, flite:rms, "
        "and hibari:heart where installed)",
    )
    parser.add_argument(
        "--text", choices=["interview", "memoir"], help="Only this text (default: both)."
    )
    args = parser.parse_args()
    voices = args.voice or ["espeak-ng:en-us", "flite:kal16", "flite:rms"]
    if not args.voice and HibariEngine.is_installed():
        voices.append("hibari:heart")
    from audiobook.lexicon import load_lexicon

    lexicon = load_lexicon(LEXICON)
    print(f"jobs: {args.jobs}; throughput = seconds of audio per wall second")
    for name, script in load_texts():
        if args.text and not name.startswith(args.text):
            continue
        for spec in voices:
            engine, _, voice = spec.partition(":")
            bench(name, script, VoiceSettings(engine, voice), args.jobs, lexicon)
    return 0


if __name__ == "__main__":
    sys.exit(main())
