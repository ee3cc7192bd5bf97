"""Chapters: structure from the body, numbers inferred, memoir pinned by a golden file."""

from __future__ import annotations

import json

from audiobook.chapters import find_chapters, toc_case_hints, toc_says_chapter
from audiobook.cleaning import clean_text
from audiobook.model import SegmentKind
from audiobook.script_io import chapter_to_dict
from tests.conftest import GOLDEN

SMALL_BOOK = """FOREWORD

A short foreword, long enough to read.

PART ONE

THE FIRST PART

Book I

THE FIRST BOOK

I

THE FIRST CHAPTER

Text of the first chapter.

T

THE SECOND CHAPTER

Text of the second chapter, whose number OCR garbled.

A SUB-SECTION

Text of the sub-section, which a running header never repeats.

THE THIRD CHAPTER

Text of the third chapter, whose number line is missing.

THE THIRD CHAPTER

and the header above repeats it, so it is a chapter.

PART TWO

THE SECOND PART

FROM THE START

Text of the first chapter of part two, numbered by inference.
"""


def chapter_rows(raw: str, layout: str = "ocr") -> list[tuple]:
    return [
        (c.chapter.number, c.chapter.title, [d.label for d in c.chapter.divisions])
        for c in find_chapters(clean_text(raw, layout=layout))
    ]


def test_structure_numbers_and_paths_of_a_small_book() -> None:
    assert chapter_rows(SMALL_BOOK) == [
        (None, "FOREWORD", []),
        ("I", "THE FIRST CHAPTER", ["PART ONE", "BOOK I"]),
        ("II", "THE SECOND CHAPTER", ["PART ONE", "BOOK I"]),
        ("III", "THE THIRD CHAPTER", ["PART ONE", "BOOK I"]),
        (None, "FROM THE START", ["PART TWO"]),  # no numerals in this part
    ]


def test_headings_are_spoken_naturally_with_their_depth() -> None:
    chapters = find_chapters(clean_text(SMALL_BOOK, layout="ocr"))
    first = [(b.level, b.text) for b in chapters[1].blocks if b.style == "heading"]
    assert first == [
        (1, "Part One. The First Part."),
        (2, "Book One. The First Book."),
        (3, "Chapter One. The First Chapter."),
    ]
    second = [(b.level, b.text) for b in chapters[2].blocks if b.style == "heading"]
    assert second == [(3, "Chapter Two. The Second Chapter."), (4, "A Sub-Section.")]


def test_table_of_contents_case_tells_chapters_from_sub_sections() -> None:
    hints = toc_case_hints(
        ["CONTENTS", "Ш\tPROVINCIAL SOVIET LIFE\t", "\tThe Final Days\t", "IV\tROOM NO. 14"]
    )
    assert toc_says_chapter("PROVINCIAL SOVIET LIFE", hints) is True
    assert toc_says_chapter("THE FINAL DAYS", hints) is False
    assert toc_says_chapter("SOMETHING ELSE ENTIRELY", hints) is None


def test_markdown_headings_never_skip_a_level() -> None:
    chapters = find_chapters(
        clean_text("# Title\n\n#### Deep first\n\nText.\n\n## Top\n\n#### Deep\n\nMore.\n")
    )
    levels = [(b.level, b.text) for b in chapters[0].blocks if b.style == "heading"]
    assert levels == [(1, "Title"), (2, "Deep first"), (2, "Top"), (3, "Deep")]


def test_plain_text_without_headings_is_one_chapter() -> None:
    chapters = find_chapters(clean_text("Just a paragraph.\n\nAnd another.\n"), "My Notes")
    assert [(c.chapter.title, len(c.blocks)) for c in chapters] == [("My Notes", 2)]


def test_memoir_chapters_match_the_golden_file(memoir_script) -> None:
    golden = json.loads((GOLDEN / "memoir_chapters.json").read_text())
    pinned = ("index", "number", "title", "path", "path_titles")  # as the JSON script has them
    found = [
        {key: chapter_to_dict(c)[key] for key in pinned}
        | {"headings": [s.text for s in c.segments if s.kind == SegmentKind.HEADING]}
        for c in memoir_script.chapters
    ]
    assert len(found) == 37
    for got, want in zip(found, golden["chapters"], strict=True):
        assert got == want
    assert memoir_script.author == golden["author"]


def test_memoir_noise_is_never_spoken(memoir_script) -> None:
    import re

    texts = [
        s.text for c in memoir_script.chapters for s in c.segments if s.kind != SegmentKind.HEADING
    ]
    joined = "\n".join(texts)
    assert not re.search(r"[*#^{}\\]", joined)
    assert "Page ix" not in joined
    assert "CONTENTS" not in joined
    assert "R.E. 305" not in joined
    assert not any(re.fullmatch(r"[\dtlI ]+", t) for t in texts)
    for header in ("THE OUTCASTS", "IRKUTSK IDYLL", "SIBERIA: LAND OF EXILE", "THE TURMOIL OF"):
        assert header not in joined, header
    assert joined.count("The butter, milk and bread shortage which had occurred") == 1
    assert "oppression" in joined
    assert "oppres-" not in joined
    assert "Verkhne-Uralsk" in joined
    assert "agreeing to to" not in joined


def test_memoir_tail_repeats_are_read_once(memoir_script) -> None:
    """Issue 9: a paragraph's last line printed again below it was read twice in five places."""
    spoken = " ".join(s.text for c in memoir_script.chapters for s in c.segments)
    for tail in (
        "were sold only to members of collective farms.",
        "over the sweets reserved for the people of the Kremlin.",
        "to alleviate the sufferings of my comrades in misfortune.",
        "linking up with Mensheviks to defend the prisoners' rights.",
        "begging him to allow me to return home!",
        "on the market and then only at a very high price.",
        "the plans for sowing and the work of the kolkhoz in general.",
    ):
        assert spoken.count(tail) == 1, tail


def test_memoir_print_pages_are_kept(memoir_script) -> None:
    pages = [s.page for c in memoir_script.chapters for s in c.segments if s.page]
    assert pages[:3] == ["28", "48", "62"]
    assert "185" in pages
    assert "188" in pages
    assert "306" in pages
    assert pages[-1] == "316"
    assert len(pages) == 22  # 21 printed numbers, and 306 after the signature mark on 305


def test_memoir_footnotes_are_notes_after_their_paragraph(memoir_script) -> None:
    notes = [
        (c.index, s.text) for c in memoir_script.chapters for s in c.segments if s.kind == "note"
    ]
    assert len(notes) == 15
    assert notes[0][1].startswith("The jacobin anarchist Nechayev")


PLAIN_NOVEL = """MY LITTLE BOOK

CHAPTER I

It was a dark night.

CHAPTER II

Morning came.

CHAPTER III. THE END

All was well.
"""


def test_chapter_keyword_lines_number_chapters_and_are_never_headers() -> None:
    """Issue 6 noticed: "CHAPTER II" was taken for a running header of "CHAPTER I"."""
    from audiobook.pipeline import text_to_script

    script = text_to_script(PLAIN_NOVEL)
    assert [(c.number, c.title) for c in script.chapters] == [
        ("I", "CHAPTER I"),
        ("II", "CHAPTER II"),
        ("III", "THE END"),
    ]
    assert [(s.level, s.text) for s in script.chapters[0].segments if s.kind == "heading"] == [
        (1, "My Little Book."),
        (1, "Chapter One."),
    ]
    assert script.chapters[2].segments[0].text == "Chapter Three. The End."


def test_a_lost_first_numeral_is_counted_back_from_the_next() -> None:
    raw = "FIRST TITLE\n\nText one.\n\nII\n\nSECOND TITLE\n\nText two.\n"
    assert [c.chapter.number for c in find_chapters(clean_text(raw, layout="ocr"))] == ["I", "II"]


def test_chapter_labels_in_words_digits_and_title_case() -> None:
    """Review findings: "Chapter One", "CHAPTER 5", a title line under a label, and a
    sentence that merely starts with "Chapter 3" (which stays a sentence)."""
    from audiobook.pipeline import text_to_script

    raw = (
        "Chapter One\n\nIt began.\n\nChapter Two\n\nThe Beginning\n\nIt went on.\n\n"
        "Chapter 3 of the report says the river must be dredged every year.\n\n"
        "CHAPTER 5\n\nFive.\n\nCHAPTER 6. THE END\n\nSix.\n"
    )
    script = text_to_script(raw)
    assert [(c.number, c.title) for c in script.chapters] == [
        ("I", "Chapter One"),
        ("II", "The Beginning"),
        ("V", "CHAPTER 5"),
        ("VI", "THE END"),
    ]
    assert script.chapters[1].segments[-1].text.startswith("Chapter 3 of the report")
    assert script.chapters[2].segments[0].text == "Chapter Five."


def test_hard_wrapped_paragraphs_are_not_split_at_sentence_ends() -> None:
    """Review finding: a Gutenberg-style paragraph was split at every line ending a sentence."""
    paragraphs = [
        [
            f"Line {n} of paragraph {p} is wrapped at a fixed width, as old e-texts are."
            for n in range(4)
        ]
        for p in range(4)
    ]
    raw = "\n\n".join("\n".join(lines) for lines in paragraphs) + "\n"
    clean = clean_text(raw)
    assert [b.text for b in clean.blocks] == [" ".join(lines) for lines in paragraphs]


def test_markdown_without_a_title_line() -> None:
    """Review finding: "##" headings alone did not make a text Markdown."""
    raw = "Some opening words.\n\n## First part\n\nText. **Smith** said so.\n\n## Second part\n\nMore.\n"
    from audiobook.pipeline import text_to_script

    script = text_to_script(raw)
    assert script.speakers == ("Narrator",)  # a bold name used once is emphasis, not a label
    headings = [s.text for s in script.chapters[0].segments if s.kind == "heading"]
    assert headings == ["First part", "Second part"]


LETTER = """I

THE LETTER

It came on a Tuesday, and it said this:

Dear brother, the harvest is in and the barns are full. We miss you every day.

Your affectionate brother,

JOHN SMITH

II

THE REPLY

He wrote back at once.
"""


def test_a_letters_signature_is_never_a_chapter() -> None:
    """Issue 9: "a letter's signature became a chapter"."""
    from audiobook.pipeline import text_to_script

    for layout in ("ocr", "etext"):
        script = text_to_script(LETTER, layout=layout)
        assert [c.title for c in script.chapters] == ["THE LETTER", "THE REPLY"], layout
        spoken = [s.text for s in script.chapters[0].segments]
        assert "JOHN SMITH" in spoken, layout


def test_e_text_chapter_forms() -> None:
    """Issue 9: CHAPTER I., Chapter 1, a numeral alone, BOOK ONE; a contents list is skipped."""
    from audiobook.pipeline import text_to_script

    raw = (
        "CONTENTS\n\n  BOOK ONE\n  I. The Start\n  II. The End\n\n\n\n"
        "BOOK ONE\n\n\n\nI. The Start\n\n"
        "It began on a grey morning with rain coming in from the sea.\n\n\n\n"
        "II. The End\n\nIt ended on a bright evening with the wind gone quiet.\n"
    )
    script = text_to_script(raw, layout="etext")
    assert [(c.number, c.title, [d.label for d in c.divisions]) for c in script.chapters] == [
        ("I", "The Start", ["BOOK I"]),
        ("II", "The End", ["BOOK I"]),
    ]
    assert [r.rule for r in script.removed] == ["table-of-contents"] * 4
    heading = [s.text for s in script.chapters[0].segments if s.kind == "heading"]
    assert heading == ["Book One.", "Chapter One. The Start."]


def test_a_numeral_alone_in_another_language_keeps_its_number() -> None:
    """Issue 9: "CHAPTER I" was the title of a German chapter printed "I."."""
    from audiobook.pipeline import text_to_script

    raw = "I.\n\nAls er erwachte, war es Morgen.\n\nII.\n\nDann kam der Abend.\n"
    script = text_to_script(raw, layout="etext", language="de")
    assert [(c.number, c.title) for c in script.chapters] == [("I", "I"), ("II", "II")]
    assert script.chapters[1].segments[0].text == "2."
    english = text_to_script(raw.replace("Als er erwachte, war es Morgen.", "It was morning."))
    assert english.chapters[1].segments[0].text == "Chapter Two."


PLAY = """THE TRIAL OF THE TEAPOT


Contents

 ACT I
 Scene I. A kitchen.
 ACT II
 Scene I. A garden.


Dramatis Personæ

MRS. KETTLE, a widow.
FIRST CUP, her lodger.
SECOND CUP, his friend.


ACT I

SCENE I. A kitchen.

 Enter Mrs. Kettle and First Cup.

MRS. KETTLE.
Who left the lid off?

FIRST CUP.
Not I, madam. [_Aside._] Not today.

MRS. KETTLE.
Then who?

 [_Exit First Cup._]

 Enter Second Cup.

SECOND CUP.
I did, and I would again.


ACT II

SCENE I. A garden.

FIRST CUP.
The lid is found.

MRS. KETTLE.
Then all is well.

 [_Exeunt._]
"""


def test_a_play_has_acts_as_chapters_and_scenes_as_sections() -> None:
    """Issue 9: acts were deleted as running headers and the contents became the acts."""
    from audiobook.pipeline import text_to_script

    script = text_to_script(PLAY, layout="play")
    assert [(c.number, c.title) for c in script.chapters] == [
        (None, "THE TRIAL OF THE TEAPOT"),
        ("I", "ACT I"),
        ("II", "ACT II"),
    ]
    act_one = [(s.speaker, s.kind, s.text) for s in script.chapters[1].segments]
    assert act_one == [
        ("Narrator", "heading", "Act One."),
        ("Narrator", "heading", "Scene One. A kitchen."),
        ("Narrator", "direction", "Enter Mrs. Kettle and First Cup."),
        ("MRS. KETTLE", "speech", "Who left the lid off?"),
        ("FIRST CUP", "speech", "Not I, madam."),
        ("Narrator", "direction", "Aside."),
        ("FIRST CUP", "speech", "Not today."),
        ("MRS. KETTLE", "speech", "Then who?"),
        ("Narrator", "direction", "Exit First Cup."),
        ("Narrator", "direction", "Enter Second Cup."),
        ("SECOND CUP", "speech", "I did, and I would again."),
    ]
    front = " ".join(s.text for s in script.chapters[0].segments)
    assert "widow" in front  # the persons are read
    assert "Scene I. A garden" not in front  # the contents are not


# ---------------------------------------------------------------- issue 10: silent chapters

PROSE = "The river ran on past the mill and the town,\nand nobody stopped it, nobody at all,\nnot even the miller."
# A printed book whose chapter II is only its heading and whose chapter IV, the last, too.
HEADINGS_ONLY = f"CHAPTER I\n\n{PROSE}\n\nCHAPTER II\n\nCHAPTER III\n\n{PROSE}\n\nCHAPTER IV\n"
# Chapter II is only a footnote (an OCR'd "* …" line).
NOTE_ONLY = f"CHAPTER I\n\n{PROSE}*\n\n* A note on chapter one.\n\nCHAPTER II\n\n* All there is.\n"


def outline(text: str, layout: str) -> list[tuple[str, list[tuple[str, str]]]]:
    from audiobook.pipeline import text_to_script

    script = text_to_script(text, layout=layout)
    return [(c.title, [(s.kind, s.text[:20]) for s in c.segments]) for c in script.chapters]


def test_a_chapter_that_is_only_its_heading_is_kept_and_its_heading_read() -> None:
    """Issue 10: "CHAPTER II" straight after "CHAPTER III", or last in the book, vanished."""
    assert outline(HEADINGS_ONLY, "ocr") == [
        ("CHAPTER I", [("heading", "Chapter One."), ("narration", "The river ran on pas")]),
        ("CHAPTER II", [("heading", "Chapter Two.")]),
        ("CHAPTER III", [("heading", "Chapter Three."), ("narration", "The river ran on pas")]),
        ("CHAPTER IV", [("heading", "Chapter Four.")]),
    ]


def test_a_chapter_that_is_only_a_footnote_reads_it() -> None:
    """Issue 10: the note of a chapter with no paragraph went to the chapter before."""
    assert outline(NOTE_ONLY, "ocr") == [
        (
            "CHAPTER I",
            [
                ("heading", "Chapter One."),
                ("narration", "The river ran on pas"),
                ("note", "A note on chapter on"),
            ],
        ),
        ("CHAPTER II", [("heading", "Chapter Two."), ("note", "All there is.")]),
    ]


def test_a_chapter_left_with_nothing_to_say_is_a_warning(tmp_path) -> None:
    """A chapter whose heading is only markup has nothing to read: left out, and said so."""
    from tests.conftest import run_cli

    path = tmp_path / "marks.md"
    path.write_text("# One\n\nText one.\n\n# **\n\n# Three\n\nText three.\n")
    result = run_cli("inspect", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == (
        f"WARNING audiobook.pipeline: {path}: 1 chapter has nothing to read aloud "
        "and is left out: '**' (line 5)"
    )


LETTERS = """THE HARBOUR LETTERS



I


ANNA MOREL TO HER SISTER


My dear Ruth,--the boats came in late tonight, and the whole quay
smelled of tar and rain. I shall write again when the wind drops.

Your loving sister,

D. MOREL.



II


RUTH MOREL TO ANNA


Dearest,--your letter came on Tuesday. Mother sends her love.

M. MOREL.



III


ANNA MOREL TO RUTH


The wind has dropped at last, and the nets are mended.

L. MOREL.
"""


def test_an_initial_signing_a_letter_is_no_chapter() -> None:
    """Issue 10 (Lady Susan): "D. MOREL." between Letters I and II, and "L. MOREL." after
    the last, are signatures read where they stand, not Chapters 500 and 50."""
    from audiobook.pipeline import text_to_script

    script = text_to_script(LETTERS)
    assert [c.number for c in script.chapters] == ["I", "II", "III"]
    spoken = [s.text for c in script.chapters for s in c.segments]
    for signature in ("D. MOREL", "M. MOREL", "L. MOREL"):
        assert any(text.startswith(signature) for text in spoken), signature
