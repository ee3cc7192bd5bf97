"""A single HTML file as an e-book (audiobook.ebook.html): a Gutenberg-style HTML book and
a saved web page, both written here from our own text."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.ebook.html import read_html
from audiobook.ebook.model import BlockKind
from audiobook.errors import UserError
from audiobook.model import SegmentKind
from audiobook.pipeline import load_script
from tests.conftest import run_cli

GUTENBERG_STYLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>The Project Gutenberg eBook of The Salt Road, by Wren Hale</title>
<meta name="dc.title" content="The Salt Road">
<meta name="dc.creator" content="Wren Hale">
<meta name="dc.language" content="en">
<style>body { margin: 5% }</style>
<script>document.write('never read');</script>
</head>
<body>
<section class="pg-boilerplate pgheader" id="pg-header">
<p>The Project Gutenberg eBook of The Salt Road. This eBook is for the use of anyone.</p>
<p>*** START OF THE PROJECT GUTENBERG EBOOK THE SALT ROAD ***</p>
</section>
<h1>THE SALT ROAD</h1>
<h2>CONTENTS</h2>
<table>
<tr><td><a href="#ch1">CHAPTER I. The Marsh</a></td></tr>
<tr><td><a href="#ch2">CHAPTER II. The Ford</a></td></tr>
<tr><td><a href="#ch3">CHAPTER III. The Town</a></td></tr>
</table>
<div class="chapter">
<h2><a id="ch1"></a>CHAPTER I. The Marsh</h2>
<p>The carts left before dawn<a id="FNanchor_1" href="#Footnote_1" class="fnanchor">[1]</a>
and the <i>drivers</i> sang.<span class="pagenum"><a id="Page_2">[Pg 2]</a></span>
The road was white with salt.</p>
<div class="footnote"><p><a id="Footnote_1" href="#FNanchor_1"><span class="label">[1]</span>
</a> Six carts in all.</p></div>
</div>
<div class="chapter">
<h2><a id="ch2"></a>CHAPTER II. The Ford</h2>
<p>The river was high.</p>
</div>
<div class="chapter">
<h2><a id="ch3"></a>CHAPTER III. The Town</h2>
<p>They sold the salt by noon.</p>
</div>
<section class="pg-boilerplate pgheader" id="pg-footer">
<p>*** END OF THE PROJECT GUTENBERG EBOOK THE SALT ROAD ***</p>
<p>Updated editions will replace the previous one.</p>
</section>
</body>
</html>
"""

WEB_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><title>On Keeping Bees | The Garden Site</title>
<meta name="author" content="Ivy Comb"></head>
<body>
<header role="banner"><a href="/">The Garden Site</a><nav><a href="/a">Home</a></nav></header>
<nav><ul><li><a href="/b">Blog</a></li><li><a href="/c">Shop</a></li></ul></nav>
<main>
<article>
<h1>On Keeping Bees</h1>
<p>Bees need a dry hive, facing the morning sun, out of the wind.</p>
<h2>The first spring</h2>
<p>Feed them sugar water until the blossom comes.</p>
<h2>The first harvest</h2>
<p>Take only what they can spare, and leave them the rest for winter.</p>
</article>
</main>
<aside role="complementary"><p>Subscribe to our newsletter today.</p></aside>
<footer role="contentinfo"><p>Copyright the Garden Site. All rights reserved.</p></footer>
</body>
</html>
"""


@pytest.fixture
def gutenberg_html(tmp_path: Path) -> Path:
    path = tmp_path / "salt-road.html"
    path.write_text(GUTENBERG_STYLE, encoding="utf-8")
    return path


def test_a_gutenberg_html_book_has_its_chapters_and_no_licence(gutenberg_html: Path) -> None:
    script = load_script(gutenberg_html)
    assert (script.title, script.author, script.language) == ("The Salt Road", "Wren Hale", "en")
    assert [(c.number, c.title) for c in script.chapters] == [
        ("I", "The Marsh"),
        ("II", "The Ford"),
        ("III", "The Town"),
    ]
    first = script.chapters[0].segments
    assert [(s.kind, s.text, s.page) for s in first] == [
        (SegmentKind.HEADING, "Chapter One. The Marsh.", None),
        (
            SegmentKind.NARRATION,
            "The carts left before dawn and the drivers sang. The road was white with salt.",
            "2",
        ),
        (SegmentKind.NOTE, "Six carts in all.", None),
    ]
    text = " ".join(s.text for c in script.chapters for s in c.segments)
    for never in ("Gutenberg", "never read", "margin", "Updated editions", "CONTENTS"):
        assert never not in text


def test_a_saved_web_page_is_read_without_the_site_around_it(tmp_path: Path) -> None:
    path = tmp_path / "bees.htm"
    path.write_text(WEB_PAGE, encoding="utf-8")
    ebook = read_html(path)
    assert ebook.metadata.title == "On Keeping Bees | The Garden Site"
    assert ebook.metadata.authors == ("Ivy Comb",)
    assert ebook.metadata.language == "en-GB"
    texts = [b.text for b in ebook.blocks()]
    assert "Home" not in texts
    assert "Subscribe to our newsletter today." not in texts
    assert not any("Copyright" in t for t in texts)
    headings = [(b.level, b.text) for b in ebook.blocks() if b.kind == BlockKind.HEADING]
    assert headings == [(1, "On Keeping Bees"), (2, "The first spring"), (2, "The first harvest")]
    script = load_script(path)
    assert [c.title for c in script.chapters] == ["On Keeping Bees"]
    assert script.language == "en"


def test_a_broken_html_file_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_bytes(
        b"<html><body><h1>Notes from a Shed<p>The door sticks &amp; the roof leaks."
        b"<p>\xe9t\xe9 came late</body>"
    )
    script = load_script(path)
    text = [s.text for c in script.chapters for s in c.segments]
    assert "The door sticks & the roof leaks." in text
    assert "été came late" in text


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"", "the file is empty"), (b"   \n", "the file is empty")],
)
def test_an_empty_html_file_is_a_user_error(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    with pytest.raises(UserError, match=says):
        read_html(path)
    result = run_cli("inspect", str(path))
    assert result.returncode == 2
    assert result.stderr == f"error: {path}: {says}\n"


def test_a_play_in_html_gets_its_speakers_as_a_plain_text_play_would(tmp_path: Path) -> None:
    acts = []
    for act in ("I", "II"):
        lines = [f"<h2>ACT {act}</h2>", "<p><i>A room in the mill. Enter MILLER and WREN.</i></p>"]
        for turn in range(12):
            lines.append("<p>MILLER. The wheel is slow today, and the water is low.</p>")
            lines.append("<p>WREN. Then we must wait for the rain, as we always do.</p>")
            if turn == 5:
                lines.append("<p>[<i>Exit</i> WREN.]</p>")
                lines.append("<p>MILLER.</p><p>Alone again, and the stones still turning.</p>")
        acts.append("".join(lines))
    path = tmp_path / "mill.html"
    path.write_text(f"<html><body><h1>THE MILL</h1>{''.join(acts)}</body></html>")
    script = load_script(path)
    assert script.layout == "play"
    assert script.speakers == ("Narrator", "MILLER", "WREN")
    said = [(s.speaker, s.kind.value, s.text) for s in script.chapters[0].segments]
    assert said[:3] == [
        ("Narrator", "heading", "Act One."),
        ("Narrator", "narration", "A room in the mill. Enter MILLER and WREN."),
        ("MILLER", "speech", "The wheel is slow today, and the water is low."),
    ]
    assert ("Narrator", "direction", "Exit WREN.") in said
    assert ("MILLER", "speech", "Alone again, and the stones still turning.") in said


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def spoken(tmp_path: Path, html: str | bytes, name: str = "page.html") -> list[str]:
    path = tmp_path / name
    if isinstance(html, str):
        path.write_text(html, encoding="utf-8")
    else:
        path.write_bytes(html)
    return [s.text for c in load_script(path).chapters for s in c.segments]


def test_named_entities_are_read_under_an_xhtml_doctype(tmp_path: Path) -> None:
    """Well-formed XHTML with a DOCTYPE parses as XML, whose parser knows no &eacute;."""
    doctype = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
    )
    html = (
        f'{doctype}<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title></head>'
        "<body><h1>GABRI&Euml;L</h1><p>Gl&uuml;ck &mdash; caf&eacute;&nbsp;noir &amp; "
        "bread.</p></body></html>"
    )
    assert spoken(tmp_path, html, "page.xhtml") == ["Gabriël.", "Glück — café noir & bread."]


def test_utf8_declared_as_latin1_is_read_as_utf8(tmp_path: Path) -> None:
    html = (
        '<?xml version="1.0" encoding="iso-8859-1"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>T</title></head><body><h1>Caf\u00e9</h1><p>Gl\u00fcck.</p></body></html>"
    ).encode("utf-8")
    assert spoken(tmp_path, html, "page.xhtml") == ["Café.", "Glück."]


def test_ruby_readings_and_line_numbers_are_not_read(tmp_path: Path) -> None:
    html = page(
        "<h1>Poems</h1><p><ruby>山路<rp>(</rp><rt>やまみち</rt><rp>)</rp></ruby>を登る。</p>"
        '<p class="verse">Beneath the hill,<span class="lnum">10</span></p>'
    )
    assert spoken(tmp_path, html) == ["Poems.", "山路を登る。", "Beneath the hill,"]


def test_a_binary_file_named_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "picture.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run_cli("script", str(path))
    assert result.returncode == 2
    assert result.stderr == f"error: {path}: not an HTML document (it holds binary data)\n"


def test_a_pages_one_article_is_read_without_the_site(tmp_path: Path) -> None:
    html = page(
        "<div class='share'><a href='/f'>Share on Facebook</a> <a href='/t'>Share</a></div>"
        "<article><h1>On Hedges</h1><p>A hedge of hawthorn keeps the sheep in and lets "
        "the birds through, and it is older than any wall in the parish.</p></article>"
        "<div class='cookies'>We use cookies.</div>"
    )
    assert spoken(tmp_path, html) == [
        "On Hedges.",
        "A hedge of hawthorn keeps the sheep in and lets the birds through, and it is older "
        "than any wall in the parish.",
    ]


def test_gutenbergs_newer_title_gives_title_and_author(tmp_path: Path) -> None:
    html = page(
        "<h1>THE SALT ROAD</h1><p>They left at dawn.</p>",
        head="<title>The Salt Road by Wren Hale, a Project Gutenberg eBook</title>",
    )
    path = tmp_path / "salt.html"
    path.write_text(html, encoding="utf-8")
    script = load_script(path)
    assert (script.title, script.author) == ("The Salt Road", "Wren Hale")


def test_an_epigraphs_author_is_no_speaker(tmp_path: Path) -> None:
    """Once a book has NAME. cues, "STERNE." under a motto must not take the essay."""
    dialogue = "".join(
        "<p>JUDOC. Shall we go out? The sea is calm today.</p>"
        "<p>GABR. Not yet; the boat is not ready for us.</p>"
        for _ in range(4)
    )
    html = page(
        '<h2>On Travel</h2><blockquote><p>"They order this matter better in France."</p></blockquote>'
        '<p class="author">STERNE.</p><p>Travellers are of many kinds, and most of them '
        "are tiresome.</p><h2>A Talk</h2>" + dialogue
    )
    path = tmp_path / "essays.html"
    path.write_text(html, encoding="utf-8")
    script = load_script(path)
    first = [(s.speaker, s.text) for s in script.chapters[0].segments]
    assert ("Narrator", "Travellers are of many kinds, and most of them are tiresome.") in first
    assert "STERNE" not in script.speakers
    assert {"JUDOC", "GABR"} <= set(script.speakers)
