"""Play rules (issue 9), each pinned with small inputs and their exact outputs: acts are
chapters, scenes are sections, lists in the front matter are neither, stage directions are
the narrator's and never glued to a heading or a speech, a cue alone on its line keeps its
speech."""

from __future__ import annotations

import re

import pytest

from audiobook.cleaning import clean_text
from audiobook.pipeline import text_to_script
from tests.layout_fixtures import read_fixture, rows

SPEECH = "POLLY. Red sells.\n"


def blocks(text: str) -> list[tuple[str, str, str]]:
    return [(b.style, b.text, b.label) for b in clean_text(text, layout="play").blocks]


# ---------------------------------------------------------------- play-headings

HEADING_CASES = {
    "ACT I": ("ACT I", [("numeral", "I", "ACT")]),
    "Act Three": ("Act Three", [("numeral", "3", "Act")]),
    "THE FIRST ACT": ("THE FIRST ACT", [("numeral", "1", "ACT")]),
    "SECOND ACT.": ("SECOND ACT.", [("numeral", "2", "ACT")]),
    "ACT IV. The Forest": ("ACT IV. The Forest", [("numeral", "IV", "ACT"), ("heading", "The Forest", "")]),
    "ACT IV.—The Forest": ("ACT IV.—The Forest", [("numeral", "IV", "ACT"), ("heading", "The Forest", "")]),
    "ACT II. SCENE 1. A room.": (
        "ACT II. SCENE 1. A room.",
        [("numeral", "II", "ACT"), ("section", "SCENE 1. A room.", "")],
    ),
    "SCENE II. A garden.": ("SCENE II. A garden.", [("section", "SCENE II. A garden.", "")]),
    "SCENE: Verona.": ("SCENE: Verona.", [("section", "SCENE: Verona.", "")]),
    "SCENE the Second": ("SCENE the Second", [("section", "SCENE the Second", "")]),
    "PROLOGUE": ("PROLOGUE", [("heading", "PROLOGUE", "")]),
    "THE EPILOGUE.": ("THE EPILOGUE.", [("heading", "THE EPILOGUE.", "")]),
}  # fmt: skip


@pytest.mark.parametrize(("line", "headings"), HEADING_CASES.values(), ids=HEADING_CASES.keys())
def test_play_headings(line: str, headings: list[tuple[str, str, str]]) -> None:
    assert blocks(f"{line}\n\n{SPEECH}") == [*headings, ("paragraph", SPEECH.strip(), "")]


@pytest.mark.parametrize(
    "text",
    [
        "Some words.\nACT I\nMore words.\n",  # inside a paragraph
        "Scene of the crime.\n\nSome words.\n",
        "Acting was her life.\n\nSome words.\n",
    ],
)
def test_lines_that_are_not_play_headings(text: str) -> None:
    assert {style for style, _, _ in blocks(text)} == {"paragraph"}


def test_the_title_before_the_first_act_is_a_heading() -> None:
    text = f"THE LANTERN FAIR\n\n\nACT I\n\n{SPEECH}"
    assert blocks(text)[0] == ("heading", "THE LANTERN FAIR", "")


def test_acts_are_chapters_and_scenes_sections() -> None:
    script = text_to_script(read_fixture("play.txt"))
    chapters = script.chapters
    assert [(c.number, c.title) for c in chapters] == [
        (None, "THE LANTERN FAIR"),
        ("I", "ACT I"),
        ("II", "ACT II"),
    ]
    headings = [
        [(s.text, s.level) for s in c.segments if s.kind == "heading"] for c in chapters[1:]
    ]
    assert headings == [
        [("Act One.", 1), ("Scene One. A market square.", 2), ("Scene Two. The same, at dusk.", 2)],
        [("Act Two.", 1), ("Scene One. The square at night.", 2)],
    ]


FRONT_MATTER = "DRAMATIS PERSONAE\n\nPOLLY, a maid.\nFRIAR LAWRENCE, a friar.\n\n\n"
BODY = (
    "ACT I\n\nSCENE I. A square.\n\nPOLLY. Red sells.\n\nFRIAR LAWRENCE. So I hear.\n\n\n"
    "ACT II\n\nSCENE I. Night.\n\nPOLLY. Nothing sold.\n\nFRIAR LAWRENCE. Light them all.\n"
)
ACT_LIST = "ACT I. The Square\n\nACT II. The Square at Night\n\n\n"


def test_a_list_of_acts_in_the_front_matter_is_not_chapters() -> None:
    script = text_to_script(f"THE LANTERN FAIR\n\n\n{ACT_LIST}{FRONT_MATTER}{BODY}", layout="play")
    assert [(c.number, c.title) for c in script.chapters] == [
        (None, "THE LANTERN FAIR"),
        ("I", "ACT I"),
        ("II", "ACT II"),
    ]
    front = rows(script)[:3]
    assert front == [
        ("Narrator", "heading", "The Lantern Fair."),
        ("Narrator", "narration", "ACT I. The Square"),
        ("Narrator", "narration", "ACT II. The Square at Night"),
    ]


def test_a_list_of_acts_on_consecutive_lines_is_not_chapters() -> None:
    """Issue 9: the list is read, as front matter; only the real acts are chapters."""
    text = "ACT I. The Flat\nACT II. The Garden\n\n\n" + BODY
    script = text_to_script(text, layout="play")
    assert [c.number for c in script.chapters] == [None, "I", "II"]
    assert [seg.text for seg in script.chapters[0].segments] == [
        "ACT I. The Flat",
        "ACT II. The Garden",
    ]


def test_the_first_act_after_a_list_of_acts_is_still_a_chapter() -> None:
    """Issue 9: a list of acts just before ACT I took the real ACT I into its run."""
    text = "ACT I. The Flat\n\nACT II. The Garden\n\n\n" + BODY
    script = text_to_script(text, layout="play")
    assert [(c.number, c.segments[0].text) for c in script.chapters][-2:] == [
        ("I", "Act One."),
        ("II", "Act Two."),
    ]


# ---------------------------------------------------------------- stage-directions

DIRECTION_CASES = {
    "Enter": ("Enter ROMEO and POLLY.", "Enter ROMEO and POLLY.", "Enter ROMEO and POLLY."),
    "Re-enter": ("Re-enter POLLY.", "Re-enter POLLY.", "Re-enter POLLY."),
    "Exeunt": ("Exeunt.", "Exeunt.", "Exeunt."),
    "Music": ("Music plays softly.", "Music plays softly.", "Music plays softly."),
    "[_Exit._]": ("[_Exit._]", "[_Exit._]", "Exit."),
    "[_Aside._]": ("[_Aside._]", "[_Aside._]", "Aside."),
    "_Aside._": ("_Aside._", "_Aside._", "Aside."),
    "_Enter Polly._": ("_Enter Polly._", "_Enter Polly._", "Enter Polly."),
    "(Rising.)": ("(Rising.)", "(Rising.)", "Rising."),
    "bracketed over two lines": (
        "[Enter the BARON, in a\ngreat hurry.]",
        "[Enter the BARON, in a great hurry.]",
        "Enter the BARON, in a great hurry.",
    ),
}


@pytest.mark.parametrize(
    ("printed", "block", "said"), DIRECTION_CASES.values(), ids=DIRECTION_CASES.keys()
)
def test_stage_direction_on_its_own_line(printed: str, block: str, said: str) -> None:
    text = f"{printed}\n\n{SPEECH}"
    assert blocks(text) == [("direction", block, ""), ("paragraph", SPEECH.strip(), "")]
    script = text_to_script(text, layout="play")
    assert rows(script)[0] == ("Narrator", "direction", said)


def test_a_multi_line_direction_inside_a_speech() -> None:
    """The speech goes on after the direction, in the same voice."""
    text = (
        "ACT I\n\nPOLLY. Red sells.\n\nFRIAR LAWRENCE. So I hear.\n\n"
        "POLLY. Hello there, madam.\n[_Dropping on to the settee,\nexhausted._] There will be "
        "time.\n\nFRIAR LAWRENCE. So I hear.\n"
    )
    assert rows(text_to_script(text, layout="play"))[3:] == [
        ("POLLY", "speech", "Hello there, madam."),
        ("Narrator", "direction", "Dropping on to the settee, exhausted."),
        ("POLLY", "speech", "There will be time."),
        ("FRIAR LAWRENCE", "speech", "So I hear."),
    ]


@pytest.mark.parametrize("line", ["Entertaining was her joy.", "Exits are marked."])
def test_words_that_begin_like_directions_are_not_directions(line: str) -> None:
    assert blocks(f"{line}\n") == [("paragraph", line, "")]


def test_directions_are_never_glued_to_a_heading_or_a_speech() -> None:
    script = text_to_script(read_fixture("play.txt"))
    directions = [text for _, kind, text in rows(script) if kind == "direction"]
    assert directions == [
        "Enter LADY CAPULET and POLLY.",
        "Enter FRIAR LAWRENCE.",
        "Aside.",
        "Enter FIRST CITIZEN.",
        "Exit.",
        "Enter POLLY, alone.",
        "Enter LADY CAPULET and FRIAR LAWRENCE.",
        "She lights the lanterns.",
        "Enter POLLY and FIRST CITIZEN.",
        "Exeunt.",
    ]
    others = [text for _, kind, text in rows(script) if kind != "direction"]
    assert others  # not vacuous
    assert [text for text in others if re.search(r"Enter|Exit|Exeunt", text)] == []


# ---------------------------------------------------------------- inline-directions

INLINE_CASES = {
    "[_Aside._] in a speech": (
        "POLLY. Hello there [_Aside._] and goodbye.",
        [("POLLY", "speech", "Hello there"), ("Narrator", "direction", "Aside."),
         ("POLLY", "speech", "and goodbye.")],
    ),
    "a plain bracket in a speech": (
        "POLLY. Hello there [She bows.] and goodbye.",
        [("POLLY", "speech", "Hello there"), ("Narrator", "direction", "She bows."),
         ("POLLY", "speech", "and goodbye.")],
    ),
    "a bracket ending the speech": (
        "POLLY. Goodbye. [Exit.]",
        [("POLLY", "speech", "Goodbye."), ("Narrator", "direction", "Exit.")],
    ),
}  # fmt: skip


@pytest.mark.parametrize(("line", "said"), INLINE_CASES.values(), ids=INLINE_CASES.keys())
def test_a_bracket_inside_a_speech_is_a_direction(line: str, said: list) -> None:
    text = f"{line}\n\nPOLLY. One.\n\nPOLLY. Two.\n"
    assert rows(text_to_script(text, layout="play"))[: len(said)] == said


# ---------------------------------------------------------------- cue-lines

CUES = [("ROMEO", "Hello."), ("JULIET", "Hi."), ("LADY CAPULET", "Go in, both of you.")] * 4


def test_a_cue_alone_on_its_line_keeps_the_speech_below_it() -> None:
    text = "THE LANTERN FAIR\n\n" + "".join(f"{name}.\n\n{said}\n\n" for name, said in CUES)
    assert blocks(text)[1:] == [("paragraph", f"{name}. {said}", "") for name, said in CUES]
    assert rows(text_to_script(text, layout="play"))[1:] == [
        (name, "speech", said) for name, said in CUES
    ]


def test_the_first_cue_after_the_title_is_not_a_heading() -> None:
    """Issue 9: with no ACT heading, a cue after two blank lines was read as a title."""
    text = "THE LANTERN FAIR\n\n\n" + "".join(f"{name}.\n\n{said}\n\n" for name, said in CUES)
    assert rows(text_to_script(text, layout="play"))[1] == ("ROMEO", "speech", "Hello.")


LONG_LINE = (
    "I have said it before and I will say it again: the lanterns must be red, and lit before "
    "the bell rings at six o clock."
)


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["straight below", "after a blank line"])
def test_a_few_cues_alone_on_their_lines_in_a_play_of_long_lines(gap: str) -> None:
    text = (
        "ACT I\n\n"
        + f"POLLY. {LONG_LINE}\n\nFRIAR LAWRENCE. {LONG_LINE}\n\n" * 2
        + f"LADY CAPULET.{gap}I say no.\n"
    )
    assert rows(text_to_script(text, layout="play"))[-1] == ("LADY CAPULET", "speech", "I say no.")


def test_a_cue_straight_above_its_speech_is_one_paragraph_too() -> None:
    text = "THE LANTERN FAIR\n\n\n" + "".join(f"{name}.\n{said}\n\n" for name, said in CUES)
    assert blocks(text)[1:] == [("paragraph", f"{name}. {said}", "") for name, said in CUES]


def test_a_single_capital_line_is_not_taken_for_a_cue() -> None:
    """Under ten such lines, a capital word alone does not take the paragraph below it."""
    text = "The lanterns were red.\n\nROMEO.\n\nThe lanterns were blue.\n"
    assert blocks(text) == [
        ("paragraph", "The lanterns were red.", ""),
        ("paragraph", "ROMEO.", ""),
        ("paragraph", "The lanterns were blue.", ""),
    ]


# ---------------------------------------------------------------- persons


def test_the_fixtures_persons_are_remembered_and_every_speaker_found() -> None:
    script = text_to_script(read_fixture("play.txt"))
    clean = clean_text(read_fixture("play.txt"))
    assert clean.persons == ("LADY CAPULET", "FRIAR LAWRENCE", "FIRST CITIZEN", "POLLY")
    assert script.speakers == (
        "Narrator",
        "LADY CAPULET",
        "POLLY",
        "FRIAR LAWRENCE",
        "FIRST CITIZEN",
    )


def test_the_dramatis_personae_is_read_by_the_narrator() -> None:
    """Issue 9: 'FIRST CITIZEN.' in the list was a cue, and the next entry its speech."""
    text = (
        "DRAMATIS PERSONAE\n\nPOLLY, a maid.\nFIRST CITIZEN.\nFRIAR LAWRENCE, a friar.\n\n\n"
        "ACT I\n\nPOLLY. Red sells.\n\nFIRST CITIZEN. How much?\n\nFRIAR LAWRENCE. Too much.\n"
    )
    said = rows(text_to_script(text, layout="play"))
    front = said[: said.index(("Narrator", "heading", "Act One."))]
    assert {speaker for speaker, _, _ in front} == {"Narrator"}


def test_a_list_of_acts_whose_entries_run_over_two_lines_is_not_chapters() -> None:
    """Issue 9 (review, An Ideal Husband): "ACT I.  _The Octagon Room in …_" over two
    lines, in the list of scenes, became a chapter of its own."""
    text = (
        "ACT I.  _The Octagon Room in a House in Grosvenor\nSquare_.\n\n"
        "ACT II.  _Morning-room in the same House_.\n\n\n" + BODY
    )
    script = text_to_script(text, layout="play")
    assert [c.number for c in script.chapters] == [None, "I", "II"]
