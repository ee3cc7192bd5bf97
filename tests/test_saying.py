"""Spoken forms (issue 13): numbers, dates, Roman numerals, money and abbreviations said the
same for every engine, as a table of input -> what is said; the cast's lexicon over every
rule; `say` in the script; clips made from the spoken form, captions showing the written one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiobook.build import BuildOptions, build_book
from audiobook.casting import load_cast
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.lexicon import apply_lexicon
from audiobook.model import NARRATOR, Chapter, Script, Segment, SegmentKind
from audiobook.pipeline import load_script
from audiobook.saying import RULES, number_to_words, spoken_form, with_spoken_forms
from audiobook.script_io import read_json_script, script_to_json
from audiobook.settings import Settings as BuildSettings
from audiobook.spoken import label_to_words
from audiobook.synthesis import segment_chunks, split_sentences, synthesize_script
from audiobook.talkingbook.layout import split_like
from audiobook.textforms import NUMBER_WORDS
from tests.conftest import run_cli

# ---------------------------------------------------------------- English, rule by rule

ENGLISH = [
    # years
    ("in 1934 he came", "in nineteen thirty-four he came"),
    ("In 1934, Wells went to Moscow.", "In nineteen thirty-four, Wells went to Moscow."),
    ("by 1900", "by nineteen hundred"),
    ("in 2005", "in two thousand and five"),
    ("in 1066", "in ten sixty-six"),
    ("in 1901", "in nineteen oh-one"),
    ("in 2024", "in twenty twenty-four"),
    ("the 1917 slogans", "the nineteen seventeen slogans"),
    ("1500 roubles", "one thousand five hundred roubles"),  # an amount, not a year
    ("(1933)", "(nineteen thirty-three)"),
    ("c. 1900", "circa nineteen hundred"),
    # decades
    ("the 1930s", "the nineteen thirties"),
    ("the 1800s", "the eighteen hundreds"),
    ("the 1900s", "the nineteen hundreds"),
    ("the 2000s", "the two thousands"),
    ("in the '30s", "in the thirties"),
    ("in his 40s", "in his forties"),
    # centuries and ordinals
    ("the 19th century", "the nineteenth century"),
    ("the 3rd man", "the third man"),
    ("the 21st", "the twenty-first"),
    ("the 2nd and 22nd", "the second and twenty-second"),
    # dates
    ("on 5 November 1934", "on the fifth of November nineteen thirty-four"),
    ("the 1st of May", "the first of May"),
    ("on November 5th, 1934,", "on November fifth, nineteen thirty-four,"),
    ("12-19 April, 1933", "the twelfth to the nineteenth of April, nineteen thirty-three"),
    ("November 27/28", "November twenty-seventh to twenty-eighth"),
    # Roman numerals that are numbers
    ("Chapter XIV", "Chapter fourteen"),
    ("see Book III and Part I", "see Book three and Part one"),
    ("Act I, Scene ii", "Act one, Scene two"),
    ("ACT III. SCENE v.", "ACT three. SCENE five."),
    ("a Class C licence, Appendix D", "a Class C licence, Appendix D"),  # letters
    ("CHAPTER IV", "CHAPTER four"),
    ("Henry VIII", "Henry the Eighth"),
    ("Nicholas II abdicated.", "Nicholas the Second abdicated."),
    ("Pope Pius XI", "Pope Pius the Eleventh"),
    ("Elizabeth I", "Elizabeth the First"),
    ("under Charles I, the king", "under Charles the First, the king"),
    ("Queen Elizabeth I was crowned", "Queen Elizabeth the First was crowned"),
    ("Then Mary I think left", "Then Mary I think left"),  # the pronoun after a name
    ("Louis XIV's court", "Louis the Fourteenth's court"),
    ("Napoleon III.", "Napoleon the Third."),
    ("Apollo XI", "Apollo Eleven"),  # no monarch: a count
    ("World War I and World War II", "World War One and World War Two"),
    ("after WWII", "after World War Two"),
    # … and where they are not
    ("I think I know.", "I think I know."),  # the pronoun
    ("I. The first part", "I. The first part"),  # "I." at a sentence start
    ("C. S. Lewis", "C. S. Lewis"),  # initials
    ("George V. Higgins", "George V. Higgins"),  # an initial after a monarch's name
    ("MIX it with CIVIL LIVES", "MIX it with CIVIL LIVES"),  # words in capitals
    ("in Washington DC", "in Washington DC"),
    ("Malcolm X spoke", "Malcolm X spoke"),  # a single letter after an ordinary name
    ("Chief of X Station", "Chief of X Station"),
    ("the letter I", "the letter I"),  # a label only when capitalised
    ("Plan B. Then", "Plan B. Then"),
    # money
    ("£5", "five pounds"),
    ("£1", "one pound"),
    ("£5 10s", "five pounds ten shillings"),
    ("£5 10s. 6d.", "five pounds ten shillings and six pence"),
    ("$3.50", "three dollars fifty cents"),
    ("$0.99", "ninety-nine cents"),
    ("€20", "twenty euros"),
    ("£2 million", "two million pounds"),
    ("$1.5bn", "one point five billion dollars"),
    ("£5,000", "five thousand pounds"),
    ("5 roubles", "five roubles"),
    ("5,000 roubles", "five thousand roubles"),
    ("10s. 6d.", "ten shillings and six pence"),
    # percentages and decimals
    ("45%", "forty-five per cent"),
    ("2.5%", "two point five per cent"),
    ("10–20%", "ten to twenty per cent"),
    ("34 per cent", "thirty-four per cent"),
    ("3.14", "three point one four"),
    ("0.5", "zero point five"),
    ("3.50", "three point five zero"),
    # thousands and plain numbers
    ("1,000,000", "one million"),
    ("1,700,000 workers", "one million seven hundred thousand workers"),
    ("42", "forty-two"),
    ("1,200", "one thousand two hundred"),
    ("(17 votes against 21)", "(seventeen votes against twenty-one)"),
    ("(3) the theses", "(three) the theses"),
    ("-5 degrees", "minus five degrees"),
    ("COVID-19", "COVID-nineteen"),
    ("a 5-year plan", "a five-year plan"),
    # ranges
    ("1917–21", "nineteen seventeen to twenty-one"),
    ("1917-1921", "nineteen seventeen to nineteen twenty-one"),
    ("1926-27", "nineteen twenty-six to twenty-seven"),
    ("the war of 1914—18.", "the war of nineteen fourteen to eighteen."),
    ("pp. 12–15", "pages twelve to fifteen"),
    ("12–15 men", "twelve to fifteen men"),
    ("in 1926–120,000;", "in nineteen twenty-six–one hundred and twenty thousand;"),  # no range
    ("won 3-2", "won three-two"),  # a score, not a range
    # times
    ("at 10:30", "at ten thirty"),
    ("at 10:05", "at ten oh five"),
    ("at 9:00", "at nine o'clock"),
    ("at 09:00", "at nine o'clock"),
    ("at 21:00", "at twenty-one hundred"),
    ("at 5 p.m.", "at five P M."),
    ("10.30 a.m. sharp", "ten thirty A M sharp"),
    ("the clock stood at 3.10", "the clock stood at three ten"),
    ("at 2.50 roubles", "at two point five zero roubles"),  # a price, not a time
    # abbreviations
    ("Mr. Smith", "Mister Smith"),
    ("Mr Stalin", "Mister Stalin"),
    ("Mrs. Jones", "Missus Jones"),
    ("Mr. and Mrs. Smith", "Mister and Missus Smith"),
    ("Dr. Watson", "Doctor Watson"),
    ("St. Petersburg", "Saint Petersburg"),
    ("St Paul's", "Saint Paul's"),
    ("in Baker St. Then we left.", "in Baker Street. Then we left."),
    ("221B Baker St", "221B Baker Street"),
    ("Sun-Yat-Sen University", "Sun-Yat-Sen University"),  # no title inside a word
    ("Gen Z", "Gen Z"),  # a dotted title without its full stop is no title
    ("Gen. Brusilov", "General Brusilov"),
    ("No. 5", "number five"),
    ("room no. 14.", "room number fourteen."),
    ("Nos. 10 and 11", "numbers ten and eleven"),
    ("vol. III", "volume three"),
    ("p. 12", "page twelve"),
    ("p. xii", "page twelve"),
    ("at 8:35 P. M., on 1st May", "at eight thirty-five P. M., on the first of May"),
    ("vol. V.", "volume five."),
    ("cf. p.115", "compare page one hundred and fifteen"),
    ("Fig. 3", "figure three"),
    ("tea, cake, etc.", "tea, cake, et cetera."),
    ("approx. 5 km", "approximately five kilometres"),
    ("Wells vs. Stalin", "Wells versus Stalin"),
    # units and fractions
    ("25 oz., the", "twenty-five ounces, the"),
    ("2 lb. 4 oz.", "two pounds four ounces."),
    ("(approx. ½lb)", "(approximately half a pound)"),
    ("1 km", "one kilometre"),
    ("-5°C and 40°", "minus five degrees Celsius and forty degrees"),
    ("9½", "nine and a half"),
    ("¾ of it", "three quarters of it"),
    ("2/3 of them", "two thirds of them"),
    ("24/7", "24/7"),  # no fraction
    # initialisms: dotted ones spelled (lexicon.py); undotted capitals left to the engine
    ("the G.P.U. came", "the G P U came"),
    ("the USSR and the NKVD", "the USSR and the NKVD"),
    # telephone and serial numbers, digit by digit (decided: a leading zero or a long
    # hyphenated string of digits is an identifier, not an amount)
    ("0161 496 0000", "zero one six one, four nine six, zero zero zero zero"),
    ("call 555-1234", "call five five five, one two three four"),
    ("+44 20", "plus four four, two zero"),
    ("agent 007", "agent zero zero seven"),
    # left alone
    ("version 3.1.4", "version 3.1.4"),
    ("A4, MP3 and t99", "A4, MP3 and t99"),
    ("12/05/1934", "12/05/1934"),
    ("12:30:15", "12:30:15"),
    ("no. Then", "no. Then"),  # "no" is not a number's label without a number
    ("Book three. Chapter four. Return to Moscow.", "Book three. Chapter four. Return to Moscow."),
]


@pytest.mark.parametrize(("text", "said"), ENGLISH)
def test_english_spoken_forms(text: str, said: str) -> None:
    assert spoken_form(text, "en") == said


def test_the_table_covers_every_english_rule() -> None:
    """Each English rule changes at least one row of the table (guarded: it has rows)."""
    english = [rule for rule in RULES if "en" in rule.languages]
    assert len(ENGLISH) >= 60
    for rule in english:
        assert any(rule.pattern.search(text) for text, said in ENGLISH if text != said), rule.name


# ---------------------------------------------------------------- other languages

GERMAN = [
    ("Im Jahr 1934 kam er.", "Im Jahr neunzehnhundertvierunddreißig kam er."),
    ("Es kostete 5 €.", "Es kostete fünf Euro."),
    ("3,50 €", "drei Euro und fünfzig Cent"),
    ("1.000 Menschen", "eintausend Menschen"),  # a dot groups thousands
    ("45 %", "fünfundvierzig Prozent"),
    ("1917–1921", "neunzehnhundertsiebzehn bis neunzehnhunderteinundzwanzig"),
    ("3,14", "drei Komma eins vier"),  # a decimal comma
    ("Kapitel 4.", "Kapitel vier."),
    ("Heinrich VIII. und Mr. Smith", "Heinrich VIII. und Mr. Smith"),  # English rules only
    ("etc. & so", "etc. & so"),  # the built-in English abbreviations too
    ("die N.K.V.D.", "die N K V D."),  # but dotted initialisms everywhere
]

FRENCH = [
    ("En 1934, il vint.", "En mille neuf cent trente-quatre, il vint."),
    ("5 €", "cinq euros"),
    ("10 000 euros", "dix mille euros"),  # a space groups thousands
    ("45 %", "quarante-cinq pour cent"),
    ("le XIXe siècle", "le dix-neuvième siècle"),
    ("le 1er mai", "le premier mai"),
    ("la 1re fois", "la première fois"),
    ("le 3e jour", "le troisième jour"),
    ("la Ve République", "la cinquième République"),
    ("Le chat. Ce livre.", "Le chat. Ce livre."),  # words, not numerals
    ("3,14", "trois virgule un quatre"),
    ("de 1917 à 1921", "de mille neuf cent dix-sept à mille neuf cent vingt et un"),
]


@pytest.mark.parametrize(("text", "said"), GERMAN)
def test_german_spoken_forms(text: str, said: str) -> None:
    assert spoken_form(text, "de") == said


@pytest.mark.parametrize(("text", "said"), FRENCH)
def test_french_spoken_forms(text: str, said: str) -> None:
    assert spoken_form(text, "fr") == said


@pytest.mark.parametrize("language", ["de-AT", "deu", "German"])
def test_a_language_is_named_as_any_tag(language: str) -> None:
    assert spoken_form("1934", language) == "neunzehnhundertvierunddreißig"


def test_a_language_num2words_does_not_speak_is_left_as_written() -> None:
    text = "In 1934 kostis 5 € (45%)."
    assert spoken_form(text, "xx") == text


def test_money_num2words_has_no_words_for_keeps_its_sign() -> None:
    assert spoken_form("5¥", "ja") == "五¥"  # num2words has no Japanese yen: the number only


PIECES = [*"0123456789", *" .,:/-–—%£$€¥½°IVXLCe", "th", " No. ", "Chapter ", "Henry ",
          " November ", " a.m.", " oz", "Mr. ", "St. ", "Queen ", " at ", "9" * 20]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=16).map("".join),
    st.sampled_from(["en", "de", "fr", "ru", "ja", "xx"]),
)
def test_any_text_is_said_without_an_error(text: str, language: str) -> None:
    """What num2words cannot say (a number too long, money a language has no words for) is
    left as written: nothing raises, and a text with something to say still has."""
    said = spoken_form(text, language)
    assert any(c.isalnum() for c in said) == any(c.isalnum() for c in text)


# ---------------------------------------------------------------- punctuation


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("He came in 1934. Then he left.", 2),
        ("It cost £5. Then it rose.", 2),
        ("He met Mr. Smith in St. Petersburg.", 1),
        ("See No. 5. It is there.", 2),
        ("He lived in Baker St. Then he moved.", 2),
        ("It was 45%. Prices rose.", 2),
        ("It weighed 25 oz. The rest was bone.", 2),
        ("Henry VIII. He had six wives.", 2),
        ("In 1917–21. Then peace.", 2),
    ],
)
def test_sentence_punctuation_survives(text: str, sentences: int) -> None:
    said = spoken_form(text)
    assert len(split_sentences(said)) == sentences, said
    assert said.count(".") >= sentences - (0 if text.endswith(".") else 1)


def test_questions_quotes_and_brackets_are_kept() -> None:
    assert spoken_form('"In 1934?" (he said, 45%!)') == (
        '"In nineteen thirty-four?" (he said, forty-five per cent!)'
    )


# ---------------------------------------------------------------- the lexicon wins


@pytest.mark.parametrize(
    ("text", "lexicon", "said"),
    [
        ("in 1984.", {"1984": "nineteen eighty-four"}, "in nineteen eighty-four."),
        ("Chapter XIV", {"XIV": "fourteen"}, "Chapter fourteen"),
        ("Chapter XIV", {"Chapter XIV": "the fourteenth chapter"}, "the fourteenth chapter"),
        ("£5 or 1934", {"1934": "year thirty-four"}, "five pounds or year thirty-four"),
        ("Mr. Smith", {"Mr.": "Monsieur"}, "Monsieur Smith"),
        ("Henry VIII", {"Henry": "Henri"}, "Henri VIII"),  # its neighbour is the cast's
        ("10.30 a.m.", {}, "ten thirty A M."),  # the rule still sees what the lexicon spells
    ],
)
def test_the_lexicon_wins_over_every_rule(text: str, lexicon: dict[str, str], said: str) -> None:
    assert spoken_form(text, "en", lexicon) == said


def test_a_cast_files_lexicon_overrides_the_rules(tmp_path: Path) -> None:
    """Through a cast file, as a user writes one."""
    cast_file = tmp_path / "cast.toml"
    cast_file.write_text(
        '[voices.Narrator]\nengine = "espeak-ng"\nvoice = "en-gb"\n\n'
        '[lexicon]\n"1984" = "the year of Big Brother"\n"XIV" = "the fourteenth"\n',
        "utf-8",
    )
    text = "In 1984 he read Chapter XIV, in 1934."
    script = one_segment_script(text)
    cast = load_cast(cast_file, script)
    chunks = segment_chunks(text, cast.voices[NARRATOR], cast.lexicon, script.language)
    assert chunks == [
        "In the year of Big Brother he read Chapter the fourteenth, in nineteen thirty-four."
    ]


def test_apply_lexicon_still_applies_the_lexicon_alone() -> None:
    assert apply_lexicon("In 1934 the G.P.U. came, etc.", {}) == (
        "In 1934 the G P U came, et cetera."
    )


# ---------------------------------------------------------------- one piece of code


def test_headings_and_text_share_one_number_speller() -> None:
    assert label_to_words("BOOK XIV") == "Book Fourteen"
    assert number_to_words(115) == "one hundred and fifteen"
    assert number_to_words(1934) == "one thousand nine hundred and thirty-four"
    assert number_to_words(4, "de") == "vier"
    assert NUMBER_WORDS[:3] == ["one", "two", "three"]


def test_a_spoken_heading_is_not_said_again() -> None:
    """Headings arrive as "Chapter Four. …" (audiobook.spoken): nothing to convert twice."""
    for heading in ("Chapter Four. Return to Moscow.", "Book Three.", "Part One. Nicholas Two."):
        assert spoken_form(heading) == heading


# ---------------------------------------------------------------- the script


def one_segment_script(text: str, language: str = "en") -> Script:
    segments = (
        Segment(NARRATOR, SegmentKind.HEADING, "Chapter One. Moscow."),
        Segment(NARRATOR, SegmentKind.NARRATION, text),
    )
    return Script(
        "Test",
        None,
        (NARRATOR,),
        (Chapter(1, "1", "Moscow", segments=segments),),
        language=language,
    )


def test_with_spoken_forms_sets_say_only_where_it_differs() -> None:
    script = with_spoken_forms(one_segment_script("In 1934, Mr Wells came."))
    heading, narration = script.chapters[0].segments
    assert heading.say is None
    assert narration.say == "In nineteen thirty-four, Mister Wells came."
    assert narration.text == "In 1934, Mr Wells came."  # the written text is kept


def test_with_spoken_forms_uses_the_scripts_language() -> None:
    script = with_spoken_forms(one_segment_script("Im Jahr 1934.", "de"))
    assert script.chapters[0].segments[1].say == "Im Jahr neunzehnhundertvierunddreißig."


def test_json_shows_say_only_where_it_differs_and_reads_it_back() -> None:
    script = with_spoken_forms(one_segment_script("In 1934, Mr Wells came."))
    data = json.loads(script_to_json(script))
    heading, narration = data["chapters"][0]["segments"]
    assert "say" not in heading
    assert narration["say"] == "In nineteen thirty-four, Mister Wells came."
    assert read_json_script(Path("s.json"), script_to_json(script)) == script


def test_script_json_from_the_command_line_shows_say(tmp_path: Path) -> None:
    text = tmp_path / "moscow.txt"
    text.write_text("In 1934 Wells met Stalin.\n\nThey talked for three hours.\n", "utf-8")
    done = run_cli("script", "--json", str(text))
    assert done.returncode == 0, done.stderr
    segments = [s for c in json.loads(done.stdout)["chapters"] for s in c["segments"]]
    said = [s for s in segments if "say" in s]
    assert [s["say"] for s in said] == ["In nineteen thirty-four Wells met Stalin."]
    assert said[0]["text"] == "In 1934 Wells met Stalin."
    assert len(segments) > len(said)  # the sentence without a number has no `say`


def test_a_json_script_with_an_edited_say_is_said_anew(tmp_path: Path) -> None:
    """`say` shows what will be said; synthesis recomputes it (the cast's lexicon changes
    it), so a hand-edited one is replaced on loading."""
    script = with_spoken_forms(one_segment_script("In 1934."))
    data = json.loads(script_to_json(script))
    data["chapters"][0]["segments"][1]["say"] = "something else"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), "utf-8")
    assert load_script(path).chapters[0].segments[1].say == "In nineteen thirty-four."


def test_read_along_text_is_cut_where_the_spoken_form_was() -> None:
    """EPUB and DAISY show the written text, cut where synthesis cut the spoken one."""
    text = "In 1934 he paid £5. Then in 1935 he left."
    chunks = split_sentences(spoken_form(text))  # as synthesis cuts it
    assert chunks == [
        "In nineteen thirty-four he paid five pounds.",
        "Then in nineteen thirty-five he left.",
    ]
    assert split_like(text, chunks) == ["In 1934 he paid £5.", "Then in 1935 he left."]


# ---------------------------------------------------------------- a real build


@pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="needs espeak-ng")
def test_clips_speak_the_spoken_form_and_captions_show_the_written_one(tmp_path: Path) -> None:
    text = "In 1934, Mr Wells paid £5 for Chapter XIV. It was 45% of his money."
    source = tmp_path / "wells.txt"
    source.write_text(text + "\n", "utf-8")
    script = load_script(source)
    cast_file = tmp_path / "cast.toml"
    cast_file.write_text('[voices.Narrator]\nengine = "espeak-ng"\nvoice = "en-gb"\n', "utf-8")
    cast = load_cast(cast_file, script)
    recorded = []

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        recorded.extend(synthesize_script(*args, **kwargs))
        return recorded

    options = BuildOptions(
        out_dir=tmp_path / "out", formats="mp3,vtt", config=BuildSettings(cache_dir=tmp_path / "c")
    )
    result = build_book(script, cast, options, synthesize=recording)
    clip_texts = [t for chapter in recorded for seg in chapter.segments for t in seg.texts]
    assert " ".join(clip_texts).endswith(
        "In nineteen thirty-four, Mister Wells paid five pounds for Chapter fourteen. "
        "It was forty-five per cent of his money."
    )
    [vtt] = result.folder.glob("*.vtt")
    captions = vtt.read_text("utf-8")
    assert text in captions
    assert "nineteen" not in captions


# ---------------------------------------------------------------- the seed texts


@pytest.mark.slow
def test_seed_texts_say_numbers_in_words(interview_script: Script, memoir_script: Script) -> None:
    """No digit is left before a space in what is said of the interview, and in the memoir
    none of a year (four digits after "in"), nor a year said as a quantity."""
    checked = 0
    for script in (interview_script, memoir_script):
        for segment in (s for c in script.chapters for s in c.segments):
            said = segment.say or segment.text
            assert not re.search(r"\b[Ii]n (1[0-9]{3}|20[0-9]{2})\b", said), said
            assert "one thousand nine hundred and" not in said, said
            if script is interview_script:
                assert not re.search(r"[0-9] ", said), said
            checked += segment.say is not None
    assert checked > 500
