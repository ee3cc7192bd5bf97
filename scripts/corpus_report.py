"""Run the text half on every file in a folder and print what it understood, per file.

    .venv/bin/python scripts/corpus_report.py DIR [--removed] [--chapters]

For each text: the layout chosen (and why), language, title and author, chapters, speakers
with their turn counts, and the lines removed by each rule — so anyone can check a new text
in seconds. Where a file `NAME.truth.tsv` lies beside `NAME.txt` (a header row, then
`source_line<TAB>speaker<TAB>first words` a turn), the share of turns given to the right
speaker is measured too.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from pathlib import Path

from audiobook.errors import UserError
from audiobook.model import Script, SegmentKind
from audiobook.pipeline import load_script

MISTAKES_SHOWN = 6
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}


def turns_by_speaker(script: Script) -> Counter[str]:
    turns: Counter[str] = Counter()
    for chapter in script.chapters:
        previous = None
        for seg in chapter.segments:
            if seg.kind == SegmentKind.SPEECH and seg.speaker != previous:
                turns[seg.speaker] += 1
            if seg.kind == SegmentKind.SPEECH:
                previous = seg.speaker
    return turns


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def same_speaker(found: str, truth: str) -> bool:
    a, b = found.lower().strip(" ."), truth.lower().strip(" .")
    return a == b or a in b.split(" & ") or (len(a) > 2 and (b.startswith(a) or a in b.split()))


def matching_turn(segments: list, line: int, first: list[str]):
    """The speech segment a truth row points at: on its line (or just below), starting with
    its first words, perhaps after a stage direction that opens the turn."""
    # a segment knows the line its paragraph starts on: a turn inside one lies below that
    near = sorted(
        (i for i, s in enumerate(segments) if line - 20 <= (s.source_line or 0) <= line + 3),
        key=lambda i: abs((segments[i].source_line or 0) - line),
    )
    for i in near:
        said = words(segments[i].text)
        k = min(len(first), len(said))
        if k and said[:k] == first[:k]:
            if segments[i].kind == SegmentKind.SPEECH:
                return segments[i]
            return next((s for s in segments[i + 1 : i + 3] if s.kind == SegmentKind.SPEECH), None)
    return next(
        (
            segments[i]
            for i in near
            if segments[i].kind == SegmentKind.SPEECH
            and " ".join(first) in " ".join(words(segments[i].text))
        ),
        None,
    )


def truth_accuracy(script: Script, truth: Path) -> tuple[int, int, int, list[str]]:
    """(named right, right up to naming, total, first few mistakes) for a truth file's turns.

    "Up to naming" maps each speaker found to the true speaker it stands for most often, so
    that "JACK" for John Worthing counts as right attribution under another name.
    """
    rows = [r for r in csv.reader(truth.open(encoding="utf-8"), delimiter="\t")][1:]
    segments = [s for c in script.chapters for s in c.segments]
    found: list[tuple[str | None, str, str]] = []
    for row in rows:
        if len(row) < 3:
            continue
        line, speaker, first = int(row[0]), row[1], words(row[2])[:4]
        match = matching_turn(segments, line, first)
        found.append((match.speaker if match else None, speaker, f"line {line}: {' '.join(first)}"))
    votes: dict[str, Counter[str]] = {}
    for got, want, _ in found:
        if got is not None:
            votes.setdefault(got, Counter())[want] += 1
    stands_for = {got: c.most_common(1)[0][0] for got, c in votes.items()}
    named = sum(1 for got, want, _ in found if got is not None and same_speaker(got, want))
    attributed = sum(1 for got, want, _ in found if got is not None and stands_for[got] == want)
    mistakes = [
        f"{where} …: {want} -> {got or 'no such turn'}"
        for got, want, where in found
        if got is None or stands_for[got] != want
    ][:MISTAKES_SHOWN]
    return named, attributed, len(found), mistakes


# What must never be heard: markup symbols, escapes, entities, timestamps and the e-text's
# licence. Counted in what the script says, so a new text's noise shows at once.
NOISE = {
    "markup": re.compile(
        r"(?<![^\W_])_|_(?![^\W_])|\*|\\|&[a-z]{2,8};|&#\d+;|\[|\]|^#", re.MULTILINE
    ),
    "timestamp": re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),
    "licence": re.compile(r"Project Gutenberg|\bGUTENBERG\b|Gutenberg-tm", re.IGNORECASE),
}


def spoken_noise(script: Script) -> dict[str, list[str]]:
    """Examples of noise in the spoken text, by kind (times of day in a story are words)."""
    found: dict[str, list[str]] = {}
    kinds = {k: p for k, p in NOISE.items() if k != "timestamp" or script.layout == "transcript"}
    for chapter in script.chapters:
        for seg in chapter.segments:
            for kind, pattern in kinds.items():
                m = pattern.search(seg.text)
                if m:
                    start = max(0, m.start() - 30)
                    found.setdefault(kind, []).append(seg.text[start : m.end() + 30])
    return found


def report(path: Path, show_removed: bool, show_chapters: bool) -> str:
    start = time.perf_counter()
    try:
        script = load_script(path)
    except UserError as e:
        return f"== {path.name}: error: {e}"
    seconds = time.perf_counter() - start
    lines = [
        f"== {path.name} ({seconds:.1f} s)",
        f"layout   {script.layout}: {script.layout_reason}",
        f"book     {script.title!r} by {script.author or '?'}, language {script.language}",
    ]
    titles = [f"{c.number or '-'} {c.title}" for c in script.chapters]
    shown = titles if show_chapters else titles[:6] + (["…"] if len(titles) > 6 else [])
    lines.append(f"chapters {len(titles)}: " + " | ".join(shown))
    turns = turns_by_speaker(script)
    if turns:
        lines.append(
            f"speakers {len(turns)}: "
            + ", ".join(f"{name} {count}" for name, count in turns.most_common(12))
            + (" …" if len(turns) > 12 else "")
        )
    removed = Counter(r.rule for r in script.removed)
    lines.append(
        "removed  " + (", ".join(f"{rule} {n}" for rule, n in sorted(removed.items())) or "nothing")
    )
    if show_removed:
        lines += [f"    {r.line:>6} {r.rule:<22} {r.text[:80]}" for r in script.removed]
    noise = spoken_noise(script)
    if noise:
        lines.append(
            "spoken   "
            + ", ".join(f"{kind} {len(examples)}" for kind, examples in noise.items())
            + " — e.g. "
            + " | ".join(repr(examples[0]) for examples in noise.values())
        )
    truth = path.with_name(path.stem + ".truth.tsv")
    if truth.exists():
        named, attributed, total, mistakes = truth_accuracy(script, truth)
        lines.append(
            f"turns    {attributed}/{total} to the right speaker ({attributed / max(total, 1):.1%}),"
            f" {named} also under the full name ({named / max(total, 1):.1%})"
        )
        lines += [f"    {m}" for m in mistakes]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of texts, or one text")
    parser.add_argument("--removed", action="store_true", help="list every removal")
    parser.add_argument("--chapters", action="store_true", help="list every chapter")
    parser.add_argument("--mistakes", type=int, default=6, help="turn mistakes to show")
    args = parser.parse_args()
    global MISTAKES_SHOWN
    MISTAKES_SHOWN = args.mistakes
    if args.folder.is_file():
        print(report(args.folder, args.removed, args.chapters))
        return
    if not args.folder.is_dir():
        sys.exit(f"error: {args.folder}: no such file or folder")
    files = sorted(
        p
        for p in args.folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in TEXT_SUFFIXES
        and not p.name.startswith(".")
        and not p.name.endswith((".truth.tsv", ".meta.json"))
    )
    if not files:
        sys.exit(f"error: {args.folder}: no text files in it")
    for path in files:
        print(report(path, args.removed, args.chapters), flush=True)
        print()


if __name__ == "__main__":
    main()
