"""Layouts (issue 9): each kind of text is recognised from what it shows, can be forced by
name, and is a table of uniquely named rules, a shared rule written once."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from audiobook.cleaning import clean_text
from audiobook.errors import UserError
from audiobook.layouts import LAYOUTS, choose_layout, detect_layout, get_layout
from audiobook.pipeline import text_to_script
from audiobook.textforms import split_lines
from tests.layout_fixtures import FIXTURE_LAYOUTS, read_fixture

# What the reason for each fixture's layout must mention: the evidence it was chosen on.
REASONS = {
    "interview.md": r"\b3 Markdown headings\b",
    "transcript.md": r"\b8 timestamps\b.*\b8 Name: labels\b",
    "scanned.txt": r"\b4 page numbers\b.*\b1 running headers\b",
    "etext.txt": r"Project Gutenberg header",
    "play.txt": r"\b\d\d speaker cues\b.*\b5 ACT/SCENE headings\b",
}


@pytest.mark.parametrize(("name", "layout"), FIXTURE_LAYOUTS.items())
def test_each_fixture_is_detected_as_its_layout_with_a_reason(name: str, layout: str) -> None:
    choice = detect_layout(split_lines(read_fixture(name)))
    assert choice.layout.name == layout
    assert not choice.forced
    assert re.search(REASONS[name], choice.reason), choice.reason


@pytest.mark.parametrize(("name", "layout"), FIXTURE_LAYOUTS.items())
def test_the_layout_and_its_reason_reach_the_script(name: str, layout: str) -> None:
    script = text_to_script(read_fixture(name))
    assert script.layout == layout
    assert script.layout_reason == detect_layout(split_lines(read_fixture(name))).reason


def test_plain_prose_is_an_etext() -> None:
    choice = detect_layout(split_lines("It was a quiet morning.\n\nThe mill was still.\n"))
    assert choice.layout.name == "etext"
    assert choice.reason == "plain text with no print, Markdown or play conventions"


def test_a_layout_can_be_forced_by_name() -> None:
    text = read_fixture("etext.txt")
    clean = clean_text(text, layout="ocr")
    assert clean.layout == "ocr"
    assert clean.layout_reason == "forced with --layout ocr"
    choice = choose_layout(split_lines(text), "ocr")
    assert choice.forced
    assert choice.evidence == detect_layout(split_lines(text)).evidence  # still gathered


def test_forcing_a_layout_changes_the_rules_that_run() -> None:
    """The same page as a scanned book loses its page number; as an e-text the number is
    the author's and stays."""
    page = "The mill stood by the water.\n\n12\n\nThe river was wide.\n"
    assert [r.rule for r in clean_text(page, layout="ocr").removed] == ["page-number"]
    assert [b.text for b in clean_text(page, layout="etext").blocks] == [
        "The mill stood by the water.",
        "12",
        "The river was wide.",
    ]


def test_text_to_script_forces_a_layout_too() -> None:
    script = text_to_script(read_fixture("interview.md"), layout="etext")
    assert script.layout == "etext"
    assert script.layout_reason == "forced with --layout etext"


@pytest.mark.parametrize("name", ["poem", "OCR", ""])
def test_an_unknown_layout_is_a_user_error_listing_the_layouts(name: str) -> None:
    with pytest.raises(UserError) as raised:
        clean_text("Some text.", layout=name)
    message = str(raised.value)
    assert repr(name) in message
    assert message.endswith("the layouts are: markdown, transcript, ocr, etext, play")
    with pytest.raises(UserError):
        get_layout(name)


def test_there_are_the_five_layouts_of_issue_9() -> None:
    assert list(LAYOUTS) == ["markdown", "transcript", "ocr", "etext", "play"]
    for name, layout in LAYOUTS.items():
        assert layout.name == name
        assert layout.description
        assert layout.example
        assert layout.rules


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_rule_names_are_unique_within_a_layout(layout) -> None:
    names = layout.rule_names
    assert len(names) == len(set(names)), names
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*", n) for n in names), names


# Names that stand for a different rule in different layouts, on purpose: each kind of
# text has its own contents list, footnote form and way of joining lines; markdown runs
# doubled-word only where the text shows damage.
ONE_NAME_PER_KIND_OF_TEXT = {"table-of-contents", "footnote", "paragraphs", "doubled-word"}


def test_a_rule_listed_by_several_layouts_is_one_object() -> None:
    by_name = defaultdict(list)
    for layout in LAYOUTS.values():
        for rule in layout.rules:
            by_name[rule.name].append(rule)
    shared = {name: rules for name, rules in by_name.items() if len(rules) > 1}
    assert {"etext-boilerplate", "html-entity", "scene-break"} <= set(shared)  # not vacuous
    for name, rules in shared.items():
        if name not in ONE_NAME_PER_KIND_OF_TEXT:
            assert all(rule is rules[0] for rule in rules), name


def test_every_layout_removes_project_gutenberg_boilerplate_first() -> None:
    first = {layout.rules[0] for layout in LAYOUTS.values()}
    assert len(first) == 1
    assert next(iter(first)).name == "etext-boilerplate"


@pytest.mark.parametrize(
    ("layout", "repairs"),
    [("ocr", True), ("etext", False), ("play", False)],
)
def test_ocr_repairs_run_only_where_the_text_is_printed(layout: str, repairs: bool) -> None:
    """A doubled line and a doubled word: OCR damage in a scanned book, the author's own
    words in an e-text or a play."""
    text = (
        "He walked to the mill and then he walked back home again.\n"
        "He walked to the mill and then he walked back home again.\n\n"
        "It was the the end of the day.\n"
    )
    removed = {r.rule for r in clean_text(text, layout=layout).removed}
    assert ({"duplicate-line", "doubled-word"} <= removed) is repairs
    if not repairs:
        assert removed == set()
