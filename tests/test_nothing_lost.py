"""Nothing lost: on the seeds, on fixtures, and on any text hypothesis can think of."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiobook.errors import UserError
from audiobook.pipeline import example_path, text_to_script
from tests.conftest import with_segment
from tests.test_hostile_text import assert_speakable
from tests.wordaudit import lost_words


def test_interview_loses_nothing(interview_path: Path, interview_script) -> None:
    assert lost_words(interview_path.read_text(), interview_script) == []


def test_memoir_loses_nothing(memoir_path: Path, memoir_script) -> None:
    assert lost_words(memoir_path.read_text(), memoir_script) == []


def test_examples_lose_nothing() -> None:
    for name in ("example.md", "chapter.txt"):
        text = example_path(name).read_text()
        assert lost_words(text, text_to_script(text)) == []


def test_the_audit_catches_a_lost_word() -> None:
    text = "First paragraph here.\n\nSecond paragraph here.\n"
    script = text_to_script(text)
    script = with_segment(script, 0, 1, text="Second here.")
    assert lost_words(text, script) != []


LINE = st.one_of(
    st.text(min_size=0, max_size=80),
    st.sampled_from(
        [
            "",
            "I",
            "IV",
            "Ш",
            "28",
            "t85",
            "* * *",
            "CONTENTS",
            "PART ONE",
            "Book II",
            "воок I",
            "THE FIRST CHAPTER",
            "A SUB-SECTION",
            "R.E. 305",
            "# Title",
            "## Section",
            "**Ada** Hi.",
            "Bo Hello there.",
            "oppres-",
            "sion and more.",
            "^{*}A note.",
            "*A note",
            "[Laughter]",
            "Photo: Someone",
            "to to the the end.",
            "economy.",
            "The first words of a line",
            # Hostile text (issue 6): markup, controls, marks and runs engines choke on.
            "<speak>Hello <break time='5s'/> world</speak>",
            "He said [[h@'loU]] twice.",
            "Wait" + "!" * 300 + " then go.",
            "a" * 700,
            "Null\x00bell\x07 escape\x1b[31m red",
            "\u202eevil\u200f name\u200b here",
            "Emoji 😀👍🏽 ❤️ words",
            "**CON** Hello there.",
            "# ../../etc/passwd",
        ]
    ),
    st.from_regex(r"[A-Z][a-z]+ [a-z]+( [a-z]+){0,8}[.?!,-]?", fullmatch=True),
)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, min_size=1, max_size=30))
def test_any_text_gives_a_valid_script_and_loses_nothing(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        script = text_to_script(text)
    except UserError:
        return
    assert_speakable(script)
    assert lost_words(text, script) == []
