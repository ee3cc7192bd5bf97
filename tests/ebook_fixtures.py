"""Small EPUB files for the e-book reader's tests, written by the tests from our own text.

`write_epub` zips a dict of files the way an EPUB must be zipped (the mimetype first and
stored); the other helpers write the package document, the nav, the NCX and XHTML pages,
so that each test states only what it is about.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

FONT_OBFUSCATION = """<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
            xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
    <enc:CipherData><enc:CipherReference URI="OEBPS/fonts/serif.otf"/></enc:CipherData>
  </enc:EncryptedData>
</encryption>"""

ENCRYPTED_CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
            xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
    <enc:CipherData><enc:CipherReference URI="OEBPS/ch1.xhtml"/></enc:CipherData>
  </enc:EncryptedData>
</encryption>"""

PNG_COVER = b"\x89PNG\r\n\x1a\n" + b"our own cover, not a real picture"
JPEG_COVER = b"\xff\xd8\xff\xe0" + b"another cover of ours"


def write_epub(path: Path, files: dict[str, str | bytes], *, container: bool = True) -> Path:
    """An EPUB of these files (archive path -> text or bytes): the mimetype first and
    stored, then META-INF/container.xml (pointing at OEBPS/content.opf) unless told not."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        if container and "META-INF/container.xml" not in files:
            archive.writestr("META-INF/container.xml", CONTAINER, zipfile.ZIP_DEFLATED)
        for name, content in files.items():
            archive.writestr(name, content, zipfile.ZIP_DEFLATED)
    return path


def xhtml(body: str, *, title: str = "Page", head: str = "") -> str:
    """An EPUB 3 content document around `body` (the inside of <body>)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>{title}</title>{head}</head>
<body>{body}</body>
</html>"""


def opf3(metadata: str, items: list[tuple[str, str, str]], spine: list[str]) -> str:
    """An EPUB 3 package document: items are (id, href, extra attributes)."""
    manifest = "\n".join(
        f'    <item id="{item_id}" href="{href}" {extra}/>' for item_id, href, extra in items
    )
    itemrefs = "\n".join(f"    <itemref {ref}/>" for ref in spine)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
{metadata}
  </metadata>
  <manifest>
{manifest}
  </manifest>
  <spine>
{itemrefs}
  </spine>
</package>"""


def nav(entries: str, landmarks: str = "") -> str:
    """An EPUB 3 navigation document; `entries` is the inside of the toc's <ol>."""
    landmarks_nav = f'<nav epub:type="landmarks"><ol>{landmarks}</ol></nav>' if landmarks else ""
    return xhtml(
        f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{entries}</ol></nav>{landmarks_nav}',
        title="Contents",
    )


XHTML = 'media-type="application/xhtml+xml"'


# ---------------------------------------------------------------- EPUB 3, the whole shape


def lighthouse_epub3() -> dict[str, str | bytes]:
    """An EPUB 3 with a nav: a chapter over two files, two chapters (and a sub-section) in
    one file, endnotes and a footnote, page breaks, verse, a figure, a table, a play's
    lines, front and back matter, and a linear="no" page."""
    metadata = """
    <dc:identifier id="uid">urn:uuid:0c0ffee0-0000-4000-8000-000000000001</dc:identifier>
    <dc:identifier id="isbn">9780000000002</dc:identifier>
    <dc:title id="t1">The Lighthouse Keeper</dc:title>
    <meta refines="#t1" property="title-type">main</meta>
    <dc:title id="t2">A Tale of the Coast</dc:title>
    <meta refines="#t2" property="title-type">subtitle</meta>
    <dc:creator id="c1">Ada Quill</dc:creator>
    <meta refines="#c1" property="role" scheme="marc:relators">aut</meta>
    <dc:creator id="c2">Cy Edit</dc:creator>
    <meta refines="#c2" property="role" scheme="marc:relators">edt</meta>
    <dc:creator id="c3">Ben Ink</dc:creator>
    <meta refines="#c3" property="role" scheme="marc:relators">aut</meta>
    <dc:language>en-GB</dc:language>
    <dc:publisher>Harbour Press</dc:publisher>
    <dc:date>1901-03-04</dc:date>
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>"""
    items = [
        ("nav", "nav.xhtml", f'{XHTML} properties="nav"'),
        ("cover-img", "images/cover.png", 'media-type="image/png" properties="cover-image"'),
        ("cover", "cover.xhtml", XHTML),
        ("title", "title.xhtml", XHTML),
        ("ch1a", "ch1a.xhtml", XHTML),
        ("ch1b", "ch1b.xhtml", XHTML),
        ("ch23", "ch2-3.xhtml", XHTML),
        ("play", "play.xhtml", XHTML),
        ("notes", "notes.xhtml", XHTML),
        ("map", "map.xhtml", XHTML),
        ("colophon", "colophon.xhtml", XHTML),
    ]
    spine = [
        'idref="cover"',
        'idref="title"',
        'idref="ch1a"',
        'idref="ch1b"',
        'idref="ch23"',
        'idref="play"',
        'idref="notes"',
        'idref="map" linear="no"',
        'idref="colophon"',
    ]
    toc = """
      <li><a href="title.xhtml">Title Page</a></li>
      <li><a href="ch1a.xhtml">Chapter One</a></li>
      <li><a href="ch2-3.xhtml#ch2">Chapter Two</a></li>
      <li><a href="ch2-3.xhtml#ch3">Chapter <span>Three</span></a>
        <ol><li><a href="ch2-3.xhtml#letter">A Letter</a></li></ol></li>
      <li><a href="play.xhtml">The Play Within</a></li>
      <li><a href="notes.xhtml">Notes</a></li>
      <li><a href="colophon.xhtml">Colophon</a></li>"""
    return {
        "OEBPS/content.opf": opf3(metadata, items, spine),
        "OEBPS/nav.xhtml": nav(toc),
        "OEBPS/images/cover.png": PNG_COVER,
        "OEBPS/cover.xhtml": xhtml(
            '<section epub:type="cover"><img src="images/cover.png" alt="Cover"/></section>'
        ),
        "OEBPS/title.xhtml": xhtml(
            '<section epub:type="titlepage" id="titlepage"><h1>The Lighthouse Keeper</h1>'
            "<p>by Ada Quill and Ben Ink</p></section>"
        ),
        "OEBPS/ch1a.xhtml": xhtml(
            '<section epub:type="chapter" id="chapter-1"><h1>Chapter One</h1>'
            "<p>The <i>lamp</i> was <em>lit</em> at dusk by the <abbr>R.N.L.I.</abbr>"
            ' <span class="smallcaps">keeper</span>,&#160;as always.'
            '<a href="notes.xhtml#n1" id="r1" epub:type="noteref"><sup>1</sup></a></p>'
            '<p>He climbed the stairs<span epub:type="pagebreak" id="page5" title="5"/>'
            " one by one.</p>"
            '<div role="doc-pagebreak" aria-label="6"></div>'
            "<script>var never = 'read aloud';</script>"
            "<p>The sea was grey.</p></section>",
            head="<style>p { color: red; }</style>",
        ),
        "OEBPS/ch1b.xhtml": xhtml(
            "<p>The storm went on all night.</p>"
            '<blockquote epub:type="z3998:poem"><p>'
            "<span>O light upon the rock,</span><br/><span>keep the ships from harm.</span>"
            "</p></blockquote>"
            '<figure><img src="images/cover.png" alt=""/>'
            "<figcaption>The tower in <i>winter</i>.</figcaption></figure>"
            "<table><tr><th>Night</th><th>Ships</th></tr>"
            "<tr><td>Monday</td><td>3</td></tr></table>"
            "<hr/><p>Morning came.</p>"
        ),
        "OEBPS/ch2-3.xhtml": xhtml(
            '<section id="ch2" epub:type="chapter"><h2>Chapter Two</h2>'
            '<p>A boat came in.<a href="#fn2" epub:type="noteref">*</a></p>'
            '<aside epub:type="footnote" id="fn2"><p>It was the <i>Mary Ann</i>.</p></aside>'
            "<p>Nobody spoke.</p></section>"
            '<section id="ch3" epub:type="chapter"><h2>Chapter Three</h2>'
            "<p>Winter passed.</p>"
            "<blockquote><p>Keep the light, whatever comes.</p></blockquote>"
            '<section id="letter"><h3>A Letter</h3>'
            '<p>Dear keeper, we thank you.<span epub:type="pagebreak" id="page-9"/></p>'
            "</section></section>"
        ),
        "OEBPS/play.xhtml": xhtml(
            '<section epub:type="chapter z3998:scene"><h2>The Play Within</h2><table>'
            '<tr><td/><td><i epub:type="z3998:stage-direction">Enter the Keeper.</i></td></tr>'
            '<tr><td epub:type="z3998:persona">Keeper</td><td>Who goes there?</td></tr>'
            '<tr><td epub:type="z3998:persona">Sailor</td><td>A friend.</td></tr>'
            "</table></section>"
        ),
        "OEBPS/notes.xhtml": xhtml(
            '<section epub:type="endnotes" id="endnotes"><h2>Notes</h2><ol>'
            '<li id="n1"><p>Lit with paraffin.'
            ' <a href="ch1a.xhtml#r1" epub:type="backlink">↩</a></p></li>'
            "</ol></section>"
        ),
        "OEBPS/map.xhtml": xhtml("<p>A map of the coast, for looking at.</p>"),
        "OEBPS/colophon.xhtml": xhtml(
            '<section epub:type="colophon"><p>Set in a type of our own.</p></section>'
        ),
    }


# ---------------------------------------------------------------- EPUB 2 with an NCX


def opf2(metadata: str, items: str, spine: str, guide: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="BookId">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"
            xmlns:opf="http://www.idpf.org/2007/opf">
{metadata}
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
{items}
  </manifest>
  <spine toc="ncx">
{spine}
  </spine>
  <guide>{guide}</guide>
</package>"""


def ncx(points: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="x"/></head>
  <docTitle><text>Ignored</text></docTitle>
  <navMap>{points}</navMap>
</ncx>"""


def nav_point(number: int, label: str, src: str, inner: str = "") -> str:
    return (
        f'<navPoint id="p{number}" playOrder="{number}"><navLabel><text>{label}</text></navLabel>'
        f'<content src="{src}"/>{inner}</navPoint>'
    )


def html4(body: str, *, title: str = "Page") -> str:
    """An EPUB 2 page, XHTML 1.1 with its doctype."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head>
<body>{body}</body></html>"""


def orchard_epub2() -> dict[str, str | bytes]:
    """An EPUB 2: chapters from a nested NCX, the cover from <meta name="cover">, a
    copyright page known only from the guide, and a creator with opf:role."""
    metadata = """
    <dc:title>The Orchard</dc:title>
    <dc:creator opf:role="aut" opf:file-as="Pip, Dora">Dora Pip</dc:creator>
    <dc:creator opf:role="ill">Eli Brush</dc:creator>
    <dc:language>de</dc:language>
    <dc:publisher>Apfel Verlag</dc:publisher>
    <dc:date opf:event="modification">2020-02-02</dc:date>
    <dc:date opf:event="publication">1899</dc:date>
    <dc:identifier id="BookId" opf:scheme="ISBN">9780000000019</dc:identifier>
    <meta name="cover" content="cover-jpg"/>"""
    items = """
    <item id="cover-jpg" href="pics/front.jpg" media-type="image/jpeg"/>
    <item id="copy" href="copy.html" media-type="application/xhtml+xml"/>
    <item id="part1" href="part1.html" media-type="application/xhtml+xml"/>
    <item id="c1" href="c1.html" media-type="application/xhtml+xml"/>
    <item id="c2" href="c2.html" media-type="application/xhtml+xml"/>"""
    spine = """
    <itemref idref="copy"/><itemref idref="part1"/><itemref idref="c1"/><itemref idref="c2"/>"""
    points = nav_point(
        1,
        "Part One",
        "part1.html",
        nav_point(2, "Chapter 1: Blossom", "c1.html") + nav_point(3, "Chapter 2", "c2.html"),
    )
    return {
        "OEBPS/content.opf": opf2(
            metadata,
            items,
            spine,
            '<reference type="copyright-page" title="Copyright" href="copy.html"/>',
        ),
        "OEBPS/toc.ncx": ncx(points),
        "OEBPS/pics/front.jpg": JPEG_COVER,
        "OEBPS/copy.html": html4("<p>Copyright 1899 by nobody at all.</p>"),
        "OEBPS/part1.html": html4("<h1>Part One</h1>"),
        "OEBPS/c1.html": html4("<h2>Blossom</h2><p>The trees were white.</p>"),
        "OEBPS/c2.html": html4("<h2>Fruit</h2><p>The apples fell.</p>"),
    }


def gutenberg_like_epub2() -> dict[str, str | bytes]:
    """An EPUB 2 shaped like the big free libraries' ones: one file, the NCX pointing at
    anchors (its "Contents" entry at the typed contents table), a licence header, page
    numbers and footnotes marked by class only, and the licence after the end marker."""
    body = """
<section class="pg-boilerplate pgheader" id="pg-header"><p>The Project Gutenberg eBook of
 Quiet Waters. This eBook is for the use of anyone anywhere.</p></section>
<h1>QUIET WATERS</h1>
<h2 id="toc">CONTENTS</h2>
<table><tr><td><a href="#c1">I.</a></td><td>The Mill</td></tr>
<tr><td><a href="#c2">II.</a></td><td>The Weir</td></tr>
<tr><td><a href="#c3">III.</a></td><td>The Sea</td></tr></table>
<div class="chapter"><h2><a id="c1"></a>I. THE MILL</h2>
<p>The wheel turned<a id="FNanchor_1" href="#Footnote_1" class="fnanchor">[1]</a> slowly.
<span class="pagenum"><a id="Page_7">[Pg 7]</a></span>It never stopped.</p>
<div class="footnote"><p><a id="Footnote_1" href="#FNanchor_1"><span class="label">[1]</span></a>
 An overshot wheel.</p></div></div>
<div class="chapter"><h2><a id="c2"></a>II. THE WEIR</h2><p>Water fell.</p></div>
<div class="chapter"><h2><a id="c3"></a>III. THE SEA</h2><p>At last, the sea.</p></div>
<p>*** END OF THE PROJECT GUTENBERG EBOOK QUIET WATERS ***</p>
<p>Section 1. General Terms of Use and Redistributing Project Gutenberg works.</p>"""
    items = '<item id="book" href="book.html" media-type="application/xhtml+xml"/>'
    points = nav_point(9, "Contents", "book.html#toc") + "".join(
        nav_point(n, label, f"book.html#c{n}")
        for n, label in ((1, "I. The Mill"), (2, "II. The Weir"), (3, "III. The Sea"))
    )
    metadata = """
    <dc:title>Quiet Waters</dc:title>
    <dc:creator opf:file-as="Reed, Fen">Fen Reed</dc:creator>
    <dc:language>en</dc:language>
    <dc:identifier id="BookId">http://www.gutenberg.org/99999</dc:identifier>"""
    return {
        "OEBPS/content.opf": opf2(metadata, items, '<itemref idref="book"/>'),
        "OEBPS/toc.ncx": ncx(points),
        "OEBPS/book.html": html4(body),
    }


def chapters_epub3(*bodies: str | bytes, nav_entries: str | None = None) -> dict:
    """An EPUB 3 of these content documents (text or raw bytes: ch.xhtml, ch2.xhtml …),
    with a nav when given its entries."""
    names = ["ch.xhtml"] + [f"ch{number}.xhtml" for number in range(2, len(bodies) + 1)]
    items = [(name.removesuffix(".xhtml"), name, XHTML) for name in names]
    if nav_entries is not None:
        items.append(("nav", "nav.xhtml", f'{XHTML} properties="nav"'))
    files: dict[str, str | bytes] = {
        "OEBPS/content.opf": opf3(
            '<dc:title>One</dc:title><dc:identifier id="uid">x</dc:identifier>'
            "<dc:language>en</dc:language>",
            items,
            [f'idref="{name.removesuffix(".xhtml")}"' for name in names],
        ),
    }
    files.update({f"OEBPS/{name}": body for name, body in zip(names, bodies, strict=True)})
    if nav_entries is not None:
        files["OEBPS/nav.xhtml"] = nav(nav_entries)
    return files
