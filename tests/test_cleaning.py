"""Each cleaning rule pinned with a small input and its exact output."""

from __future__ import annotations

import pytest

from audiobook.cleaning import clean_text
from audiobook.textforms import (
    keep_hyphen,
    page_label,
    parse_numeral_line,
    same_title,
    strip_inline_markup,
)


def texts(raw: str, layout: str | None = "ocr") -> list[str]:
    """The blocks of a printed book's page (the OCR layout unless another is named)."""
    return [b.text for b in clean_text(raw, layout=layout).blocks]


def rules(raw: str, layout: str | None = "ocr") -> list[tuple[str, int, str]]:
    return [(r.rule, r.line, r.text) for r in clean_text(raw, layout=layout).removed]


BOOK_START = "I\n\nTHE FIRST CHAPTER\n\n"


def test_table_of_contents_is_removed_but_the_first_heading_kept() -> None:
    raw = (
        "CONTENTS\n\n\tForeword\tPage ix\n\tI\tTHE START\t1\n\tII\tTHE END\t9\n\n"
        "FOREWORD\n\n" + "This is the foreword, long enough to count as prose in a book. " * 2
    )
    clean = clean_text(raw, layout="ocr")
    assert next(b.text for b in clean.blocks) == "FOREWORD"
    assert [r.rule for r in clean.removed] == ["table-of-contents"] * 4
    assert clean.toc[0] == "CONTENTS"


def test_page_number_is_removed_and_kept_as_the_page_of_what_follows() -> None:
    raw = BOOK_START + "The end of one page.\n\n28\n\nThe start of the next page.\n"
    clean = clean_text(raw, layout="ocr")
    assert [(b.text, b.page) for b in clean.blocks][-2:] == [
        ("The end of one page.", None),
        ("The start of the next page.", "28"),
    ]
    assert ("page-number", 7, "28") in rules(raw)


@pytest.mark.parametrize(("printed", "label"), [("28", "28"), ("t85", "185"), ("l96", "196")])
def test_page_number_ocr_variants(printed: str, label: str) -> None:
    assert page_label(printed) == label


def test_signature_mark_is_removed_and_the_next_page_begins_after_it() -> None:
    raw = BOOK_START + "Text on page 305 ends here\n\nR.E. 305\n\nand page 306 goes on.\n"
    clean = clean_text(raw, layout="ocr")
    assert clean.blocks[-1].text == "Text on page 305 ends here and page 306 goes on."
    assert clean.blocks[-1].page == "306"
    assert ("signature-mark", 7, "R.E. 305") in rules(raw)


def test_running_header_in_mid_sentence_is_removed_and_the_sentence_joined() -> None:
    raw = (
        BOOK_START
        + "The chapter begins with a sentence that runs on across the\n\n"
        + "48\n\nTHE FIRST CHAPTER\n\npage break and ends here.\n"
    )
    clean = clean_text(raw, layout="ocr")
    assert [b.text for b in clean.blocks] == [
        "I",
        "THE FIRST CHAPTER",
        "The chapter begins with a sentence that runs on across the page break and ends here.",
    ]
    assert clean.blocks[-1].page == "48"
    assert ("running-header", 9, "THE FIRST CHAPTER") in rules(raw)


def test_running_header_may_shorten_the_title() -> None:
    assert same_title("PEASANTS AND MANUAL WORKERS", "PEASANTS AND MANUAL WORKERS: WHAT THEY THINK")
    assert not same_title("ANOTHER HUNGER-STRIKE", "A HUNGER-STRIKE")


def test_a_new_heading_similar_to_an_old_chapter_is_not_a_header() -> None:
    raw = (
        "Book I\n\nONE\n\nVI\n\nA HUNGER-STRIKE\n\nText.\n\nVII\n\nTOWARDS DEPARTURE\n\n"
        "More text.\n\nANOTHER HUNGER-STRIKE\n\nStill more.\n"
    )
    assert "ANOTHER HUNGER-STRIKE" in texts(raw)


def test_footnote_leaves_the_sentence_and_becomes_a_note() -> None:
    raw = (
        BOOK_START
        + "The group attacked the\n\n"
        + "^{*}The anarchist Nechayev. (Author's note.)\n\n"
        + "the Decemists from the start.\n\n"
        + "*A second note with one asterisk. A.C.\n\nNext paragraph.\n"
    )
    clean = clean_text(raw, layout="ocr")
    body = clean.blocks[2]
    # the sentence joins across the note; the doubled "the the" is then undoubled
    assert body.text == "The group attacked the Decemists from the start."
    assert body.notes == [
        "The anarchist Nechayev. (Author's note.)",
        "A second note with one asterisk. A.C.",
    ]
    assert clean.blocks[3].text == "Next paragraph."


def test_emphasis_is_not_a_footnote() -> None:
    raw = BOOK_START + "*Pravda* printed it the next day.\n"
    clean = clean_text(raw, layout="ocr")
    assert clean.blocks[-1].text == "*Pravda* printed it the next day."
    assert clean.blocks[-1].notes == []


@pytest.mark.parametrize(
    ("head", "tail", "kept"),
    [
        ("oppres", "sion", False),
        ("docu", "ment", False),
        ("capitu", "lators", False),
        ("Grigor", "ievich", False),
        ("self", "imposed", True),
        ("trade", "union", True),
        ("Verkhne", "Uralsk", True),
    ],
)
def test_line_break_hyphen_decided_by_the_word_list(head: str, tail: str, kept: bool) -> None:
    assert keep_hyphen(head, tail) is kept


def test_hyphenated_line_break_is_joined_across_blank_lines() -> None:
    raw = BOOK_START + "capitalist exploitation, political oppres-\n\nsion and even slavery.\n"
    assert texts(raw)[-1] == "capitalist exploitation, political oppression and even slavery."


def test_compound_keeps_its_hyphen_at_a_line_break() -> None:
    raw = BOOK_START + "the prison of Verkhne-\n\nUralsk and a self-\n\nimposed silence.\n"
    assert texts(raw)[-1] == "the prison of Verkhne-Uralsk and a self-imposed silence."


def test_first_words_of_a_paragraph_printed_twice() -> None:
    raw = (
        BOOK_START
        + "The butter, milk and bread shortage which had occurred\n\n"
        + "The butter, milk and bread shortage which had occurred during the autumn.\n"
    )
    assert texts(raw)[-1:] == [
        "The butter, milk and bread shortage which had occurred during the autumn."
    ]
    assert rules(raw)[0][0] == "duplicate-line"


def test_tail_of_a_paragraph_printed_twice() -> None:
    raw = BOOK_START + "One relinquished it only with regret.\n\nonly with regret.\n\nNext.\n"
    assert texts(raw)[-2:] == ["One relinquished it only with regret.", "Next."]


def test_a_deliberate_short_repeat_stays() -> None:
    raw = BOOK_START + '"Never!"\n\n"Never!"\n'
    assert texts(raw)[-2:] == ['"Never!"', '"Never!"']


def test_pasted_repeat_inside_a_continuation_is_dropped() -> None:
    raw = (
        "# Title\n\nSpeaker between the interests of the individual person and the interests of "
        "the collective. There should be no such contrast, because collectivism, Socialism, does\n\n"
        "the individual person and the interests of the collective. There not deny, but combines.\n"
    )
    assert texts(raw)[-1].endswith("Socialism, does not deny, but combines.")


def test_doubled_word_is_undoubled_but_had_had_stays() -> None:
    raw = BOOK_START + "I agreed to to this, as he had had enough.\n"
    assert texts(raw)[-1] == "I agreed to this, as he had had enough."


def test_scene_break_becomes_a_pause_not_words() -> None:
    raw = BOOK_START + "Before.\n\n* * *\n\nAfter.\n\n* ' * *\n\nLater.\n"
    clean = clean_text(raw, layout="ocr")
    assert [(b.text, b.scene_break_before) for b in clean.blocks[2:]] == [
        ("Before.", False),
        ("After.", True),
        ("Later.", True),
    ]


def test_cyrillic_look_alikes_in_a_heading_are_repaired() -> None:
    clean = clean_text("воок II\n\nTHE TURMOIL\n\nI\n\nA WORLD\n\nText.\n", layout="ocr")
    assert clean.blocks[0].text == "BOOK II"


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("IV", 4),
        ("ľV", 4),
        ("Ш", 3),
        ("Ι", 1),
        ("XI", 11),
        ("T", None),
        ("Ħ", None),
        ("IIIV", None),
    ],
)
def test_chapter_numeral_ocr_variants(printed: str, value: int | None) -> None:
    assert parse_numeral_line(printed) == value


def test_markdown_markup_is_never_spoken() -> None:
    assert strip_inline_markup(
        "the *cul de sac* and **bold** and [Henry] Ford^{*} , \\mathcal{N} ."
    ) == ("the cul de sac and bold and Henry Ford, N.")


def test_byline_becomes_author_and_year() -> None:
    clean = clean_text(
        "# A Title\n\nIn 1934 they met. BY H G WELLS PUBLISHED 18 APRIL, 2014 - 09:00\n"
    )
    assert (clean.title, clean.author, clean.year) == ("A Title", "H G Wells", "2014")
    assert clean.blocks[1].text == "In 1934 they met."


def test_caption_is_recognised() -> None:
    clean = clean_text(
        "# T\n\nPortrait of a man (1933). Image: Bridgeman Art Library\nWells I said.\n"
    )
    assert [(b.style, b.text) for b in clean.blocks[1:]] == [
        ("caption", "Portrait of a man (1933). Image: Bridgeman Art Library"),
        ("paragraph", "Wells I said."),
    ]


def test_signed_foreword_gives_the_author() -> None:
    clean = clean_text(
        "FOREWORD\n\nSome words of introduction.\n\nA. CILIGA.\n\nParis, July, 1937.\n"
    )
    assert clean.author == "A. Ciliga"


def test_real_cyrillic_heading_is_left_alone() -> None:
    clean = clean_text("ВОЙНА И МИР\n\nText of the chapter.\n")
    assert clean.blocks[0].text == "ВОЙНА И МИР"


def test_a_paragraphs_last_line_printed_again_below_it_is_read_once() -> None:
    """Issue 9: a long tail ("were sold only to members of collective farms.") was read twice."""
    raw = (
        BOOK_START
        + "Paraffin, sugar and implements were sold only to members of collective farms.\n\n"
        + "were sold only to members of collective farms.\n\n"
        + "The private farmers could obtain nothing.\n"
    )
    assert texts(raw)[-2:] == [
        "Paraffin, sugar and implements were sold only to members of collective farms.",
        "The private farmers could obtain nothing.",
    ]
    assert ("duplicate-line", 7, "were sold only to members of collective farms.") in rules(raw)


def test_a_tail_repeat_in_a_clean_e_text_is_the_authors() -> None:
    """Issue 9: OCR repairs never fire in clean text, where a repetition is deliberate."""
    raw = "They called, and called again.\n\nand called again.\n"
    assert texts(raw, layout="etext") == ["They called, and called again.", "and called again."]


def test_a_signed_foreword_with_a_full_name_gives_the_author() -> None:
    """Issue 9: the signature rule fitted one seed ("A. CILIGA."); any signed foreword counts."""
    raw = (
        "FOREWORD\n\nThis book was written over many winters, with help from friends.\n\n"
        "Jane Doe\nEdinburgh, 1921.\n\nI\n\nTHE BEGINNING\n\nIt began.\n"
    )
    assert clean_text(raw, layout="ocr").author == "Jane Doe"
    assert clean_text(raw, layout="etext").author == "Jane Doe"
