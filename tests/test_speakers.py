"""Speakers: labels found in the text itself; every turn to the right speaker."""

from __future__ import annotations

import itertools
import json

from audiobook.pipeline import text_to_script
from audiobook.speakers import Labels, find_speakers, split_turns
from tests.conftest import GOLDEN


def rows(raw: str) -> list[tuple[str, str, str]]:
    script = text_to_script(raw)
    return [(s.speaker, s.kind, s.text) for c in script.chapters for s in c.segments]


def test_speakers_are_found_from_labels_not_a_list() -> None:
    paragraphs = ["**Alba** Hello.", "Brand Good day.", "**Brand** How are you?", "Alba Well."]
    assert find_speakers(paragraphs) == ["Alba", "Brand"]


def test_plain_capitalised_words_are_not_speakers_in_prose() -> None:
    prose = [
        "We Soviet people know this.",
        "Soviet Russia was vast.",
        "The night was long.",
        "Moscow was cold that winter.",
    ]
    assert find_speakers(prose) == []


def test_colon_labels_of_a_play() -> None:
    play = [
        "HAMLET: To be.",
        "HORATIO: My lord.",
        "HAMLET: Or not.",
        "HORATIO: Indeed.",
        "HAMLET: Quite.",
        "HORATIO: Yes.",
    ]
    assert find_speakers(play) == ["HAMLET", "HORATIO"]


def labels_of(*names: str) -> Labels:
    return Labels({(form, n): n for n in names for form in ("bold", "plain")})


def test_turn_starting_in_mid_paragraph_bold_and_plain() -> None:
    pattern = labels_of("Wells", "Stalin")
    assert split_turns("**Wells** At least passive? **Stalin** Partly also.", pattern) == [
        ("Wells", "At least passive?"),
        ("Stalin", "Partly also."),
    ]
    assert split_turns("Wells Is it made by a minority? Stalin To bring it about.", pattern) == [
        ("Wells", "Is it made by a minority?"),
        ("Stalin", "To bring it about."),
    ]


def test_a_name_inside_a_sentence_is_not_a_turn() -> None:
    pattern = labels_of("Wells", "Stalin")
    assert split_turns("You, Mr Wells, evidently think so.", pattern) == [
        (None, "You, Mr Wells, evidently think so.")
    ]


DIALOGUE = """# An exchange

A standfirst the narrator reads.

**Ada** First words of Ada.

An unlabelled paragraph continues Ada.

Bo A plain label starts Bo's turn. **Ada** And Ada answers mid-paragraph.

## A section

Bo Bo again. [Laughter]

A caption of a photograph. Photo: Someone
**Ada** Ada after the caption.

**Bo** Bo closes. **Ada** Ada has the last word.
"""


def test_every_turn_goes_to_the_right_speaker() -> None:
    assert rows(DIALOGUE) == [
        ("Narrator", "heading", "An exchange"),
        ("Narrator", "narration", "A standfirst the narrator reads."),
        ("Ada", "speech", "First words of Ada."),
        ("Ada", "speech", "An unlabelled paragraph continues Ada."),
        ("Bo", "speech", "A plain label starts Bo's turn."),
        ("Ada", "speech", "And Ada answers mid-paragraph."),
        ("Narrator", "heading", "A section"),
        ("Bo", "speech", "Bo again."),
        ("Narrator", "direction", "Laughter"),
        ("Narrator", "caption", "A caption of a photograph. Photo: Someone"),
        ("Ada", "speech", "Ada after the caption."),
        ("Bo", "speech", "Bo closes."),
        ("Ada", "speech", "Ada has the last word."),
    ]


def test_interview_matches_the_golden_file(interview_script) -> None:
    golden = json.loads((GOLDEN / "interview_segments.json").read_text())
    assert list(interview_script.speakers) == golden["speakers"] == ["Narrator", "Wells", "Stalin"]
    assert interview_script.author == golden["author"] == "H G Wells"
    got = [
        [s.speaker, s.kind, s.source_line, " ".join(s.text.split()[:8])]
        for s in interview_script.chapters[0].segments
    ]
    assert len(got) == len(golden["segments"])
    for a, b in zip(got, golden["segments"], strict=True):
        assert a == b


def test_interview_has_no_markup_or_labels_in_speech(interview_script) -> None:
    import re

    for seg in interview_script.chapters[0].segments:
        assert not re.search(r"[*#\[\]]", seg.text), seg.text
        if seg.kind == "speech":
            assert not re.match(r"(Wells|Stalin)\b", seg.text), seg.text
    turns = [s for s in interview_script.chapters[0].segments if s.kind == "speech"]
    changes = sum(1 for a, b in itertools.pairwise(turns) if a.speaker != b.speaker)
    # 51 labels in the source (39 bold, 12 plain); the one at line 109 repeats Wells
    assert changes == 49


def test_play_with_capital_name_labels() -> None:
    play = """HAMLET. To be, or not to be.

HORATIO. My lord, the king your father.

HAMLET. The king my father? HORATIO. Season your admiration.

An unlabelled line goes on with Horatio.

HAMLET. For God's love, let me hear.
"""
    assert [(s.speaker, s.text) for c in text_to_script(play).chapters for s in c.segments] == [
        ("HAMLET", "To be, or not to be."),
        ("HORATIO", "My lord, the king your father."),
        ("HAMLET", "The king my father?"),
        ("HORATIO", "Season your admiration."),
        ("HORATIO", "An unlabelled line goes on with Horatio."),
        ("HAMLET", "For God's love, let me hear."),
    ]


def test_play_with_colon_labels_finds_every_character() -> None:
    """Review finding: characters with fewer than three lines were read by the last speaker."""
    play = "\n\n".join(
        [
            "BERNARDO: Who's there?",
            "FRANCISCO: Nay, answer me.",
            "BERNARDO: Long live the king!",
            "FRANCISCO: Bernardo?",
            "BERNARDO: He.",
            "HORATIO: Friends to this ground.",
        ]
    )
    script = text_to_script(play)
    assert script.speakers == ("Narrator", "BERNARDO", "FRANCISCO", "HORATIO")
    assert [s.speaker for c in script.chapters for s in c.segments] == [
        "BERNARDO", "FRANCISCO", "BERNARDO", "FRANCISCO", "BERNARDO", "HORATIO",
    ]  # fmt: skip
