"""EPUB 3 with Media Overlays (issue 5): the archive read back piece by piece on a small
book, then EPUBCheck (no errors, no warnings) on it, on the interview and on memoir chapters."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from audiobook import ffmpeg
from audiobook.build import BuildOptions, build_book
from audiobook.model import Script, Segment, SegmentKind
from audiobook.settings import Settings
from audiobook.talkingbook import split_like
from audiobook.talkingbook.markup import clock
from tests.audio_fakes import fake_cast, fake_synthesize, sentences, tiny_script, write_cover
from tests.talking_books import MEMOIR_PAGES, epub_of, epubcheck

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "smil": "http://www.w3.org/ns/SMIL",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.mark.parametrize(
    ("text", "spoken", "expected"),
    [
        ("One. Two.", ["One. Two."], ["One. Two."]),
        (
            "The G.P.U. came. Then it left.",
            ["The G P U came.", "Then it left."],
            ["The G.P.U. came.", "Then it left."],
        ),
        (
            "Ciliga said, slowly; then   he left.",
            ["Tseeliga said, slowly;", "then he left."],
            ["Ciliga said, slowly;", "then he left."],
        ),
        (
            "It was the U.S.S.R. Then more.",
            ["It was the U S S R.", "Then more."],
            ["It was the U.S.S.R.", "Then more."],
        ),
        ("Fell U.S.S.R. now", ["Fell U S", "S R now"], None),  # cut inside a respelling
    ],
)
def test_split_like_cuts_the_printed_text_where_the_clips_are_cut(
    text: str, spoken: list[str], expected: list[str] | None
) -> None:
    assert split_like(text, spoken) == expected


def fake_synthesize_with_texts(*args, **kwargs):
    """The fake synthesis, also saying what each clip says (as real synthesis does)."""
    audios = fake_synthesize(*args, **kwargs)
    return [
        replace(
            audio,
            segments=tuple(
                replace(s, texts=tuple(sentences(audio.chapter.segments[s.segment_index].text)))
                for s in audio.segments
            ),
        )
        for audio in audios
    ]


def small_book() -> Script:
    """The tiny script with what talking books must carry: pages, a caption, a stage
    direction, a note, a heading three levels down, and text that is hostile to XML."""
    script = tiny_script()
    one, two, three = script.chapters
    caption = Segment("Narrator", SegmentKind.CAPTION, "Portrait of Stalin. Image: Archive")
    laughter = Segment("Narrator", SegmentKind.DIRECTION, "Laughter")
    note = Segment("Narrator", SegmentKind.NOTE, 'A note on <b>"bold"</b> & \x0bcontrol.')
    a, b, c = one.segments, two.segments, three.segments
    return replace(
        script,
        chapters=(
            replace(one, segments=(*a[:2], caption, replace(a[2], page="12"), laughter, *a[3:])),
            replace(two, segments=(*b[:2], replace(b[2], page="xiv"), *b[3:], note)),
            # a heading three levels down after a level 1: must become 2
            replace(three, segments=(replace(c[0], level=3), replace(c[1], page="13"), *c[2:])),
        ),
    )


@pytest.fixture(scope="module")
def epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("epub")
    script = small_book()
    options = BuildOptions(
        out_dir=tmp / "out",
        formats="epub",
        config=Settings(cache_dir=tmp / "cache"),
        cover=write_cover(tmp / "cover.jpg"),
    )
    result = build_book(script, fake_cast(script), options, synthesize=fake_synthesize_with_texts)
    return epub_of(result.folder)


def read_xml(archive: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(archive.read(name))


def test_archive_starts_with_the_stored_mimetype(epub: Path) -> None:
    with zipfile.ZipFile(epub) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", 0, b"")
        assert archive.read("mimetype") == b"application/epub+zip"
        names = archive.namelist()
    assert not any(" " in name for name in names)
    assert [n for n in names if n.startswith("EPUB/text/")] == [
        "EPUB/text/c001.xhtml",
        "EPUB/text/c002.xhtml",
        "EPUB/text/c003.xhtml",
    ]


def test_package_has_title_author_language_and_accessibility_metadata(epub: Path) -> None:
    with zipfile.ZipFile(epub) as archive:
        opf = read_xml(archive, "EPUB/package.opf")
    metadata = opf.find("opf:metadata", NS)
    assert metadata is not None
    assert metadata.findtext("dc:title", namespaces=NS) == "Wells Meets Stalin"
    assert metadata.findtext("dc:creator", namespaces=NS) == "H G Wells"
    assert metadata.findtext("dc:language", namespaces=NS) == "en"
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", metadata.findtext("dc:identifier", "", NS))
    props: dict[str, list[str]] = {}
    for meta in metadata.findall("opf:meta", NS):
        if "refines" not in meta.attrib:
            props.setdefault(meta.attrib["property"], []).append(meta.text or "")
    assert props["schema:accessMode"] == ["textual", "auditory"]
    assert props["schema:accessModeSufficient"] == ["textual", "auditory"]
    features = set(props["schema:accessibilityFeature"])
    assert {"synchronizedAudioText", "tableOfContents", "printPageNumbers"} <= features
    assert "synchronised" in props["schema:accessibilitySummary"][0]
    assert props["schema:accessibilityHazard"] == ["none"]
    assert props["media:active-class"] == ["-epub-media-overlay-active"]
    durations = {
        meta.attrib["refines"]: meta.text
        for meta in metadata.findall("opf:meta[@property='media:duration']", NS)
        if "refines" in meta.attrib
    }
    assert sorted(durations) == ["#mo-c001", "#mo-c002", "#mo-c003"]
    items = {item.attrib["id"]: item.attrib for item in opf.iterfind("opf:manifest/opf:item", NS)}
    assert items["cover-image"]["properties"] == "cover-image"
    for name in ("c001", "c002", "c003"):
        assert items[name]["media-overlay"] == f"mo-{name}"
        assert items[f"mo-{name}"]["media-type"] == "application/smil+xml"
        assert items[f"audio-{name}"]["media-type"] == "audio/mpeg"
    spine = [ref.attrib["idref"] for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    assert spine == ["nav", "c001", "c002", "c003"]


def seconds(value: str) -> float:
    hours, minutes, secs = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(secs)


def test_overlays_pair_every_phrase_with_contiguous_clips_inside_the_audio(
    epub: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(epub) as archive:
        opf = read_xml(archive, "EPUB/package.opf")
        durations = {
            meta.attrib.get("refines", "total"): seconds(meta.text or "")
            for meta in opf.iterfind("opf:metadata/opf:meta[@property='media:duration']", NS)
        }
        for name in ("c001", "c002", "c003"):
            smil = read_xml(archive, f"EPUB/smil/{name}.smil")
            xhtml = read_xml(archive, f"EPUB/text/{name}.xhtml")
            ids = {e.attrib["id"]: e for e in xhtml.iter() if "id" in e.attrib}
            archive.extract(f"EPUB/audio/{name}.mp3", tmp_path)
            audio_s = float(
                ffmpeg.probe(tmp_path / "EPUB/audio" / f"{name}.mp3")["format"]["duration"]
            )
            pars = list(smil.iter(f"{{{NS['smil']}}}par"))
            assert pars
            position = 0.0
            for par in pars:
                text = par.find("smil:text", NS)
                audio = par.find("smil:audio", NS)
                assert text is not None
                assert audio is not None
                page, fragment = text.attrib["src"].split("#")
                assert page == f"../text/{name}.xhtml"
                assert fragment in ids, fragment
                assert "".join(ids[fragment].itertext()).strip()
                assert audio.attrib["src"] == f"../audio/{name}.mp3"
                begin, end = seconds(audio.attrib["clipBegin"]), seconds(audio.attrib["clipEnd"])
                assert begin == pytest.approx(position, abs=0.0005)
                assert end > begin
                position = end
            assert position <= audio_s
            assert position == pytest.approx(audio_s, abs=0.1)
            assert durations[f"#mo-{name}"] == pytest.approx(position, abs=0.0005)
    assert durations["total"] == pytest.approx(
        sum(v for k, v in durations.items() if k != "total"), abs=0.0005
    )


def test_long_segments_are_followed_clip_by_clip(epub: Path) -> None:
    with zipfile.ZipFile(epub) as archive:
        xhtml = archive.read("EPUB/text/c001.xhtml").decode()
        smil = archive.read("EPUB/smil/c001.smil").decode()
    assert (
        '<p id="c001-s1"><span id="c001-s1-1">In 1934 Wells went to Moscow.</span> '
        '<span id="c001-s1-2">He met Stalin there.</span></p>'
    ) in xhtml
    assert 'src="../text/c001.xhtml#c001-s1-2"' in smil


def test_headings_speakers_pages_and_hostile_text_in_the_content(epub: Path) -> None:
    with zipfile.ZipFile(epub) as archive:
        one = read_xml(archive, "EPUB/text/c001.xhtml")
        two = archive.read("EPUB/text/c002.xhtml").decode()
        three = read_xml(archive, "EPUB/text/c003.xhtml")
    headings = [(e.tag.split("}")[1], e.text) for e in one.iter() if re.match(r".*}h\d$", e.tag)]
    assert headings == [("h1", "The Meeting"), ("h2", "America and Russia")]
    # Chapter 3's heading is at level 3 right after a level 1: pulled up, never a skip.
    assert [e.tag.split("}")[1] for e in three.iter() if re.match(r".*}h\d$", e.tag)] == ["h2"]
    speeches = [e for e in one.iter(f"{{{NS['x']}}}p") if e.attrib.get("class") == "speech"]
    assert [e.attrib["data-speaker"] for e in speeches] == ["Wells", "Stalin", "Wells", "Stalin"]
    labels = [e.findtext("x:span[@class='speaker']", namespaces=NS) for e in speeches]
    assert labels == ["Wells:", "Stalin:", "Wells:", "Stalin:"]
    classes = [e.attrib.get("class") for e in one.iter(f"{{{NS['x']}}}p")]
    assert "caption" in classes
    assert "direction" in classes
    [page] = [e for e in one.iter() if e.attrib.get(EPUB_TYPE) == "pagebreak"]
    assert (page.attrib["id"], page.attrib["role"], page.attrib["aria-label"]) == (
        "page-12",
        "doc-pagebreak",
        "Page 12",
    )
    assert '<hr class="scene-break"/>' in two
    assert "A note on &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; control." in two


def test_nav_nests_the_contents_and_lists_pages_and_landmarks(epub: Path) -> None:
    with zipfile.ZipFile(epub) as archive:
        nav = read_xml(archive, "EPUB/nav.xhtml")
    navs = {e.attrib[EPUB_TYPE]: e for e in nav.iter(f"{{{NS['x']}}}nav")}
    toc = navs["toc"].find("x:ol", NS)
    assert toc is not None

    def outline(ol: ET.Element) -> list:
        entries = []
        for li in ol.findall("x:li", NS):
            inner = li.find("x:ol", NS)
            entries.append(
                (li.findtext("x:a", namespaces=NS), outline(inner) if inner is not None else [])
            )
        return entries

    assert outline(toc) == [
        ("The Meeting", [("America and Russia", [])]),
        ("Is All Lost?", [("Peasants and Manual Workers", [])]),  # level 3, pulled up to 2
    ]
    pages = [(a.text, a.attrib["href"]) for a in navs["page-list"].iter(f"{{{NS['x']}}}a")]
    assert pages == [
        ("12", "text/c001.xhtml#page-12"),
        ("xiv", "text/c002.xhtml#page-xiv"),
        ("13", "text/c003.xhtml#page-13"),
    ]
    landmarks = [a.attrib[EPUB_TYPE] for a in navs["landmarks"].iter(f"{{{NS['x']}}}a")]
    assert landmarks == ["toc", "bodymatter"]


@pytest.mark.slow
def test_small_book_passes_epubcheck(epub: Path) -> None:
    assert "No errors or warnings detected" in epubcheck(epub)


# ---------------------------------------------------------------- the seed texts, real voices


@pytest.mark.slow
def test_interview_epub_passes_epubcheck(interview_talking_book: Path) -> None:
    """Sections are navigation points, every turn a synchronised phrase, EPUBCheck clean."""
    epub = epub_of(interview_talking_book)
    epubcheck(epub)
    with zipfile.ZipFile(epub) as archive:
        nav = archive.read("EPUB/nav.xhtml").decode()
        xhtml = archive.read("EPUB/text/c001.xhtml").decode()
        smil = archive.read("EPUB/smil/c001.smil").decode()
    for section in ("America and Russia", "The class war", "The technician class"):
        assert f">{section}</a>" in nav
    assert xhtml.count('data-speaker="Wells"') > 20
    assert xhtml.count('data-speaker="Stalin"') > 20
    turns = xhtml.count('<span class="speaker">')
    assert turns > 50
    assert smil.count("<par ") > turns + 10  # long turns are followed clip by clip


@pytest.mark.slow
def test_memoir_chapters_epub_passes_epubcheck(memoir_talking_book: Path) -> None:
    """Parts, books, chapters and sub-sections nested in the contents, print pages listed."""
    epub = epub_of(memoir_talking_book)
    epubcheck(epub)
    with zipfile.ZipFile(epub) as archive:
        nav = read_xml(archive, "EPUB/nav.xhtml")
        chapter = archive.read("EPUB/text/c026.xhtml").decode()
    navs = {e.attrib[EPUB_TYPE]: e for e in nav.iter(f"{{{NS['x']}}}nav")}
    pages = [a.text for a in navs["page-list"].iter(f"{{{NS['x']}}}a")]
    assert pages == MEMOIR_PAGES
    # chapter 26 is in Book III, whose spoken heading is not in this build: still nested there
    path = [
        "Part One. In the Land",
        "Book Three. The Outcasts",
        "Chapter Eleven. Towards",
        "Farewell",
    ]
    ol = navs["toc"]
    for start in path:  # each is found one level further down
        ol = ol.find("x:ol", NS)
        assert ol is not None, start
        [li] = [li for li in ol.findall("x:li", NS) if li.findtext("x:a", "", NS).startswith(start)]
        ol = li
    assert '<h4 id="c026-s1">My Last Months at Verkhne-Uralsk.</h4>' in chapter
    assert chapter.count('epub:type="pagebreak"') == 3


def test_clock_values() -> None:
    assert clock(0) == "0:00:00.000"
    assert clock(3_723_456) == "1:02:03.456"
