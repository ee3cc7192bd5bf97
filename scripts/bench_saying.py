#!/usr/bin/env python3
"""Benchmark issue 13's text half: the memoir's script with and without `with_spoken_forms`,
best of several rounds, side by side in one run; the dialogue stage (`--dialogue`) alone;
and what both add against the issue's budget of 1 s for its whole text half.

    .venv/bin/python scripts/bench_saying.py [--rounds 3] [FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

import audiobook.pipeline as pipeline
from audiobook.dialogue import attribute_dialogue
from audiobook.saying import with_spoken_forms

REPO = Path(__file__).resolve().parent.parent
MEMOIR = REPO.parent / "shared" / "seeds" / "003_d3de4caf663c8e66.txt"
BUDGET_S = 1.0


def seconds(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=MEMOIR)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.file.exists():
        sys.exit(f"error: {args.file}: no such file (the seeds live in ../shared/seeds)")

    pipeline.load_script(args.file)  # word lists and caches loaded once, as in any run
    with mock.patch.object(pipeline, "with_spoken_forms", lambda script: script):
        script = pipeline.load_script(args.file)
    first = seconds(with_spoken_forms, script)  # number words not yet cached
    without, with_ = [], []
    for _ in range(args.rounds):
        with mock.patch.object(pipeline, "with_spoken_forms", lambda script: script):
            without.append(seconds(pipeline.load_script, args.file))
        with_.append(seconds(pipeline.load_script, args.file))
    alone = min(seconds(with_spoken_forms, script) for _ in range(args.rounds))
    said = with_spoken_forms(script)
    segments = [s for c in said.chapters for s in c.segments]
    differ = sum(s.say is not None for s in segments)

    print(f"{args.file.name}: {len(segments)} segments, {differ} with a spoken form of their own")
    print(
        f"best of {args.rounds}:  without {min(without):.3f} s   with {min(with_):.3f} s   "
        f"difference {min(with_) - min(without):+.3f} s   (budget {BUDGET_S:.1f} s)"
    )
    print(
        f"with_spoken_forms alone: {alone:.3f} s (first call, number words uncached: {first:.3f} s)"
    )
    dialogue = min(seconds(attribute_dialogue, script) for _ in range(args.rounds))
    added = min(with_) - min(without) + dialogue
    print(f"attribute_dialogue alone (--dialogue): {dialogue:.3f} s")
    print(f"both together add {added:+.3f} s (budget {BUDGET_S:.1f} s)")


if __name__ == "__main__":
    main()
