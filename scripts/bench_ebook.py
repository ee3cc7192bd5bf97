"""How long an e-book takes to become a script: the target is a 1 MB EPUB in under 2 s.

    python scripts/bench_ebook.py                  # a generated 1 MB EPUB of text only
    python scripts/bench_ebook.py book.epub …      # and these e-books (EPUB, HTML, DOCX, PDF)

A 1 MB EPUB of text alone is the hard case: pictures make up most of a real one's size.
The generated book has 40 chapters in 4 parts, a note and a page break every few
paragraphs, and words drawn at random so that it compresses as prose does. Each file is
read three times in this process; the best time counts (the first pays for imports).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from audiobook.pipeline import load_script

TARGET_BYTES = 1_000_000
TARGET_SECONDS = 2.0
RUNS = 3
WORDS = (
    "the keeper climbed stairs lamp sea grey storm night morning boat harbour town road salt "
    "and of to a in was he she they it that with for on at by from his her their light wind "
    "rock ship sailor letter winter spring summer autumn river bridge field orchard bell "
    "quietly slowly before after under over between always never again once still"
).split()


def paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 7)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def chapter_xhtml(number: int, rng: random.Random, size: int) -> str:
    body = [f'<section epub:type="chapter" id="c{number}"><h2>Chapter {number}</h2>']
    page = number * 10
    written = 0
    count = 0
    while written < size:
        count += 1
        text = paragraph(rng)
        if count % 4 == 0:
            text += f'<a href="#n{number}-{count}" epub:type="noteref">{count}</a>'
        if count % 5 == 0:
            page += 1
            body.append(f'<span epub:type="pagebreak" id="p{page}" title="{page}"/>')
        body.append(f"<p>{text}</p>")
        if count % 4 == 0:
            body.append(
                f'<aside epub:type="footnote" id="n{number}-{count}"><p>{paragraph(rng)}</p></aside>'
            )
        written += len(text)
    body.append("</section>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>c</title></head><body>'
        + "".join(body)
        + "</body></html>"
    )


def write_generated_epub(path: Path) -> Path:
    """A text-only EPUB 3 of about TARGET_BYTES."""
    rng = random.Random(12)
    chapters = 40
    chapter_chars = 30_000
    while True:
        names = [f"c{n}.xhtml" for n in range(1, chapters + 1)]
        items = "".join(
            f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>'
            for n, name in enumerate(names, start=1)
        )
        spine = "".join(f'<itemref idref="c{n}"/>' for n in range(1, chapters + 1))
        nav_items = []
        for part in range(4):
            inner = "".join(
                f'<li><a href="c{n}.xhtml">Chapter {n}</a></li>'
                for n in range(part * 10 + 1, part * 10 + 11)
            )
            nav_items.append(
                f'<li><a href="c{part * 10 + 1}.xhtml">Part {part + 1}</a><ol>{inner}</ol></li>'
            )
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(
                zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED
            )
            archive.writestr(
                "META-INF/container.xml",
                '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
                'opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf" '
                'media-type="application/oebps-package+xml"/></rootfiles></container>',
                zipfile.ZIP_DEFLATED,
            )
            archive.writestr(
                "content.opf",
                '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" '
                'version="3.0" unique-identifier="u"><metadata xmlns:dc="http://purl.org/dc/'
                'elements/1.1/"><dc:identifier id="u">bench</dc:identifier><dc:title>A '
                "Generated Book</dc:title><dc:language>en</dc:language></metadata><manifest>"
                '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
                f'properties="nav"/>{items}</manifest><spine>{spine}</spine></package>',
                zipfile.ZIP_DEFLATED,
            )
            archive.writestr(
                "nav.xhtml",
                '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" '
                'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>n</title></head><body>'
                f'<nav epub:type="toc"><ol>{"".join(nav_items)}</ol></nav></body></html>',
                zipfile.ZIP_DEFLATED,
            )
            for number, name in enumerate(names, start=1):
                archive.writestr(
                    name, chapter_xhtml(number, rng, chapter_chars), zipfile.ZIP_DEFLATED
                )
        size = path.stat().st_size
        if size >= TARGET_BYTES:
            return path
        chapter_chars = int(chapter_chars * TARGET_BYTES / size * 1.02)


def measure(path: Path) -> tuple[float, int, int]:
    """Best seconds over RUNS, chapters, words."""
    best = float("inf")
    script = None
    for _ in range(RUNS):
        start = time.perf_counter()
        script = load_script(path)
        best = min(best, time.perf_counter() - start)
    assert script is not None
    words = sum(len(s.text.split()) for c in script.chapters for s in c.segments)
    return best, len(script.chapters), words


def main(paths: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = [write_generated_epub(Path(folder) / "generated.epub")]
        files += [Path(p) for p in paths]
        print(f"{'file':<48} {'MB':>6} {'chapters':>8} {'words':>8} {'seconds':>8} {'of 2 s':>7}")
        for path in files:
            seconds, chapters, words = measure(path)
            megabytes = path.stat().st_size / 1e6
            print(
                f"{path.name[:48]:<48} {megabytes:>6.2f} {chapters:>8} {words:>8} "
                f"{seconds:>8.2f} {seconds / TARGET_SECONDS:>6.0%}"
            )
            if path.suffix == ".epub":
                per_mb = seconds / megabytes
                print(f"{'':<48} {'':>6} {'':>8} {'':>8} {per_mb:>8.2f} s per MB")


if __name__ == "__main__":
    main(sys.argv[1:])
