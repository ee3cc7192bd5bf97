"""Speaker labels in every form issue 9 names: each turn to the right speaker, names never cut,
abbreviations expanded from the text's own list of persons, words that are not people never
speakers."""

from __future__ import annotations

import pytest

from audiobook.pipeline import text_to_script
from audiobook.speakers import question_answer_names
from tests.layout_fixtures import rows

SAID = [
    "Where were you on Monday?",
    "At the mill, all day.",
    "Why the mill?",
    "The wheel broke.",
    "Is it fixed now?",
    "Not yet.",
]


def dialogue(template: str, first: str, second: str, *, sep: str = "\n\n") -> str:
    """Six turns, alternating, each written as `template` says ({name} and {said})."""
    names = [first, second] * 3
    return (
        sep.join(template.format(name=n, said=s) for n, s in zip(names, SAID, strict=True)) + "\n"
    )


def turns(first: str, second: str) -> list[tuple[str, str, str]]:
    return [(n, "speech", s) for n, s in zip([first, second] * 3, SAID, strict=True)]


FORM_CASES = {
    "NAME:": ("{name}: {said}", "ANN", "BOB", "ANN", "BOB"),
    "Name:": ("{name}: {said}", "Ann", "Bob", "Ann", "Bob"),
    "Full Name:": ("{name}: {said}", "Jane Roe", "John Doe", "Jane Roe", "John Doe"),
    "**Name**": ("**{name}** {said}", "Ann", "Bob", "Ann", "Bob"),
    "**Name:**": ("**{name}:** {said}", "Adam Stacoviak", "Jerod Santo", "Adam Stacoviak", "Jerod Santo"),
    "**Name**:": ("**{name}**: {said}", "Ann", "Bob", "Ann", "Bob"),
    "NAME. on the speech line": ("{name}. {said}", "ANN", "BOB", "ANN", "BOB"),
    "NAME. straight above the speech": ("{name}.\n{said}", "ANN", "BOB", "ANN", "BOB"),
    "_Socr._": ("_{name}._ {said}", "Socr", "Cri", "Socr", "Cri"),
    "*Cri.*": ("*{name}.* {said}", "Socr", "Cri", "Socr", "Cri"),
    "_Name_:": ("_{name}_: {said}", "Ann", "Bob", "Ann", "Bob"),
    "Q: and A:": ("{name}: {said}", "Q", "A", "Interviewer", "Interviewee"),
    "Q. and A.": ("{name}. {said}", "Q", "A", "Interviewer", "Interviewee"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("template", "first", "second", "one", "two"), FORM_CASES.values(), ids=FORM_CASES.keys()
)
def test_label_form(template: str, first: str, second: str, one: str, two: str) -> None:
    script = text_to_script(dialogue(template, first, second))
    assert script.speakers == ("Narrator", one, two)
    assert rows(script) == turns(one, two)


def test_name_alone_on_its_line_above_the_speech_in_a_play() -> None:
    cues = [("LADY CAPULET", "Set the lanterns out."), ("FIRST CITIZEN", "How much?")] * 5
    text = "THE LANTERN FAIR\n\n" + "".join(f"{name}.\n\n{said}\n\n" for name, said in cues)
    script = text_to_script(text, layout="play")
    assert rows(script)[1:] == [(name, "speech", said) for name, said in cues]


# ---------------------------------------------------------------- Q and A


def qa(intro: str, *, numbered: bool = False) -> str:
    pairs = [(f"Where were you on day {n}?", f"At home on day {n}.") for n in range(1, 4)]
    body = "".join(
        (f"{2 * i + 1}. Q. {q}\n\nA. {a}\n\n" if numbered else f"Q: {q}\n\nA: {a}\n\n")
        for i, (q, a) in enumerate(pairs)
    )
    return f"{intro}\n\n{body}"


QA_INTRO_CASES = {
    "no introduction": ("It was recorded in May.", "Interviewer", "Interviewee"),
    "an interview with": ("This is an interview with Jane Roe, recorded in May.", "Interviewer", "Jane Roe"),
    "interviewed by": ("Jane Roe was interviewed by John Doe in May.", "John Doe", "Interviewee"),
    "questions asked by": ("Questions asked by John Doe.", "John Doe", "Interviewee"),
    "talks with": ("John Doe talks with Jane Roe about her garden.", "John Doe", "Jane Roe"),
    "interviews": ("John Doe interviews Jane Roe.", "John Doe", "Jane Roe"),
    "speaks to": ("John Doe speaks to Jane Roe.", "John Doe", "Jane Roe"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("intro", "asks", "answers"), QA_INTRO_CASES.values(), ids=QA_INTRO_CASES.keys()
)
def test_question_and_answer_names_from_the_introduction(
    intro: str, asks: str, answers: str
) -> None:
    assert question_answer_names([intro], 1) == {"Q": asks, "A": answers}
    script = text_to_script(qa(intro))
    said = rows(script)
    assert said[0] == ("Narrator", "narration", intro)
    assert [s for s, _, _ in said[1:]] == [asks, answers] * 3


def test_an_interview_with_someone_by_someone_names_both() -> None:
    """Issue 9: 'an interview with X by Y' named only the one who answers."""
    intro = "An interview with Jane Roe by John Doe."
    assert question_answer_names([intro], 1) == {"Q": "John Doe", "A": "Jane Roe"}


def test_numbered_questions_and_answers() -> None:
    """ "1. Q. …" / "A. …", as depositions and catechisms print them."""
    script = text_to_script(qa("This is an interview with Jane Roe.", numbered=True))
    assert rows(script)[1:3] == [
        ("Interviewer", "speech", "Where were you on day 1?"),
        ("Jane Roe", "speech", "At home on day 1."),
    ]


def test_only_the_introduction_before_the_first_question_names_them() -> None:
    text = qa("It was recorded in May.") + "Later, John Doe talks with Jane Roe again.\n"
    assert text_to_script(text).speakers == ("Narrator", "Interviewer", "Interviewee")


# ---------------------------------------------------------------- names never cut

NAME_CASES = {
    "LADY CAPULET, FIRST CITIZEN": ("{name}. {said}", "LADY CAPULET", "FIRST CITIZEN"),
    "FRIAR LAWRENCE, DUKE OF MILAN": ("{name}. {said}", "FRIAR LAWRENCE", "DUKE OF MILAN"),
    "MRS. UPJOHN, DR. BLAKE": ("{name}. {said}", "MRS. UPJOHN", "DR. BLAKE"),
    "bold full names": ("**{name}** {said}", "Jane Roe", "John Doe"),
    "colon full names": ("{name}: {said}", "Mary Ann Evans", "John Doe"),
}


@pytest.mark.parametrize(
    ("template", "first", "second"), NAME_CASES.values(), ids=NAME_CASES.keys()
)
def test_multi_word_names_are_never_cut(template: str, first: str, second: str) -> None:
    script = text_to_script(dialogue(template, first, second))
    assert script.speakers == ("Narrator", first, second)
    assert rows(script) == turns(first, second)


def test_the_play_fixtures_names_are_whole() -> None:
    from tests.layout_fixtures import read_fixture

    speakers = text_to_script(read_fixture("play.txt")).speakers
    assert {"LADY CAPULET", "FIRST CITIZEN", "FRIAR LAWRENCE"} <= set(speakers)
    assert not {"LADY", "FIRST", "FRIAR", "CAPULET", "CITIZEN"} & set(speakers)


# ---------------------------------------------------------------- section numbers, abbreviations

PERSONS = "PERSONS OF THE DIALOGUE: Socrates, Crito.\n\nSCENE: The prison.\n\n"


@pytest.mark.parametrize("label", ["_{name}._", "*{name}.*"])
def test_a_section_number_before_a_label(label: str) -> None:
    text = "".join(
        f"{n}. {label.format(name=name)} {said}\n\n"
        for n, (name, said) in enumerate(zip(["Socr", "Cri"] * 3, SAID, strict=True), start=1)
    )
    script = text_to_script(text)
    assert rows(script) == turns("Socr", "Cri")


@pytest.mark.parametrize(
    "template", ["_{name}_ {said}", "*{name}* {said}", "{name} {said}"], ids=["_", "*", "plain"]
)
def test_abbreviations_expanded_from_the_persons_of_the_dialogue(template: str) -> None:
    text = PERSONS + "".join(
        template.format(name=name, said=said) + "\n\n"
        for name, said in zip(["Socr.", "Cri."] * 6, SAID * 2, strict=True)
    )
    script = text_to_script(text)
    assert script.speakers == ("Narrator", "Socrates", "Crito")
    assert rows(script)[2:8] == turns("Socrates", "Crito")


def test_abbreviations_expanded_from_a_dramatis_personae() -> None:
    persons = (
        "DRAMATIS PERSONAE\n\nROMEO, a young man.\nLADY CAPULET, his aunt.\n"
        "FRIAR LAWRENCE, a friar.\n\n\nACT I\n\n"
    )
    said = [("Rom.", "Good morning."), ("La. Cap.", "Is it morning?"), ("Fri.", "It is, madam.")]
    script = text_to_script(persons + "".join(f"{a} {b}\n\n" for a, b in said * 4))
    assert script.speakers == ("Narrator", "Romeo", "Lady Capulet", "Friar Lawrence")
    assert [row for row in rows(script) if row[1] == "speech"][:3] == [
        ("Romeo", "speech", "Good morning."),
        ("Lady Capulet", "speech", "Is it morning?"),
        ("Friar Lawrence", "speech", "It is, madam."),
    ]


def test_an_abbreviation_expanded_from_the_full_label_elsewhere() -> None:
    text = dialogue("{name}. {said}", "PHILONOUS", "HYLAS") + "PHIL. One more thing.\n"
    assert rows(text_to_script(text))[-1] == ("PHILONOUS", "speech", "One more thing.")


# ---------------------------------------------------------------- not people

NOT_PEOPLE_CASES = {
    "colon": ("{name}: {said}", "Ann", "Bob", ["Break", "Project", "The", "Act", "Scene", "Note"]),
    "bold": ("**{name}** {said}", "Ann", "Bob", ["Break", "Project", "The", "Act", "Scene"]),
    "caps": ("{name}. {said}", "ANN", "BOB", ["SCENE", "ACT", "THE END", "BREAK", "PROJECT GUTENBERG"]),
}  # fmt: skip


@pytest.mark.parametrize(
    ("template", "first", "second", "words"), NOT_PEOPLE_CASES.values(), ids=NOT_PEOPLE_CASES.keys()
)
def test_words_that_are_not_people_are_never_speakers(
    template: str, first: str, second: str, words: list[str]
) -> None:
    """Each word used twice as a label, among real turns: still nobody."""
    fake = "".join(template.format(name=w, said="Ten more minutes.") + "\n\n" for w in words * 2)
    script = text_to_script(dialogue(template, first, second) + "\n" + fake)
    assert script.speakers == ("Narrator", first, second)


def test_a_sentence_in_capitals_is_not_a_speaker() -> None:
    """Issue 9: labels that are no one (CHAPTER III.) counted toward the capitals form, so a
    sentence in capitals became a speaker, unspoken, and took the next paragraph."""
    text = (
        "The mill was old.\n\nCHAPTER III. The mill.\n\nCHAPTER IV. The river.\n\n"
        "GOD SAVE THE MILL.\n\nThe mill was new.\n"
    )
    script = text_to_script(text, layout="etext")
    assert script.speakers == ("Narrator",)
    assert ("Narrator", "narration", "GOD SAVE THE MILL.") in rows(script)


# ---------------------------------------------------------------- where turns start and end


@pytest.mark.parametrize(
    ("template", "first", "second"),
    [
        ("**{name}** {said}", "Ann", "Bob"),
        ("_{name}._ {said}", "Ann", "Bob"),
        ("{name}. {said}", "ANN", "BOB"),
    ],
    ids=["bold", "italic", "caps"],
)
def test_a_turn_may_start_in_the_middle_of_a_paragraph(
    template: str, first: str, second: str
) -> None:
    text = dialogue(template, first, second, sep=" ")  # all four turns in one paragraph
    text += "\n" + dialogue(template, first, second)
    assert rows(text_to_script(text))[:6] == turns(first, second)


def test_a_name_inside_a_sentence_is_not_a_turn() -> None:
    text = dialogue("**{name}** {said}", "Ann", "Bob") + "\n**Ann** I told Bob so. Bob agreed.\n"
    assert rows(text_to_script(text))[-1] == ("Ann", "speech", "I told Bob so. Bob agreed.")


@pytest.mark.parametrize(
    ("template", "first", "second"),
    [
        ("**{name}** {said}", "Ann", "Bob"),
        ("{name}: {said}", "Ann", "Bob"),
        ("{name}. {said}", "ANN", "BOB"),
    ],
    ids=["bold", "colon", "caps"],
)
def test_an_unlabelled_paragraph_continues_the_last_speaker(
    template: str, first: str, second: str
) -> None:
    text = dialogue(template, first, second) + "\nAnd the miller never came back.\n"
    assert rows(text_to_script(text))[-1] == (second, "speech", "And the miller never came back.")


def test_text_before_the_first_label_is_the_narrators() -> None:
    text = "The recording begins.\n\n" + dialogue("**{name}** {said}", "Ann", "Bob")
    assert rows(text_to_script(text))[0] == ("Narrator", "narration", "The recording begins.")


TIMESTAMP_TURN_CASES = {
    "bold label, then a stamp": "**{name}:** [00:01:0{n}] {said}",
    "bold label, then an escaped stamp": "**{name}:** \\[00:01:0{n}.15\\] {said}",
    "colon label, then a bare stamp": "{name}: 00:01:0{n} {said}",
    "a stamp, then the label": "[00:01:0{n}] **{name}:** {said}",
    "a stamp, then a colon label": "[00:01:0{n}] {name}: {said}",
}


@pytest.mark.parametrize("template", TIMESTAMP_TURN_CASES.values(), ids=TIMESTAMP_TURN_CASES.keys())
def test_a_turn_that_begins_with_a_timestamp_is_still_its_labels(template: str) -> None:
    names = ["Nell Harper", "Owen Pryce"] * 3
    said = SAID
    text = "\n\n".join(
        template.format(name=name, said=s, n=n)
        for n, (name, s) in enumerate(zip(names, said, strict=True))
    )
    script = text_to_script(text + "\n")
    assert script.layout == "transcript"
    assert rows(script) == [(name, "speech", s) for name, s in zip(names, said, strict=True)]


def test_cues_of_several_words_or_with_a_title_as_translations_print_them() -> None:
    """Issue 9 (adversarial run): "Mrs. Stockmann. …" and "Peter Stockmann. …" were lost."""
    from audiobook.pipeline import text_to_script

    turns = [
        ("Mrs. Lantern", "You are late again."),
        ("Peter Lantern", "Good evening, Kate."),
        ("Mrs. Lantern", "Sit down."),
        ("Dr. Lantern (cheerfully)", "Here I am!"),
        ("Peter Lantern", "So I see."),
    ] * 3
    text = "ACT I\n\n" + "".join(f"{name}. {said}\n\n" for name, said in turns)
    script = text_to_script(text, layout="play")
    said = [(s.speaker, s.kind, s.text) for s in script.chapters[-1].segments[1:5]]
    assert said == [
        ("Mrs. Lantern", "speech", "You are late again."),
        ("Peter Lantern", "speech", "Good evening, Kate."),
        ("Mrs. Lantern", "speech", "Sit down."),
        ("Narrator", "direction", "cheerfully"),
    ]


def test_an_entrys_heading_in_italics_is_not_a_speaker() -> None:
    """Issue 9 (adversarial run): a journal novel's "_Dr. Seward's Diary._" became a voice."""
    from audiobook.pipeline import text_to_script

    entries = "".join(
        f"_{who}'s Diary._ The {day} day passed quietly, and nothing was seen at the window.\n\n"
        for who in ("Dr. Hale", "Mina Grey", "Dr. Hale")
        for day in ("first", "second", "third", "fourth")
    )
    script = text_to_script(entries, layout="etext")
    assert script.speakers == ("Narrator",)
