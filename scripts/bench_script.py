#!/usr/bin/env python3
"""Benchmark the text half on the memoir: each stage's time, the total, and the ratio to the
2-second budget, measured side by side in one run (median of several rounds).

    .venv/bin/python scripts/bench_script.py [--rounds 5] [FILE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from audiobook.chapters import find_chapters
from audiobook.cleaning import clean_text
from audiobook.reading import read_source
from audiobook.script_io import script_to_json
from audiobook.speakers import attribute_speakers, find_labels
from audiobook.words import english_words

REPO = Path(__file__).resolve().parent.parent
MEMOIR = REPO.parent / "shared" / "seeds" / "003_d3de4caf663c8e66.txt"
BUDGET_S = 2.0


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=MEMOIR)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.file.exists():
        sys.exit(f"error: {args.file}: no such file (the seeds live in ../shared/seeds)")

    _, words_s = timed(english_words)  # loaded once per process, cached afterwards
    stages: dict[str, list[float]] = {
        k: [] for k in ("read", "clean", "chapters", "speakers", "json")
    }
    for _ in range(args.rounds):
        source, t = timed(read_source, args.file)
        stages["read"].append(t)
        clean, t = timed(clean_text, source.text)
        stages["clean"].append(t)
        chapters, t = timed(find_chapters, clean)
        stages["chapters"].append(t)
        start = time.perf_counter()
        labels = find_labels((b.text for c in chapters for b in c.blocks), clean.persons)
        attribute_speakers(chapters, labels)
        stages["speakers"].append(time.perf_counter() - start)
        from audiobook.pipeline import load_script

        script = load_script(args.file)
        _, t = timed(script_to_json, script)
        stages["json"].append(t)

    start = time.perf_counter()
    cli = subprocess.run(
        [sys.executable, "-m", "audiobook", "script", str(args.file)],
        capture_output=True,
        check=True,
    )
    cli_s = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import audiobook.cli"], check=True)
    startup_s = time.perf_counter() - start

    print(f"input: {args.file.name}, {args.file.stat().st_size / 1e6:.2f} MB, {args.rounds} rounds")
    print(f"word list load (once per process): {words_s * 1000:7.1f} ms")
    total = 0.0
    for name, times in stages.items():
        median = statistics.median(times)
        total += median
        print(f"  {name:<10} {median * 1000:7.1f} ms")
    print(
        f"  {'total':<10} {total * 1000:7.1f} ms   ratio to the 2 s budget: {total / BUDGET_S:.2f}"
    )
    print(
        f"`audiobook script` command, whole process: {cli_s:.2f} s "
        f"(python start-up and imports alone: {startup_s:.2f} s), ratio to budget {cli_s / BUDGET_S:.2f}; "
        f"{len(cli.stdout) / 1e6:.1f} MB of JSON"
    )


if __name__ == "__main__":
    main()
