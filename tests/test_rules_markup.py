"""Markup rules (issue 9), pinned with small inputs and their exact outputs: entities,
escapes and links become plain text, Markdown headings and contents lists are structure,
a dated byline is the author and year. Markup is never spoken."""

from __future__ import annotations

import pytest

from audiobook.cleaning import clean_text
from audiobook.layouts import LAYOUTS
from audiobook.pipeline import text_to_script
from tests.layout_fixtures import rows


def texts(text: str, layout: str) -> list[str]:
    return [b.text for b in clean_text(text, layout=layout).blocks]


# ---------------------------------------------------------------- html-entity

ENTITY_CASES = {
    "named": ("Fish &amp; chips &mdash; always.", "Fish & chips — always."),
    "decimal": ("Tom&#8217;s boat.", "Tom’s boat."),
    "hexadecimal": ("Fish &#x2014; chips.", "Fish — chips."),
    "non-breaking space": ("Mr.&nbsp;Roe came.", "Mr.\u00a0Roe came."),
    "a bare ampersand stays": ("A&B and Q & A.", "A&B and Q & A."),
    "an unknown name stays": ("The &nosuchentity; stays.", "The &nosuchentity; stays."),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("line", "plain"), ENTITY_CASES.values(), ids=ENTITY_CASES.keys())
def test_html_entities_in_every_layout(line: str, plain: str, layout: str) -> None:
    assert texts(line, layout) == [plain]


# ---------------------------------------------------------------- markdown-escape

ESCAPE_CASES = {
    "brackets": ("Use \\[laughs\\] here.", "Use [laughs] here."),
    "stars": ("A \\*starred\\* word.", "A *starred* word."),
    "underscores": ("An \\_under\\_ word.", "An _under_ word."),
    "a numbered line": ("1\\. is not a list.", "1. is not a list."),
    "hash, dash, backslash": ("A \\# and \\- and \\\\ here.", "A # and - and \\ here."),
    "a backslash before a letter stays": ("C:\\temp is a folder.", "C:\\temp is a folder."),
}


@pytest.mark.parametrize(("line", "plain"), ESCAPE_CASES.values(), ids=ESCAPE_CASES.keys())
def test_markdown_escapes_in_a_transcript(line: str, plain: str) -> None:
    assert texts(line, "transcript") == [plain]


def test_markdown_escapes_in_an_interview_are_not_spoken() -> None:
    """Issue 9: the markdown layout spoke '\\[laughs\\]' as 'Use \\laughs\\ here.'."""
    text = "# Title\n\n## Part\n\nUse \\[laughs\\] here.\n"
    said = rows(text_to_script(text))
    assert all("\\" not in s for _, _, s in said), said


# ---------------------------------------------------------------- markdown-link

LINK_CASES = {
    "a link": ("See [the map](https://example.org/map) now.", "See the map now."),
    "a link with parentheses": ("See [wiki](https://example.org/Mill_(grinding)) now.", "See wiki now."),
    "an image": ("![A lighthouse at dusk](img/l.png)", "A lighthouse at dusk"),
    "two links": ("[One](a.html) and [two](b.html).", "One and two."),
    "brackets that are no link stay": ("A [sic] and (a note).", "A [sic] and (a note)."),
}  # fmt: skip


@pytest.mark.parametrize("layout", ["markdown", "transcript"])
@pytest.mark.parametrize(("line", "plain"), LINK_CASES.values(), ids=LINK_CASES.keys())
def test_markdown_links_say_their_text(line: str, plain: str, layout: str) -> None:
    assert texts(line, layout) == [plain]


# ---------------------------------------------------------------- markdown-headings


def test_markdown_headings_and_their_levels() -> None:
    text = "# The Lamp\n\n## Storms\n\n### At night ###\n\nIt was dark.\n"
    result = clean_text(text, layout="markdown")
    assert [(b.style, b.level, b.text) for b in result.blocks] == [
        ("title", 1, "The Lamp"),
        ("heading", 2, "Storms"),
        ("heading", 3, "At night"),
        ("paragraph", 0, "It was dark."),
    ]
    assert result.title == "The Lamp"


def test_a_hash_inside_a_line_is_no_heading() -> None:
    assert texts("We were #1 in the charts.\n", "markdown") == ["We were #1 in the charts."]


# ---------------------------------------------------------------- table-of-contents


@pytest.mark.parametrize("bullet", ["-", "*", "1."])
def test_markdown_contents_list_is_removed(bullet: str) -> None:
    text = (
        f"# The Lamp\n\n## Contents\n\n{bullet} [Storms](#storms)\n{bullet} [Lamps](#lamps)\n\n"
        "## Storms\n\nIt was dark.\n"
    )
    result = clean_text(text, layout="markdown")
    assert [(b.style, b.text) for b in result.blocks] == [
        ("title", "The Lamp"),
        ("heading", "Storms"),
        ("paragraph", "It was dark."),
    ]
    assert [(r.rule, r.line, r.text) for r in result.removed if r.rule != "markdown-link"] == [
        ("table-of-contents", 3, "Contents"),
        ("table-of-contents", 5, f"{bullet} [Storms](#storms)"),
        ("table-of-contents", 6, f"{bullet} [Lamps](#lamps)"),
    ]


def test_a_removed_contents_line_is_not_removed_again() -> None:
    text = "# The Lamp\n\n## Contents\n\n- [Storms](#storms)\n\n## Storms\n\nIt was dark.\n"
    assert [r.rule for r in clean_text(text, layout="markdown").removed] == [
        "table-of-contents",
        "table-of-contents",
    ]


def test_a_contents_heading_with_no_list_stays() -> None:
    text = "# The Lamp\n\n## Contents\n\nWhat the keeper keeps.\n"
    assert texts(text, "markdown") == ["The Lamp", "Contents", "What the keeper keeps."]


# ---------------------------------------------------------------- caption


@pytest.mark.parametrize(
    "line", ["The tower at dusk. Photo: Jane Roe", "The lamp room. Image: Museum of the Sea"]
)
def test_caption(line: str) -> None:
    result = clean_text(f"# The Lamp\n\n{line}\n\nIt was dark.\n", layout="markdown")
    assert [(b.style, b.text) for b in result.blocks][1] == ("caption", line)


# ---------------------------------------------------------------- byline

BYLINE_CASES = {
    "capitals, PUBLISHED, a time": (
        "A keeper remembers. BY JANE ROE PUBLISHED 18 APRIL, 2014 - 09:00",
        "Jane Roe", "2014", "BY JANE ROE PUBLISHED 18 APRIL, 2014 - 09:00",
    ),
    "day month year": (
        "A keeper remembers. By Jane Roe, 3 May 2011",
        "Jane Roe", "2011", "By Jane Roe, 3 May 2011",
    ),
    "month day, year": (
        "A keeper remembers. By Jane Roe, May 3, 2011",
        "Jane Roe", "2011", "By Jane Roe, May 3, 2011",
    ),
    "Published, a time with pm": (
        "A keeper remembers. By Jane Q. Roe Published 3 May 2011 4:05 pm",
        "Jane Q. Roe", "2011", "By Jane Q. Roe Published 3 May 2011 4:05 pm",
    ),
}  # fmt: skip


@pytest.mark.parametrize("layout", ["markdown", "transcript"])
@pytest.mark.parametrize(
    ("standfirst", "author", "year", "gone"), BYLINE_CASES.values(), ids=BYLINE_CASES.keys()
)
def test_dated_byline_is_author_and_year(
    standfirst: str, author: str, year: str, gone: str, layout: str
) -> None:
    result = clean_text(f"# The Lamp\n\n{standfirst}\n\nIt was dark.\n", layout=layout)
    assert (result.author, result.year) == (author, year)
    assert [b.text for b in result.blocks] == ["The Lamp", "A keeper remembers.", "It was dark."]
    assert [(r.rule, r.line, r.text) for r in result.removed] == [("byline", 3, gone)]


@pytest.mark.parametrize(
    "standfirst",
    [
        "We went by Jane Roe's house, 3 May 2011",  # no sentence ends before "by"
        "A keeper remembers. By the sea, on a cold night.",  # no date
    ],
)
def test_not_a_byline(standfirst: str) -> None:
    result = clean_text(f"# The Lamp\n\n{standfirst}\n\nIt was dark.\n", layout="markdown")
    assert (result.author, result.year, result.removed) == (None, None, ())


def test_a_byline_far_from_the_top_is_text() -> None:
    paragraphs = "".join(f"Paragraph {n} is here.\n\n" for n in range(8))
    text = f"# The Lamp\n\n{paragraphs}A keeper remembers. By Jane Roe, 3 May 2011\n"
    assert clean_text(text, layout="markdown").author is None


# ---------------------------------------------------------------- emphasis is never spoken


def test_emphasis_and_bold_are_never_spoken() -> None:
    text = "# The Lamp\n\n## Storms\n\nIt was *very* dark and **very** cold, and _nobody_ slept.\n"
    assert rows(text_to_script(text))[-1] == (
        "Narrator",
        "narration",
        "It was very dark and very cold, and nobody slept.",
    )


def test_a_byline_on_its_own_line_names_the_author_and_is_read() -> None:
    """Issue 9 (review): only a byline glued to the standfirst gave the author."""
    from audiobook.pipeline import text_to_script

    script = text_to_script("# The Lamp\n\nBy Jane Doe\n\n## One\n\nText here.\n")
    assert script.author == "Jane Doe"
    assert [s.text for c in script.chapters for s in c.segments][1] == "By Jane Doe"


def test_a_star_bullet_in_markdown_is_not_a_footnote() -> None:
    """Issue 9 (adversarial run): "* Jensen: …" lines of a Markdown play became notes."""
    from audiobook.pipeline import text_to_script

    text = "# The Lamp\n\n## One\n\n* Jensen: Is it true, what folks say?\n\nMore text.\n"
    script = text_to_script(text)
    assert [s.kind for c in script.chapters for s in c.segments] == [
        "heading",
        "heading",
        "narration",
        "narration",
    ]
    assert script.removed == ()


def test_a_contents_heading_is_not_the_books_title() -> None:
    from audiobook.pipeline import text_to_script

    script = text_to_script("# CONTENTS\n\nOne, two.\n\n# The Lamp\n\n## One\n\nText.\n")
    assert script.title == "The Lamp"
