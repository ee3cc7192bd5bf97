"""The pronunciation lexicon (issue 3): whole-word replacements, the built-in Latin
abbreviations, dotted initialisms spelled out, and lexicon files read from TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.errors import UserError
from audiobook.lexicon import BUILTIN_LEXICON, apply_lexicon, lexicon_from_toml, load_lexicon
from audiobook.synthesis import split_sentences

VOICES = Path(__file__).resolve().parent.parent / "voices"

LEXICON = {"Ciliga": "Tseeliga", "G.P.U.": "G P U", "kulak": "koolak", "U.S.S.R.": "U S S R"}


# ---------------------------------------------------------------- whole words


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Ciliga was arrested.", "Tseeliga was arrested."),
        ("Ciliga's book", "Tseeliga's book"),  # possessive: still the whole word
        ("(Ciliga)", "(Tseeliga)"),
        ("a kulak-like farm", "a koolak-like farm"),  # a hyphen ends a word
        ("The G.P.U. came.", "The G P U came."),
        ("Marks & Spencer, AT&T", "Marks and Spencer, AT&T"),
        (
            "Book three. Chapter four. Return to Moscow.",  # headings arrive spoken: unchanged
            "Book three. Chapter four. Return to Moscow.",
        ),
    ],
)
def test_lexicon_replaces_whole_words(text: str, spoken: str) -> None:
    assert apply_lexicon(text, LEXICON) == spoken


@pytest.mark.parametrize(
    "text",
    [
        "Ciligan",  # the key followed by letters
        "Ciligas",
        "kulaks",
        "prekulak",  # the key preceded by letters
        "_kulak",  # an underscore is a word character too
        "kulak_",
        "kulakö",  # and so is any Unicode letter
        "Zciliga",
    ],
)
def test_lexicon_never_replaces_inside_a_word(text: str) -> None:
    assert apply_lexicon(text, LEXICON) == text


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("A kulak. Kulak lands.", "A koolak. Koolak lands."),  # lower-case key: both cases
        ("KULAK", "KULAK"),  # but not in capitals
        ("Ciliga, ciliga, CILIGA", "Tseeliga, ciliga, CILIGA"),  # other keys: exactly as written
        ("I.e. yes; e.g. no", "That is yes; for example no"),  # built-in keys are lower case
        ("Etc.", "Et cetera."),
    ],
)
def test_case_of_keys_and_replacements(text: str, spoken: str) -> None:
    assert apply_lexicon(text, LEXICON) == spoken


def test_the_longest_key_wins() -> None:
    lexicon = {"Verkhne": "Verkhnyeh", "Verkhne-Uralsk": "Verkhnyeh Ooralsk"}
    assert apply_lexicon("to Verkhne-Uralsk and Verkhne", lexicon) == (
        "to Verkhnyeh Ooralsk and Verkhnyeh"
    )


def test_replacements_are_not_read_as_patterns() -> None:
    lexicon = {"a+b": r"\1 plus \g<0>", "x.y": "ex why"}
    assert apply_lexicon("say a+b and xzy", lexicon) == r"say \1 plus \g<0> and xzy"


def test_cast_lexicon_entries_override_the_built_in_ones() -> None:
    assert apply_lexicon("etc.", {"etc.": "and so on"}) == "and so on."


# ---------------------------------------------------------------- built-in abbreviations


def test_built_in_abbreviations() -> None:
    text = "i.e. this, e.g. that, viz. those, cf. these, etc."
    assert apply_lexicon(text, {}) == (
        "that is this, for example that, namely those, compare these, et cetera."
    )
    assert set(BUILTIN_LEXICON) == {"i.e.", "e.g.", "viz.", "cf.", "etc.", "approx.", "vs.", "&"}
    assert (
        apply_lexicon("approx. 5, Wells vs. Stalin", {}) == "approximately 5, Wells versus Stalin"
    )


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("tea, cake, etc. The end.", "tea, cake, et cetera. The end."),  # ended a sentence
        ("tea, cake, etc.", "tea, cake, et cetera."),  # ended the text
        ("tea, cake, etc. and more", "tea, cake, et cetera and more"),  # mid-sentence
        ("tea, cake, etc., and more", "tea, cake, et cetera, and more"),
        ('tea, etc. "Enough," she said.', 'tea, et cetera. "Enough," she said.'),
    ],
)
def test_a_dot_ended_abbreviation_keeps_a_full_stop_only_where_a_sentence_ends(
    text: str, spoken: str
) -> None:
    assert apply_lexicon(text, {}) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Some leaders, e.g. Stalin, spoke.", "Some leaders, for example Stalin, spoke."),
        ("I met Mr. Smith there.", "I met Mister Smith there."),
        ("One man, i.e. Wells, came.", "One man, that is Wells, came."),
        ("See cf. Chapter two.", "See compare Chapter two."),
        ("Two cities, viz. London and Paris.", "Two cities, namely London and Paris."),
    ],
)
def test_latin_abbreviations_before_a_name_end_no_sentence(text: str, spoken: str) -> None:
    said = apply_lexicon(text, {"Mr.": "Mister"})
    assert len(split_sentences(said)) == 1, said
    assert said == spoken


# ---------------------------------------------------------------- initialisms


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("the N.K.V.D. arrived", "the N K V D arrived"),  # not listed: spelled by rule
        ("He left the U.S.S.R. The train", "He left the U S S R. The train"),  # listed
        ("in the U.S.S.R.", "in the U S S R."),
        ("the U.S.S.R. government", "the U S S R government"),
        ("at 9 a.m. we left", "at 9 A M we left"),  # lower case letters too
        ("the M.T.S. The", "the M T S. The"),  # end of a sentence: the full stop stays
        ("the M.T.S.", "the M T S."),
        ("J.M. Keynes wrote", "J M Keynes wrote"),  # initials keep no full stop
        ("a U.K. firm", "a U K firm"),
        ("N.C.O", "N C O"),  # no final dot
    ],
)
def test_dotted_initialisms_are_spelled_out(text: str, spoken: str) -> None:
    assert apply_lexicon(text, LEXICON) == spoken


@pytest.mark.parametrize(
    "text",
    [
        "Plan B. Then",  # one letter is not an initialism
        "H. G. Wells",  # spaced initials are left to the engine
        "a Ph.D. thesis",
        "file.tar.gz",
        "version 3.1.4",
        "www.e.g.com",
    ],
)
def test_other_dotted_words_are_left_alone(text: str) -> None:
    assert apply_lexicon(text, {}) == text


# ---------------------------------------------------------------- lexicon files


def test_load_lexicon_reads_its_table(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text('[lexicon]\n"Skarra" = "Skahra"\n"M.T.S." = "M T S"\n', "utf-8")
    lexicon = load_lexicon(path)
    assert lexicon == {"Skarra": "Skahra", "M.T.S.": "M T S"}
    assert apply_lexicon("Skarra's M.T.S.", lexicon) == "Skahra's M T S."


def test_a_file_without_a_lexicon_table_is_an_empty_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("# nothing here\n", "utf-8")
    assert load_lexicon(path) == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('lexicon = "Skarra"\n', r"\[lexicon\] must be a table"),
        ('[lexicon]\n"Skarra" = 3\n', "lexicon entry 'Skarra' must map a word"),
        ('[lexicon]\n"Skarra" = "  "\n', "lexicon entry 'Skarra' must map a word"),
        ('[lexicon]\n" " = "Skahra"\n', "lexicon entry ' ' must map a word"),
        ('[lexicon]\n"Skarra" = "Skahra', "not valid TOML"),
    ],
    ids=["not-a-table", "number", "blank-value", "blank-key", "broken-toml"],
)
def test_malformed_lexicon_files_are_user_errors(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(UserError, match=message) as caught:
        load_lexicon(path)
    assert str(path) in str(caught.value)


def test_unreadable_lexicon_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read lexicon file"):
        load_lexicon(tmp_path / "absent.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[lexicon]\n"Caf\xe9" = "Kaffay"\n'.encode("latin-1"))
    with pytest.raises(UserError, match=r"not a lexicon file \(not UTF-8 text\)"):
        load_lexicon(latin)


def test_lexicon_from_toml_names_its_source() -> None:
    assert lexicon_from_toml({"lexicon": {"a": "b"}}, "cast.toml") == {"a": "b"}
    with pytest.raises(UserError, match=r"^cast\.toml: \[lexicon\] must be a table"):
        lexicon_from_toml({"lexicon": ["a"]}, "cast.toml")
