"""Language (issue 9): detected from the text (py3langid), stated by an e-text's header, or
given by the user; a text too short to tell is English."""

from __future__ import annotations

import pytest

from audiobook.cleaning import clean_text
from audiobook.language import DEFAULT_LANGUAGE, MIN_CHARS_TO_DETECT, detect_language
from audiobook.pipeline import text_to_script

# A few sentences of our own in each language, each over MIN_CHARS_TO_DETECT.
SENTENCES = {
    "en": (
        "The old miller lived at the edge of the village, where the stream ran under the "
        "willows. Every morning he walked to the mill with his dog to see whether the wheel "
        "still turned. The children of the village often came by and asked him for the "
        "stories he used to tell."
    ),
    "de": (
        "Der alte Müller wohnte am Rand des Dorfes, wo der Bach unter den Weiden rauschte. "
        "Jeden Morgen ging er mit seinem Hund zur Mühle und sah nach, ob das Rad sich noch "
        "drehte. Die Kinder aus dem Dorf kamen oft vorbei und fragten ihn nach den "
        "Geschichten, die er früher erzählt hatte."
    ),
    "fr": (
        "Le vieux meunier habitait au bord du village, là où le ruisseau chantait sous les "
        "saules. Chaque matin, il allait au moulin avec son chien pour voir si la roue "
        "tournait encore. Les enfants du village passaient souvent et lui demandaient les "
        "histoires qu'il racontait autrefois."
    ),
}
BODY_PARAGRAPHS = 6  # e-texts are longer than their header


def test_the_sentences_are_long_enough_to_tell() -> None:
    assert all(len(text) >= MIN_CHARS_TO_DETECT for text in SENTENCES.values())


@pytest.mark.parametrize(("code", "text"), SENTENCES.items(), ids=SENTENCES.keys())
def test_language_is_detected(code: str, text: str) -> None:
    assert detect_language(text) == code
    assert clean_text(text).language == code
    assert text_to_script(text).language == code


@pytest.mark.parametrize("text", ["", "Der Hund schläft.", "Bonjour mes amis, à demain."])
def test_a_short_text_is_english(text: str) -> None:
    assert DEFAULT_LANGUAGE == "en"
    assert detect_language(text) == "en"


def test_detection_reads_only_what_is_spoken() -> None:
    """Headings, boilerplate and the like are not the text: a German story under an English
    Project Gutenberg header and headings is German."""
    text = (
        "*** START OF THE PROJECT GUTENBERG EBOOK DIE MUEHLE ***\n\n\n\nCHAPTER I.\n\n"
        + SENTENCES["de"]
        + "\n\nEnd of the Project Gutenberg EBook of Die Muehle\n"
    )
    assert text_to_script(text).language == "de"


def etext(language: str, body: str) -> str:
    header = f"Title: The Mill\nAuthor: Jo Miller\nLanguage: {language}\n\n"
    start = "*** START OF THE PROJECT GUTENBERG EBOOK THE MILL ***\n\n"
    return header + start + "\n\n".join([body] * BODY_PARAGRAPHS) + "\n"


@pytest.mark.parametrize(
    ("header", "code"), [("German", "de"), ("French", "fr"), ("English", "en"), ("de", "de")]
)
def test_the_gutenberg_language_header_wins_over_detection(header: str, code: str) -> None:
    body = SENTENCES["en"] if code != "en" else SENTENCES["fr"]
    assert detect_language(body) != code  # the body alone says otherwise
    assert text_to_script(etext(header, body)).language == code


def test_an_unknown_language_name_in_the_header_falls_back_to_detection() -> None:
    assert text_to_script(etext("Klingon", SENTENCES["fr"])).language == "fr"


@pytest.mark.parametrize("code", ["fr", "de"])
def test_the_users_language_overrides_detection_and_header(code: str) -> None:
    assert text_to_script(SENTENCES["en"], language=code).language == code
    assert text_to_script(etext("English", SENTENCES["en"]), language=code).language == code
    assert clean_text(SENTENCES["en"], language=code).language == code
