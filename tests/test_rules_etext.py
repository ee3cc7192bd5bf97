"""E-text rules (issue 9), each pinned with small inputs and their exact outputs: what is not
the book goes (and says what it removed), what the book says about itself is kept as facts,
illustrations and footnotes are read apart, and headings follow e-text conventions."""

from __future__ import annotations

import pytest

from audiobook.cleaning import clean_text
from audiobook.model import CleanText
from audiobook.pipeline import text_to_script
from tests.layout_fixtures import read_fixture, rows

# Six short paragraphs: e-texts are longer than their header, and the rule relies on it.
BODY = "".join(f"The {w} day at the mill was quiet.\n\n" for w in "first second third".split())
BODY += "".join(f"The {w} night at the mill was loud.\n\n" for w in "first second third".split())
BODY_BLOCKS = [("paragraph", line) for line in BODY.split("\n\n") if line]
START = "*** START OF THE PROJECT GUTENBERG EBOOK THE MILL ***"
END = "*** END OF THE PROJECT GUTENBERG EBOOK THE MILL ***"


def clean(text: str) -> CleanText:
    return clean_text(text, layout="etext")


def blocks(text: str) -> list[tuple[str, str]]:
    return [(b.style, b.text) for b in clean(text).blocks]


def removed(text: str) -> list[tuple[str, int, str]]:
    return [(r.rule, r.line, r.text.strip()) for r in clean(text).removed]


# ---------------------------------------------------------------- etext-boilerplate


@pytest.mark.parametrize(
    ("header", "title", "author", "language"),
    [
        ("Title: The Mill\nAuthor: Jo Miller\nLanguage: English\n", "The Mill", "Jo Miller", "en"),
        ("Title: Die Mühle\nAuthor: Jo Müller\nLanguage: German\n", "Die Mühle", "Jo Müller", "de"),
        (
            "Title: Le Moulin\n\nAuthor: Jo Meunier\n\nLanguage: French\n",
            "Le Moulin",
            "Jo Meunier",
            "fr",
        ),
        (
            "Title: The Mill\n       and Other Tales\nAuthor: Jo Miller\n",
            "The Mill and Other Tales",
            "Jo Miller",
            "en",
        ),
        ("Title: The Mill\nLanguage: English, French\n", "The Mill", None, "en"),
        ("Title: The Mill\nLanguage: fr\n", "The Mill", None, "fr"),
        ("Author: Jo Miller\nRelease Date: May 1, 2031\n", None, "Jo Miller", "en"),
    ],
)
def test_header_facts(header: str, title: str | None, author: str | None, language: str) -> None:
    text = f"{header}\n{START}\n\n{BODY}"
    result = clean(text)
    assert result.title == title
    assert result.author == author
    assert result.language == language
    header_lines = [line for line in f"{header}\n{START}".split("\n") if line.strip()]
    assert [r.text for r in result.removed] == [line.strip() for line in header_lines]
    assert {r.rule for r in result.removed} == {"etext-boilerplate"}
    assert [(b.style, b.text) for b in result.blocks] == BODY_BLOCKS


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        # producers' credits just after the start marker, over one line or a paragraph
        (f"{START}\n\nProduced by Jo Bloggs and the Online Team.\n\n{BODY}", [1, 3]),
        (f"{START}\n\nE-text prepared by Jo Bloggs\nand Ann Other.\n\n{BODY}", [1, 3, 4]),
        # a transcriber's note, bracketed over several lines, or a paragraph
        (
            f"{BODY}[Transcriber's Note: obvious\nerrors have been corrected.]\n\nThe end.\n",
            [13, 14],
        ),
        (f"Transcriber's Notes: spelling as printed.\n\n{BODY}", [1]),
        # the last line and the licence, and a paragraph about Project Gutenberg
        (f"{BODY}End of the Project Gutenberg EBook of The Mill\n", [13]),
        (f"{BODY}End of Project Gutenberg's The Mill, by Jo Miller\n", [13]),
        (f"{BODY}{END}\n\nSection 1. General Terms of Use.\n\nMore licence.\n", [13, 15, 17]),
        (f"{BODY}This file was typed in by volunteers of Project Gutenberg.\n\nThe end.\n", [13]),
    ],
    ids=[
        "credit line",
        "credit paragraph",
        "bracketed transcriber's note",
        "transcriber's note paragraph",
        "End of the Project Gutenberg",
        "End of Project Gutenberg's",
        "end marker and licence",
        "a paragraph about Project Gutenberg",
    ],
)
def test_boilerplate_is_removed_line_by_line(text: str, gone: list[int]) -> None:
    result = clean(text)
    assert [(r.rule, r.line) for r in result.removed] == [("etext-boilerplate", n) for n in gone]
    lines = text.split("\n")
    assert [r.text for r in result.removed] == [lines[n - 1] for n in gone]
    spoken = " ".join(b.text for b in result.blocks)
    assert "Gutenberg" not in spoken
    assert "Transcriber" not in spoken
    assert "Produced" not in spoken
    assert "prepared" not in spoken


def test_start_and_end_markers_of_the_fixture() -> None:
    text = read_fixture("etext.txt")
    script = text_to_script(text)
    assert (script.title, script.author, script.language) == (
        "The Clockmaker's Daughter",
        "Harriet Vane-Ellis",
        "en",
    )
    boilerplate = [r.line for r in script.removed if r.rule == "etext-boilerplate"]
    assert boilerplate[:9] == [1, 3, 5, 7, 9, 11, 13, 15, 20]  # header, marker, credit
    assert boilerplate[9:] == [71, 73, 74, 75]  # end marker and licence
    said = " ".join(s for _, _, s in rows(script))
    assert "Gutenberg" not in said
    assert "licence" not in said


def test_a_short_text_mentioning_the_start_marker_late_keeps_its_body() -> None:
    """The header is removed only when the start marker stands in the first half."""
    text = f"{BODY}{START}\n\nThe very end.\n"
    assert ("paragraph", "The first day at the mill was quiet.") in blocks(text)


# ---------------------------------------------------------------- title page


@pytest.mark.parametrize(
    ("text", "title", "author"),
    [
        (f"THE MILLER'S TALE\n\nby Jane Doe\n\n\n\n{BODY}", "THE MILLER'S TALE", "Jane Doe"),
        (f"THE MILLER'S TALE\n\nBY JANE DOE\n\n\n\n{BODY}", "THE MILLER'S TALE", "Jane Doe"),
        (f"The Mill\nA Tale\n\nBy Anna van Dijk\n\n{BODY}", "The Mill A Tale", "Anna van Dijk"),
    ],
)
def test_title_page_gives_title_and_author(text: str, title: str, author: str) -> None:
    result = clean(text)
    assert (result.title, result.author) == (title, author)


def test_a_full_stop_after_the_title_pages_author_is_not_part_of_the_name() -> None:
    assert clean(f"The Mill\n\nby Jane Doe.\n\n{BODY}").author == "Jane Doe"


def test_the_header_wins_over_the_title_page() -> None:
    text = f"Title: The Mill\nAuthor: Jo Miller\n\n{START}\n\nA MILL\n\nby Someone Else\n\n{BODY}"
    result = clean(text)
    assert (result.title, result.author) == ("The Mill", "Jo Miller")


# ---------------------------------------------------------------- table-of-contents

CONTENTS_CASES = {
    "CHAPTER entries, ended where the body repeats the first": (
        "CONTENTS\n\nCHAPTER I. The Mill\nCHAPTER II. The River\n\n\n\n"
        "CHAPTER I.\n\nThe Mill\n\nThe mill stood by the water.\n",
        [1, 3, 4],
        [("numeral", "I"), ("heading", "The Mill"), ("paragraph", "The mill stood by the water.")],
    ),
    "numbered entries with page numbers": (
        "CONTENTS\n\n   I. The Mill          1\n  II. The River        9\n\n\n\n"
        "I. The Mill\n\nThe mill stood by the water.\n",
        [1, 3, 4],
        [("numeral", "I"), ("heading", "The Mill"), ("paragraph", "The mill stood by the water.")],
    ),
    "titles only, the body's heading in capitals": (
        "Contents\n\nThe Mill\nThe River\n\n\n\nTHE MILL\n\nThe mill stood by the water.\n",
        [1, 3, 4],
        [("heading", "THE MILL"), ("paragraph", "The mill stood by the water.")],
    ),
    "dot leaders, ended where the prose starts": (
        "TABLE OF CONTENTS\n\n  The Mill ........ 1\n  The River ....... 9\n\n\n"
        "The mill stood by the water and it was a very good mill indeed for all.\n"
        "It ground the corn of the whole valley every single day of the year.\n",
        [1, 3, 4],
        [
            (
                "paragraph",
                "The mill stood by the water and it was a very good mill indeed for all. "
                "It ground the corn of the whole valley every single day of the year.",
            )
        ],
    ),
    "no clear end: nothing removed": (
        "CONTENTS\n\nThe Mill\nThe River\n",
        [],
        [("heading", "CONTENTS"), ("paragraph", "The Mill The River")],
    ),
}


@pytest.mark.parametrize(
    ("text", "gone", "kept"), CONTENTS_CASES.values(), ids=CONTENTS_CASES.keys()
)
def test_contents_list(text: str, gone: list[int], kept: list[tuple[str, str]]) -> None:
    result = clean(text)
    assert [(r.rule, r.line) for r in result.removed] == [("table-of-contents", n) for n in gone]
    assert [(b.style, b.text) for b in result.blocks] == kept
    if gone:
        lines = text.split("\n")
        assert list(result.toc) == [lines[n - 1].strip() for n in gone]


def test_a_contents_list_with_long_titles_is_removed_whole() -> None:
    text = (
        "CONTENTS\n\nCHAPTER I. The Mill\n"
        "CHAPTER II. In Which the Miller Remembers the Long Winter\n"
        "CHAPTER III. In Which a Stranger Comes Down the Road\n\n\n\n"
        "CHAPTER I.\n\nThe Mill\n\nThe mill was old.\n"
    )
    assert [(r.rule, r.line) for r in clean(text).removed] == [
        ("table-of-contents", n) for n in (1, 3, 4, 5)
    ]


def test_list_of_illustrations_is_skipped() -> None:
    text = (
        "LIST OF ILLUSTRATIONS\n\nThe mill by moonlight\nThe river in flood\n\n\n\n"
        "It was night and the mill was loud.\n"
    )
    assert removed(text) == [
        ("list-of-illustrations", 1, "LIST OF ILLUSTRATIONS"),
        ("list-of-illustrations", 3, "The mill by moonlight"),
        ("list-of-illustrations", 4, "The river in flood"),
    ]
    assert blocks(text) == [("paragraph", "It was night and the mill was loud.")]


# ---------------------------------------------------------------- persons-list

PERSONS_CASES = {
    "a dialogue's persons on one line": (
        "PERSONS OF THE DIALOGUE: Socrates, Crito.\n\nSCENE: The prison.\n",
        ["Socrates", "Crito"],
    ),
    "and, semicolons": (
        "PERSONS OF THE DIALOGUE: Socrates; Crito and Phaedo.\n\nIt was dawn.\n",
        ["Socrates", "Crito", "Phaedo"],
    ),
    "a dramatis personae, multi-word names kept whole": (
        "DRAMATIS PERSONAE\n\nLADY CAPULET, a widow.\nFRIAR LAWRENCE, her brother.\n"
        "First Citizen.\nPolly (her maid)\n\n\nACT I\n\nSome text.\n",
        ["LADY CAPULET", "FRIAR LAWRENCE", "First Citizen", "Polly"],
    ),
    "the characters of a play, with a dash": (
        "CHARACTERS IN THE PLAY\n\nLady Bracknell — an aunt.\nGwendolen Fairfax\n\n\nACT I\n",
        ["Lady Bracknell", "Gwendolen Fairfax"],
    ),
    "a persons list ended by SCENE": (
        "PERSONS REPRESENTED\n\nROMEO\nJULIET\nSCENE: Verona.\n",
        ["ROMEO", "JULIET"],
    ),
}


@pytest.mark.parametrize(("text", "persons"), PERSONS_CASES.values(), ids=PERSONS_CASES.keys())
def test_persons_list_names(text: str, persons: list[str]) -> None:
    result = clean(text)
    assert list(result.persons) == persons
    assert result.removed == ()  # the list is read, only remembered for the labels


def test_a_persons_title_is_not_cut_from_the_name() -> None:
    text = "CHARACTERS IN THE PLAY\n\nMr. Worthing, a young man.\nLady Bracknell.\n\n\nACT I\n"
    assert clean(text).persons == ("Mr. Worthing", "Lady Bracknell")


def test_a_double_hyphen_dash_ends_a_persons_name() -> None:
    text = "CHARACTERS IN THE PLAY\n\nLady Bracknell -- an aunt.\nGwendolen Fairfax\n\n\nACT I\n"
    assert clean(text).persons == ("Lady Bracknell", "Gwendolen Fairfax")


# ---------------------------------------------------------------- illustration

ILLUSTRATION_CASES = {
    "one line": ("[Illustration: The mill by moonlight]", "Illustration: The mill by moonlight"),
    "several lines": (
        "[Illustration: The mill\nby moonlight\nin winter]",
        "Illustration: The mill by moonlight in winter",
    ),
    "caption on the next line": ("[Illustration:\nThe mill]", "Illustration: The mill"),
    "lower case": ("[illustration: the mill]", "Illustration: the mill"),
}


@pytest.mark.parametrize(
    ("printed", "caption"), ILLUSTRATION_CASES.values(), ids=ILLUSTRATION_CASES.keys()
)
def test_illustration_is_a_caption(printed: str, caption: str) -> None:
    text = f"It was night.\n\n{printed}\n\nIt was day.\n"
    assert blocks(text) == [
        ("paragraph", "It was night."),
        ("caption", caption),
        ("paragraph", "It was day."),
    ]


@pytest.mark.parametrize("printed", ["[Illustration]", "[Illustrations]", "[Illustration: ]"])
def test_bare_illustration_is_removed(printed: str) -> None:
    text = f"It was night.\n\n{printed}\n\nIt was day.\n"
    assert blocks(text) == [("paragraph", "It was night."), ("paragraph", "It was day.")]
    assert removed(text) == [("illustration", 3, printed)]


def test_an_illustration_inside_a_paragraph_does_not_join_it() -> None:
    text = "It was night.\n[Illustration: The mill]\nIt was day.\n"
    assert [b.style for b in clean(text).blocks] == ["paragraph", "caption", "paragraph"]


# ---------------------------------------------------------------- footnotes

FOOTNOTE_REF_CASES = {
    "a number after a word": ("The ship[6] sailed.", "The ship sailed.", "[6]"),
    "a number after a space": ("The ship sailed. [12] Then it rained.", "The ship sailed. Then it rained.", "[12]"),
    "after a colon": ("Sun Tzu said: [1] war is grave.", "Sun Tzu said: war is grave.", "[1]"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "spoken", "marker"), FOOTNOTE_REF_CASES.values(), ids=FOOTNOTE_REF_CASES.keys()
)
def test_footnote_ref_is_removed(line: str, spoken: str, marker: str) -> None:
    assert blocks(line) == [("paragraph", spoken)]
    assert removed(line) == [("footnote-ref", 1, marker)]


SYMBOL_REF_CASES = {
    "a star after a stop": ("The ship sailed.[*] Then it rained.", "[*] A brig.", "The ship sailed. Then it rained.", "[*]"),
    "a letter": ("The ship[A] sailed.", "[A] A brig.", "The ship sailed.", "[A]"),
    "a dagger": ("The ship[†] sailed.", "[Footnote †: A brig.]", "The ship sailed.", "[†]"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "body", "spoken", "marker"), SYMBOL_REF_CASES.values(), ids=SYMBOL_REF_CASES.keys()
)
def test_a_symbol_or_letter_is_a_footnote_ref_where_a_footnote_has_it(
    line: str, body: str, spoken: str, marker: str
) -> None:
    text = f"{line}\n\n{body}\n"
    assert [(b.text, b.notes) for b in clean(text).blocks] == [(spoken, ["A brig."])]
    assert removed(text)[0] == ("footnote-ref", 1, marker)
    assert blocks(line) == [("paragraph", line)]  # no such footnote: not a marker
    assert removed(line) == []


@pytest.mark.parametrize("line", ["The list [a, b] stays.", "He said [sic] so.", "[Enter Ann.]"])
def test_brackets_that_are_not_footnote_refs_stay(line: str) -> None:
    assert blocks(line) == [("paragraph", line)]
    assert removed(line) == []


FOOTNOTE_BODY_CASES = {
    "numbered": (
        "[6] A brig of two masts.",
        [("footnote-ref", 3, "[6]"), ("footnote", 3, "A brig of two masts.")],
    ),
    "lettered": (
        "[A] A brig of two masts.",
        [("footnote-ref", 3, "[A]"), ("footnote", 3, "A brig of two masts.")],
    ),
    "bracketed over two lines": (
        "[Footnote 6: A brig of\ntwo masts.]",
        [("footnote-ref", 3, "[Footnote 6:"), ("footnote", 3, "A brig of"), ("footnote", 4, "two masts.")],
    ),
    "bracketed with a star": (
        "[Footnote *: A brig of two masts.]",
        [("footnote-ref", 3, "[Footnote *:"), ("footnote", 3, "A brig of two masts.")],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "gone"), FOOTNOTE_BODY_CASES.values(), ids=FOOTNOTE_BODY_CASES.keys()
)
def test_footnote_body_becomes_a_note_of_the_paragraph(body: str, gone: list) -> None:
    """The marker goes as a footnote-ref, the words are the note's (so none is lost)."""
    text = f"The ship[6] sailed at dawn.\n\n{body}\n\nThen it rained.\n"
    result = clean(text)
    assert [(b.style, b.text, b.notes) for b in result.blocks] == [
        ("paragraph", "The ship sailed at dawn.", ["A brig of two masts."]),
        ("paragraph", "Then it rained.", []),
    ]
    assert removed(text) == [("footnote-ref", 1, "[6]"), *gone]


def test_footnote_is_read_as_a_note_after_its_paragraph() -> None:
    script = text_to_script(read_fixture("etext.txt"))
    said = rows(script)
    i = said.index(("Narrator", "note", "He also mended, on Sundays, the church organ."))
    assert said[i - 1][2].startswith("Her father mended watches for the whole town, and he said")


# ---------------------------------------------------------------- etext-headings

P = "The mill stood by the water.\n\n"
HEADING_CASES = {
    "CHAPTER I. over its title": (
        f"\n\nCHAPTER I.\n\nThe Mill\n\n{P}",
        [("numeral", "I", "CHAPTER"), ("heading", "The Mill", "")],
    ),
    "CHAPTER I. over a title in capitals": (
        f"\n\nCHAPTER I.\n\nTHE MILL.\n\n{P}",
        [("numeral", "I", "CHAPTER"), ("heading", "THE MILL", "")],
    ),
    "Chapter 1": (f"\n\nChapter 1\n\n{P}", [("numeral", "1", "Chapter")]),
    "I. alone": (f"\n\nI.\n\n{P}\n\nII.\n\n{P}", [("numeral", "I", ""), ("numeral", "II", "")]),
    "I. The Period": (
        f"\n\nI. The Period\n\n{P}",
        [("numeral", "I", ""), ("heading", "The Period", "")],
    ),
    "Book the First--Recalled to Life": (
        f"\n\nBook the First--Recalled to Life\n\n\nI. The Period\n\n{P}",
        [
            ("heading", "BOOK I", ""),
            ("heading", "Recalled to Life", ""),
            ("numeral", "I", ""),
            ("heading", "The Period", ""),
        ],
    ),
    "BOOK ONE": (f"\n\nBOOK ONE\n\n{P}", [("heading", "BOOK I", "")]),
    "Erstes Kapitel": (
        f"\n\nErstes Kapitel\n\n{P}\n\nZweites Kapitel\n\n{P}",
        [("numeral", "1", "Kapitel"), ("numeral", "2", "Kapitel")],
    ),
    "CHAPITRE II": (f"\n\nCHAPITRE II\n\n{P}", [("numeral", "II", "CHAPITRE")]),
    "PREFACE": (f"\n\nPREFACE\n\n{P}", [("heading", "PREFACE", "")]),
    "a capital line after a wide gap": (f"\n\n\n\nTHE MILL\n\n{P}", [("heading", "THE MILL", "")]),
}


@pytest.mark.parametrize(("text", "headings"), HEADING_CASES.values(), ids=HEADING_CASES.keys())
def test_etext_headings(text: str, headings: list[tuple[str, str, str]]) -> None:
    found = [(b.style, b.text, b.label) for b in clean(text).blocks if b.style != "paragraph"]
    assert found == headings


def test_numerals_under_chapter_labels_are_sections() -> None:
    text = f"\n\nCHAPTER I.\n\n{P}I.\n\n{P}II.\n\n{P}"
    assert [(b.style, b.text) for b in clean(text).blocks if b.style != "paragraph"] == [
        ("numeral", "I"),
        ("section", "I"),
        ("section", "II"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "I went to the mill.",  # a sentence, not a numbered chapter
        "IV. it was late, and the wheel had stopped; nobody came,",
        "THE MILL IS SOLD, SAID SHE,",  # capitals for emphasis, ending in a comma
    ],
)
def test_lines_that_are_not_etext_headings(line: str) -> None:
    text = f"{P}{line}\n\n{P}"
    assert [b.style for b in clean(text).blocks] == ["paragraph"] * 3


CHAPTER_CASES = {
    "CHAPTER I. and its title": (
        f"\n\nCHAPTER I.\n\nThe Mill\n\n{P}\n\nCHAPTER II.\n\nTHE RIVER.\n\n{P}",
        [("I", "The Mill", "Chapter One. The Mill."), ("II", "THE RIVER", "Chapter Two. The River.")],
    ),
    "numerals alone": (
        f"\n\nI.\n\n{P}\n\nII.\n\n{P}",
        [("I", "CHAPTER I", "Chapter One."), ("II", "CHAPTER II", "Chapter Two.")],
    ),
    "a book and its chapters": (
        f"\n\nBook the First--Recalled to Life\n\n\nI. The Period\n\n{P}\n\nII. The Mail\n\n{P}",
        [
            ("I", "The Period", "Book One. Recalled to Life."),
            ("II", "The Mail", "Chapter Two. The Mail."),
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize(("text", "chapters"), CHAPTER_CASES.values(), ids=CHAPTER_CASES.keys())
def test_etext_chapters(text: str, chapters: list[tuple[str, str, str]]) -> None:
    script = text_to_script(text, layout="etext")
    assert [(c.number, c.title, c.segments[0].text) for c in script.chapters] == chapters


def test_a_letters_signature_is_never_a_chapter() -> None:
    text = (
        f"\n\nCHAPTER I.\n\n{P}My dear sister,\n\nThe mill is sold.\n\nYours ever,\n\n"
        f"JANE ROE.\n\n\n\nCHAPTER II.\n\n{P}"
    )
    script = text_to_script(text, layout="etext")
    assert [c.number for c in script.chapters] == ["I", "II"]
    assert ("Narrator", "narration", "JANE ROE.") in rows(script)


def test_a_title_with_an_apostrophe_is_spoken_in_title_case() -> None:
    script = text_to_script(read_fixture("etext.txt"))
    assert script.chapters[0].segments[0].text == "The Clockmaker's Daughter."


def test_italics_are_never_spoken_as_underscores() -> None:
    script = text_to_script(read_fixture("etext.txt"))
    said = " ".join(text for _, _, text in rows(script))
    assert "Ada liked them best that way" in said
    assert "_" not in said


def test_stories_labelled_adventure_and_numbered_titles_after_a_wide_gap_are_chapters() -> None:
    """Issue 9 (adversarial run): ADVENTURE I. was not a chapter but its parts I., II. were;
    "VII. THE ADVENTURE OF …" set off by four blank lines was a section."""
    from audiobook.pipeline import text_to_script

    story = "It was a dark evening, and the fog lay thick upon the river.\n\n"
    text = (
        "ADVENTURE I. THE LAMP\n\nI.\n\n"
        + story
        + "II.\n\n"
        + story
        + "\n\n\n\nADVENTURE II. THE KEY\n\nI.\n\n"
        + story
        + "\n\n\n\nIII. THE ADVENTURE OF THE DOOR\n\n"
        + story
    )
    script = text_to_script(text, layout="etext")
    assert [(c.number, c.title) for c in script.chapters] == [
        ("I", "THE LAMP"),
        ("II", "THE KEY"),
        ("III", "THE ADVENTURE OF THE DOOR"),
    ]
    sections = [s.text for s in script.chapters[0].segments if s.kind == "heading"]
    assert sections == ["Adventure One. The Lamp.", "One.", "Two."]
