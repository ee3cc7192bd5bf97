"""Benchmark `audiobook build` of the memoir (or some chapters) to MP3 against the floor.

The floor is what no build can beat on this machine: the bare engine speaking the same text
(one call per large chunk, no cache, no clips) plus ffmpeg encoding that audio to the same
MP3 settings. Reports audio hours, wall time, real-time factor, peak memory, the ratio to
the floor, and a rebuild with nothing changed against the cold build.

    python scripts/bench_build.py [TEXT] [--chapters 2-4] [--engine NAME] [--jobs N]

Without --engine the build uses the default cast (what `audiobook build FILE` uses), and the
floor speaks with the narrator's voice. Targets: within 1.15x of the floor (issue 10; 1.3x in
issue 4), peak memory under 300 MB, rebuild under 5%.
Each build runs in a child process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TEXT = REPO.parent / "shared" / "seeds" / "003_d3de4caf663c8e66.txt"
FLOOR_CHUNK_CHARS = 50_000  # text per bare engine call: long, but bounded


def cpu_seconds() -> float:
    """User and system CPU time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_build(
    text: Path, out: Path, cache: Path, engine: str | None, jobs: int | None, chapters: str | None
) -> None:
    """Run one build in this (child) process and print its measurements as JSON."""
    from audiobook.build import BuildOptions
    from audiobook.pipeline import build
    from audiobook.settings import Settings

    started = time.monotonic()
    config = Settings(cache_dir=cache, jobs=jobs)
    options = BuildOptions(out_dir=out, formats="mp3", chapters=chapters, config=config)
    result = build(text, options, engine=engine)
    report = {
        "wall_s": time.monotonic() - started,
        "audio_s": result.audio_s,
        "written": len(result.written),
        "unchanged": len(result.unchanged),
        "cpu_s": cpu_seconds(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "largest_child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    print(json.dumps(report))


def run_child(
    text: Path, out: Path, cache: Path, engine: str | None, jobs: int | None, chapters: str | None
) -> dict:
    args = [sys.executable, __file__, str(text), "--child", str(out), str(cache)]
    args += ["--engine", engine] if engine else []
    args += ["--jobs", str(jobs)] if jobs else []
    args += ["--chapters", chapters] if chapters else []
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_floor(text: Path, engine_name: str | None, chapters: str | None, work: Path) -> dict:
    """Bare engine on the script's text, then ffmpeg encoding that audio to the same MP3."""
    from audiobook import ffmpeg, processes
    from audiobook.build import parse_chapter_ranges
    from audiobook.casting import resolve_cast
    from audiobook.engines import get_engine
    from audiobook.pipeline import load_script

    script = load_script(text)
    cast = resolve_cast(script, None, engine_name)
    settings = cast.voices.get(script.speakers[0]) or next(iter(cast.voices.values()))
    engine = get_engine(settings.engine)
    chosen = set(parse_chapter_ranges(chapters, len(script.chapters)))
    words = "\n\n".join(s.text for c in script.chapters if c.index in chosen for s in c.segments)
    chunks = [words[i : i + FLOOR_CHUNK_CHARS] for i in range(0, len(words), FLOOR_CHUNK_CHARS)]

    cpu_before = cpu_seconds()
    started = time.monotonic()
    wavs = engine.synthesize(chunks, settings, work)
    engine_s = time.monotonic() - started

    listing = work / "floor.ffconcat"
    listing.write_text("ffconcat version 1.0\n" + "".join(f"file '{p}'\n" for p in wavs))
    floor_mp3 = work / "floor.mp3"
    args = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "concat", "-safe", "0"]
    args += [
        "-i",
        str(listing),
        "-c:a",
        "libmp3lame",
        "-b:a",
        f"{ffmpeg.DEFAULT_MP3_BITRATE_KBPS}k",
    ]
    started = time.monotonic()
    processes.run([*args, "-f", "mp3", str(floor_mp3)])
    encode_s = time.monotonic() - started
    return {
        "engine": f"{settings.engine} {settings.voice}",
        "engine_s": engine_s,
        "encode_s": encode_s,
        "audio_s": float(ffmpeg.probe(floor_mp3)["format"]["duration"]),
        "cpu_s": cpu_seconds() - cpu_before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text", nargs="?", type=Path, default=DEFAULT_TEXT)
    parser.add_argument("--engine", help="one engine for every voice; default: the default cast")
    parser.add_argument("--chapters", help="chapters to build, e.g. 2-4; default: all")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_build(args.text, *args.child, args.engine, args.jobs, args.chapters)
        return
    if not args.text.exists():
        sys.exit(f"{args.text} not found")

    with tempfile.TemporaryDirectory(
        dir=REPO / "output" if (REPO / "output").is_dir() else None
    ) as tmp:
        work = Path(tmp)
        (work / "floor").mkdir()
        floor = measure_floor(args.text, args.engine, args.chapters, work / "floor")
        run = (args.text, work / "out", work / "cache", args.engine, args.jobs, args.chapters)
        cold = run_child(*run)
        warm = run_child(*run)
        # the cache warm, the book folder new: stitching, levelling and encoding alone
        fresh = (args.text, work / "out2", work / "cache", args.engine, args.jobs, args.chapters)
        encode_only = run_child(*fresh)

    floor_s = floor["engine_s"] + floor["encode_s"]
    rtf = cold["audio_s"] / cold["wall_s"]
    lines = [
        f"text               {args.text.name}, chapters {args.chapters or 'all'}",
        f"engine             {floor['engine']}",
        f"audio              {cold['audio_s'] / 3600:.2f} h built"
        f" ({floor['audio_s'] / 3600:.2f} h from the bare engine, no pauses)",
        f"cold build         {cold['wall_s']:.1f} s wall, RTF {rtf:.0f} ({cold['written']} files)",
        f"floor              {floor_s:.1f} s (engine {floor['engine_s']:.1f} s"
        f" + ffmpeg MP3 {floor['encode_s']:.1f} s)",
        f"ratio to floor     {cold['wall_s'] / floor_s:.2f}x wall (target <= 1.15);"
        f" CPU {cold['cpu_s']:.0f} s vs floor {floor['cpu_s']:.0f} s"
        f" = {cold['cpu_s'] / floor['cpu_s']:.2f}x",
        f"peak memory        {cold['peak_rss_mb']:.0f} MB build process,"
        f" largest child {cold['largest_child_rss_mb']:.0f} MB (target < 300)",
        f"warm cache         {encode_only['wall_s']:.1f} s into a new folder"
        f" ({encode_only['written']} written; floor's ffmpeg MP3 alone {floor['encode_s']:.1f} s)",
        f"rebuild unchanged  {warm['wall_s']:.1f} s = {100 * warm['wall_s'] / cold['wall_s']:.1f}%"
        f" of cold ({warm['written']} written, {warm['unchanged']} unchanged; target < 5%)",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
