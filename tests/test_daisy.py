"""DAISY 2.02 (issue 5): no validator is packaged for it, so `check_daisy` applies the
specification's rules as code (the ncc's metadata and structure, SMIL 1.0 files, clips
inside their audio, totals that add up), on a small book, the interview and memoir chapters.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import mutagen
import mutagen.mp3
import pytest

from audiobook import ffmpeg
from audiobook.build import BuildOptions, build_book
from audiobook.settings import Settings
from audiobook.talkingbook.markup import hms, npt
from tests.audio_fakes import fake_cast
from tests.talking_books import MEMOIR_PAGES, daisy_of
from tests.test_epub import fake_synthesize_with_texts, small_book

X = "{http://www.w3.org/1999/xhtml}"
XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
SMIL_DOCTYPE = (
    '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'
)
# Metadata the ncc must hold exactly once (dc:creator and dc:language at least once).
NCC_ONCE = (
    "dc:title",
    "dc:date",
    "dc:format",
    "dc:identifier",
    "dc:publisher",
    "ncc:charset",
    "ncc:depth",
    "ncc:files",
    "ncc:maxPageNormal",
    "ncc:multimediaType",
    "ncc:pageFront",
    "ncc:pageNormal",
    "ncc:pageSpecial",
    "ncc:tocItems",
    "ncc:totalTime",
)
MULTIMEDIA_TYPES = {"audioOnly", "audioNcc", "audioPartText", "audioFullText", "textPartAudio"}
HEADING = re.compile(r"h([1-6])")
NPT = re.compile(r"npt=(\d+(?:\.\d+)?)s")
HMS = re.compile(r"\d\d:\d\d:\d\d")


@dataclass
class DaisyBook:
    """What the checks read from a DAISY 2.02 book, for the tests to look at further."""

    meta: dict[str, list[str]]
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, label), title first
    pages: list[tuple[str, str]] = field(default_factory=list)  # (class, number)
    smil_seconds: dict[str, float] = field(default_factory=dict)  # per SMIL, in ncc order


def local(tag: str) -> str:
    return tag.split("}")[-1]


def parse_xml(path: Path, doctype: str) -> ET.Element:
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>'), path.name
    assert doctype in text, f"{path.name}: wrong document type"
    return ET.fromstring(text.encode("utf-8"))


def levels_never_jump(levels: list[int]) -> bool:
    """h1 may follow anything; any other heading at most one level below the one before."""
    previous = 0
    for level in levels:
        if level > previous + 1:
            return False
        previous = level
    return True


def check_smil(folder: Path, name: str, ids: set[str], elapsed: float) -> tuple[ET.Element, float]:
    """One SMIL 1.0 file: metadata, a seq of pars each pairing existing text with a clip that
    lies inside its MP3; the seq's dur, timeInThisSmil and totalElapsedTime consistent."""
    smil = parse_xml(folder / name, SMIL_DOCTYPE)
    assert smil.tag == "smil"
    meta = {m.attrib["name"]: m.attrib["content"] for m in smil.iterfind("head/meta")}
    assert meta["dc:format"] == "Daisy 2.02"
    assert smil.find("head/layout/region") is not None
    [seq] = smil.findall("body/seq")
    durations: dict[str, float] = {}
    total = 0.0
    pars = seq.findall("par")
    assert pars, name
    assert len(seq) == len(pars), f"{name}: the seq holds only pars"
    for par in pars:
        assert par.attrib["endsync"] == "last"
        [text] = par.findall("text")
        [audio] = par.findall("audio")
        document, fragment = text.attrib["src"].split("#")
        assert document == "content.html"
        assert fragment in ids, f"{name}: {fragment} is not in content.html"
        source = audio.attrib["src"]
        if source not in durations:
            info = mutagen.File(folder / source)
            assert isinstance(info, mutagen.mp3.MP3)
            assert info.info.bitrate_mode == mutagen.mp3.BitrateMode.CBR, f"{source} is not CBR"
            assert info.info.channels == 1
            durations[source] = float(ffmpeg.probe(folder / source)["format"]["duration"])
        begin_match = NPT.fullmatch(audio.attrib["clip-begin"])
        end_match = NPT.fullmatch(audio.attrib["clip-end"])
        assert begin_match is not None
        assert end_match is not None
        begin, end = float(begin_match.group(1)), float(end_match.group(1))
        assert 0 <= begin < end <= durations[source], (name, begin, end, durations[source])
        total += end - begin
    dur = re.fullmatch(r"(\d+(?:\.\d+)?)s", seq.attrib["dur"])
    assert dur is not None
    assert float(dur.group(1)) == pytest.approx(total, abs=0.002)
    assert meta["ncc:timeInThisSmil"] == hms(round(total * 1000))
    assert meta["ncc:totalElapsedTime"] == hms(round(elapsed * 1000))
    return smil, total


def check_daisy(folder: Path) -> DaisyBook:
    """The DAISY 2.02 rules this project's books must meet, checked one by one."""
    ncc = parse_xml(folder / "ncc.html", XHTML_DOCTYPE)
    head, body = ncc.find(f"{X}head"), ncc.find(f"{X}body")
    assert head is not None
    assert body is not None
    meta: dict[str, list[str]] = {}
    for element in head.iterfind(f"{X}meta[@name]"):
        meta.setdefault(element.attrib["name"], []).append(element.attrib["content"])
    for name in NCC_ONCE:
        assert len(meta.get(name, [])) == 1, f"ncc.html: {name} must appear exactly once"
    assert meta["dc:creator"]
    assert meta["dc:language"]
    one = {name: values[0] for name, values in meta.items()}
    assert one["dc:format"] == "Daisy 2.02"
    assert one["ncc:charset"] == "utf-8"
    assert one["ncc:multimediaType"] in MULTIMEDIA_TYPES
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", one["dc:date"])
    assert head.findtext(f"{X}title") == one["dc:title"]
    assert HMS.fullmatch(one["ncc:totalTime"])

    book = DaisyBook(meta)
    children = list(body)
    first = children[0]
    assert (local(first.tag), first.attrib.get("class")) == ("h1", "title"), "h1.title first"
    ids: set[str] = set()
    smil_order: list[str] = []
    links: list[tuple[str, str]] = []
    for element in children:
        tag = local(element.tag)
        assert element.attrib["id"] not in ids
        ids.add(element.attrib["id"])
        [anchor] = element.findall(f"{X}a")
        smil_name, fragment = anchor.attrib["href"].split("#")
        links.append((smil_name, fragment))
        if smil_name not in smil_order:
            smil_order.append(smil_name)
        heading = HEADING.fullmatch(tag)
        if heading:
            book.headings.append((int(heading.group(1)), anchor.text or ""))
        else:
            assert tag == "span", tag
            kind = element.attrib["class"]
            assert kind in ("page-normal", "page-front", "page-special")
            if kind == "page-normal":
                assert (anchor.text or "").isdigit()
            book.pages.append((kind, anchor.text or ""))
    assert levels_never_jump([level for level, _ in book.headings]), book.headings
    assert int(one["ncc:depth"]) == max(level for level, _ in book.headings)
    assert int(one["ncc:tocItems"]) == len(children)
    for kind in ("normal", "front", "special"):
        count = sum(k == f"page-{kind}" for k, _ in book.pages)
        assert int(one[f"ncc:page{kind.capitalize()}"]) == count
    normal = [int(number) for kind, number in book.pages if kind == "page-normal"]
    assert int(one["ncc:maxPageNormal"]) == max(normal, default=0)

    content = parse_xml(folder / "content.html", XHTML_DOCTYPE)
    content_ids = [e.attrib["id"] for e in content.iter() if "id" in e.attrib]
    assert len(content_ids) == len(set(content_ids)), "ids in content.html are unique"
    content_levels = [
        int(m.group(1)) for e in content.iter() if (m := HEADING.fullmatch(local(e.tag)))
    ]
    assert levels_never_jump(content_levels)

    elapsed = 0.0
    pars: dict[str, set[str]] = {}
    for name in smil_order:
        smil, seconds = check_smil(folder, name, set(content_ids), elapsed)
        pars[name] = {par.attrib["id"] for par in smil.iter("par")}
        book.smil_seconds[name] = seconds
        elapsed += seconds
    for smil_name, fragment in links:
        assert fragment in pars[smil_name], f"ncc links to {smil_name}#{fragment}: no such par"
    assert one["ncc:totalTime"] == hms(round(elapsed * 1000))

    files = sorted(p.name for p in folder.iterdir())
    assert int(one["ncc:files"]) == len(files)
    audio = {a.attrib["src"] for name in smil_order for a in ET.parse(folder / name).iter("audio")}
    assert set(files) == {"ncc.html", "content.html", *smil_order, *audio}, "no stray files"
    return book


@pytest.fixture(scope="module")
def daisy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("daisy")
    script = small_book()
    options = BuildOptions(
        out_dir=tmp / "out", formats="daisy", config=Settings(cache_dir=tmp / "cache")
    )
    result = build_book(script, fake_cast(script), options, synthesize=fake_synthesize_with_texts)
    return daisy_of(result.folder)


def test_small_book_meets_the_daisy_rules(daisy: Path) -> None:
    assert daisy.name == "Wells Meets Stalin (DAISY 2.02)"
    book = check_daisy(daisy)
    assert book.headings == [
        (1, "Wells Meets Stalin"),
        (1, "The Meeting"),
        (2, "America and Russia"),
        (1, "Is All Lost?"),
        (2, "Peasants and Manual Workers"),  # level 3 in the script: pulled up, never a jump
    ]
    assert book.pages == [("page-normal", "12"), ("page-front", "xiv"), ("page-normal", "13")]
    one = {name: values[0] for name, values in book.meta.items()}
    assert (one["dc:title"], one["dc:creator"], one["dc:language"]) == (
        "Wells Meets Stalin",
        "H G Wells",
        "en",
    )
    assert one["ncc:multimediaType"] == "audioFullText"
    assert (one["ncc:pageNormal"], one["ncc:pageFront"], one["ncc:maxPageNormal"]) == (
        "2",
        "1",
        "13",
    )
    assert one["ncc:files"] == "8"
    assert list(book.smil_seconds) == ["c001.smil", "c002.smil", "c003.smil"]


def test_content_document_holds_every_phrase(daisy: Path) -> None:
    content = (daisy / "content.html").read_text(encoding="utf-8")
    assert '<span class="page-normal" id="page-12">12</span>' in content
    assert '<span class="page-front" id="page-xiv">xiv</span>' in content
    assert '<span id="c001-s1-2">He met Stalin there.</span>' in content
    assert '<p id="c001-s4" class="direction">Laughter</p>' in content
    smil = (daisy / "c001.smil").read_text(encoding="utf-8")
    assert 'clip-begin="npt=0.000s"' in smil


def test_clock_values_for_daisy() -> None:
    assert npt(62_345) == "npt=62.345s"
    assert hms(3_723_499) == "01:02:03"
    assert hms(3_723_500) == "01:02:04"


def test_heading_jumps_are_caught() -> None:
    assert levels_never_jump([1, 2, 3, 1, 2, 2, 1])
    assert not levels_never_jump([1, 3])
    assert not levels_never_jump([2])


# ---------------------------------------------------------------- the seed texts, real voices


@pytest.mark.slow
def test_interview_daisy(interview_talking_book: Path) -> None:
    """The title opens the ncc once; every section is a heading; every turn a phrase."""
    folder = daisy_of(interview_talking_book)
    book = check_daisy(folder)
    title = book.headings[0][1]
    assert title.startswith("H G Wells: ")
    assert [label for _, label in book.headings].count(title) == 1
    levels = [level for level, _ in book.headings]
    assert levels.count(2) >= 7
    assert levels.count(3) >= 2
    assert book.pages == []
    smil = (folder / "c001.smil").read_text(encoding="utf-8")
    content = (folder / "content.html").read_text(encoding="utf-8")
    assert smil.count("<par ") > content.count('<span class="speaker">') > 50


@pytest.mark.slow
def test_memoir_chapters_daisy(memoir_talking_book: Path) -> None:
    """Part, books, chapters, sub-sections and print pages, all in the ncc."""
    book = check_daisy(daisy_of(memoir_talking_book))
    assert book.headings[:4] == [
        (1, book.headings[0][1]),
        (1, "Part One. In the Land of the Disconcerting Lie"),
        (2, "Book One. Russia and Her Enigmas"),
        (3, "Chapter One. First Shocks"),
    ]
    assert (4, "My Last Months at Verkhne-Uralsk") in book.headings
    assert [number for _, number in book.pages] == MEMOIR_PAGES
    assert list(book.smil_seconds) == ["c002.smil", "c005.smil", "c026.smil"]
    one = {name: values[0] for name, values in book.meta.items()}
    assert (one["dc:creator"], one["ncc:depth"], one["ncc:maxPageNormal"]) == (
        "A. Ciliga",
        "4",
        "316",
    )
