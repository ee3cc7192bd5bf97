"""Small pure helpers on text shared by the cleaning rules, chapters and speakers:
words, Roman numerals, titles, and the markup that is never spoken."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from audiobook.model import SourceLine
from audiobook.words import have_word_list, is_english_word

CONTENTS_RE = re.compile(r"^\s*(table\s+of\s+)?contents\.?\s*$", re.IGNORECASE)
MARKDOWN_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
PAGE_NUMBER_RE = re.compile(r"^\s*[-–—(\[]?\s*([tlIi|]?\d{1,4})\s*[-–—)\]]?\s*$")
SIGNATURE_RE = re.compile(r"^\s*(?:[A-Z]\.\s?){1,3}\s*(\d{1,4})\s*$")
SCENE_BREAK_RE = re.compile(r"^\s*(?:[*•·~#'’\s]+|-{3,}|_{3,})\s*$")
FOOTNOTE_RE = re.compile(r"^\s*(?:\^\{[^}]{1,4}\}|\*(?!\s*\*))\s*(.*)$")
INLINE_NOTE_MARK_RE = re.compile(r"\^\{[^}]{1,4}\}")
CAPTION_RE = re.compile(
    r"(?:Image|Photo|Photograph|Illustration|Picture|Credit|Source)s?:\s*[^.]{2,80}$"
)
# Words that never legitimately stand twice in a row ("agreeing to to this").
NEVER_DOUBLED = frozenset("a an the to of in on at by for from with and or is are was".split())
DOUBLED_WORD_RE = re.compile(
    rf"(?<![-\w])({'|'.join(sorted(NEVER_DOUBLED))})((?: \1\b(?!-))+)", re.IGNORECASE
)
TERMINAL_END_RE = re.compile(r"(?:[.!?…:;]|\.\s?\.\s?\.)[\"'”’)\]*]*$")
STRUCTURE_RE = re.compile(r"^(PART|BOOK|VOLUME)\b\s*(.*)$", re.IGNORECASE)
FRONT_MATTER_RE = re.compile(
    r"\b(FOREWORD|PREFACE|INTRODUCTION|PROLOGUE|EPILOGUE|AFTERWORD|APPENDIX|POSTSCRIPT)\b",
    re.IGNORECASE,
)
BROKEN_WORD_RE = re.compile(r"([^\W\d_]+)-$")  # a word broken at the end of a line
PASTE_REPEAT_MIN_WORDS = 6
DUPLICATE_LINE_MIN_WORDS = 4
# A paragraph joined from lines stops growing here and the next line starts another (the
# seeds' longest is 3,400). Each line joined is compared with the paragraph so far, so
# without a bound a file of lines that never end a sentence (a log, a word list) took time
# growing with the square of its length: 1 MB, minutes.
MAX_PARAGRAPH_CHARS = 20_000
HEADING_MAX_CHARS = 100

# Cyrillic and Greek letters that OCR puts in place of Latin capitals ("воок" for BOOK).
HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТХУІЈЅаеорсхувкмнтΑΒΕΖΗΙΚΜΝΟΡΤΥΧιο",
    "ABEKMHOPCTXYIJSaeopcxyBKMHTABEZHIKMNOPTYXIO",
)
# OCR variants of Roman numeral letters on chapter-number lines.
NUMERAL_GLYPHS = {
    "I": "I", "l": "I", "1": "I", "|": "I", "Ι": "I", "І": "I", "ľ": "I", "i": "I",
    "V": "V", "v": "V", "X": "X", "x": "X", "Х": "X", "L": "L", "C": "C", "Ш": "III",
}  # fmt: skip
# "CHAPTER IV", "Chapter 12", "CHAPTER II. THE RETURN": a chapter's number, perhaps its title
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
# Words that label a numbered listening unit: "CHAPTER IV", "Letter 3", "ACT II", "STAVE ONE".
LABEL_WORDS = (
    "CHAPTER", "LETTER", "STAVE", "ACT", "LESSON", "ADVENTURE", "STORY", "TALE", "LECTURE",
    "CANTO",
    "CHAPITRE", "KAPITEL", "CAPÍTULO", "CAPITULO", "CAPITOLO", "HOOFDSTUK", "KAPITTEL", "LUKU",
)  # fmt: skip
ENGLISH_LABEL_WORDS = frozenset(
    (
        "CHAPTER",
        "LETTER",
        "STAVE",
        "ACT",
        "LESSON",
        "ADVENTURE",
        "STORY",
        "TALE",
        "LECTURE",
        "CANTO",
    )
)
ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
TENTHS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
# "twenty-first", "thirty-two", "fortieth"
COMPOUND_NUMBER = (
    rf"(?:{'|'.join(TENS)})-(?:{'|'.join(NUMBER_WORDS[:9] + ORDINAL_WORDS[:9])})"
    rf"|{'|'.join(TENTHS)}"
)
NUMBER_ALTERNATIVES = "|".join([COMPOUND_NUMBER, *NUMBER_WORDS, *ORDINAL_WORDS])
CHAPTER_LABEL_RE = re.compile(
    rf"^({'|'.join(LABEL_WORDS)})\s+([IVXLC]+|\d{{1,3}}|{NUMBER_ALTERNATIVES})\b\.?"
    r"(?:\s*[.:—–-]?\s+(\S.*))?$",
    re.IGNORECASE,
)
# A name in capitals, as plays print cues: "LADY CAPULET", "FIRST CITIZEN", "MRS. UPJOHN",
# "VON RETTENMAYER", "LIGNIÈRE", "A BYSTANDER"
UPPER = "A-ZÀ-ÖØ-ÞŒ"
CAPS_NAME = (
    rf"(?:A |AN )?[{UPPER}][{UPPER}'’-]+(?:\.? (?:[{UPPER}][{UPPER}'’-]+|OF|DE|LA|LE|DU|VON|VAN))*"
)
# "BLAND, VON RETTENMAYER, DE CASTRO, AND ROPER.": several at once
JOINT_CAPS = rf"{CAPS_NAME}(?:, {CAPS_NAME})*,? (?:AND|&) {CAPS_NAME}"
ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


# ---------------------------------------------------------------- small pure helpers


# Control characters (NUL, escape, bell …) are not text and must not reach a speech engine
# (flite takes its text as an argument, which cannot hold a NUL) or a caption file; a space
# stands in for each, so the words either side stay apart. Tabs stay: they lay out tables
# of contents.
CONTROLS_TO_SPACE = {
    code: " " for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n"
}
# Also gone from a text's lines: U+FFFD, which stands where a byte was not UTF-8 (see
# audiobook.reading) and which an engine would read as a word or a letter.
UNSPOKEN: dict[int, str | None] = {**CONTROLS_TO_SPACE, 0xFFFD: None}


def split_lines(text: str) -> list[SourceLine]:
    """Number the lines; normalise line ends, form feeds, control characters, trailing space."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = unicodedata.normalize("NFC", text.translate(UNSPOKEN))
    return [SourceLine(i, line.rstrip()) for i, line in enumerate(text.split("\n"), start=1)]


def words_of(text: str) -> list[str]:
    """Words for comparisons: letters and digits only, lower case."""
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text.lower())


def edge_words(text: str, count: int, *, last: bool) -> list[str]:
    """The first (or last) `count` of words_of(text), reading only as much text as needed.

    A paragraph grows line by line, and is compared with every line joined to it; reading it
    whole each time made a long paragraph (a log file, a poem without stops) quadratic.
    Windows grow until they hold `count` whole words; the word at a window's cut edge may be
    cut, so it is never counted.
    """
    size = 64 * (count + 1)
    while size < len(text):
        words = words_of(text[-size:] if last else text[:size])
        whole = words[1:] if last else words[:-1]
        if len(whole) >= count:
            return whole[len(whole) - count :] if last else whole[:count]
        size *= 4
    words = words_of(text)
    return words[len(words) - count :] if last else words[:count]


def letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def is_uppercase_line(text: str) -> bool:
    """Mostly capitals, as printed headings are."""
    letters_only = letters(text)
    if len(letters_only) < 2:
        return False
    upper = sum(1 for ch in letters_only if ch.isupper())
    return upper >= 0.85 * len(letters_only)


def ends_sentence(text: str) -> bool:
    return bool(TERMINAL_END_RE.search(text.rstrip()[-16:]))  # the tail: fast on long text


def roman_to_int(numeral: str) -> int | None:
    """Value of a well-formed Roman numeral, or None."""
    if not numeral or not ROMAN_RE.match(numeral):
        return None
    total = 0
    for ch, nxt in zip(numeral, [*numeral[1:], ""], strict=True):
        value = ROMAN_VALUES[ch]
        total += -value if nxt and ROMAN_VALUES[nxt] > value else value
    return total


def int_to_roman(value: int) -> str:
    out = []
    for number, glyphs in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while value >= number:
            out.append(glyphs)
            value -= number
    return "".join(out)


def parse_numeral_line(text: str) -> int | None:
    """Chapter number from an OCR'd numeral line ("ľV", "Ш", "Ι"), None if garbled."""
    word = text.strip().lower()
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS.index(word) + 1
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS.index(word) + 1
    if word in TENTHS:
        return 20 + 10 * TENTHS.index(word)
    tens, _, unit = word.partition("-")
    if tens in TENS and unit:
        units = NUMBER_WORDS[:9] if unit in NUMBER_WORDS[:9] else ORDINAL_WORDS[:9]
        if unit in units:
            return 20 + 10 * TENS.index(tens) + units.index(unit) + 1
    mapped = "".join(NUMERAL_GLYPHS.get(ch, "?") for ch in text.strip())
    return roman_to_int(mapped)


def looks_like_numeral_line(text: str) -> bool:
    """A short line with no lower-case word: a chapter number, perhaps garbled by OCR."""
    t = text.strip()
    return 0 < len(t) <= 5 and " " not in t and not re.search(r"[a-z]{2}", t) and not t.isdigit()


def normalise_title(text: str) -> str:
    """Compare headings by their words only."""
    return " ".join(words_of(text.translate(HOMOGLYPHS)))


# How alike a running header and the title it repeats are at least, OCR noise and all.
SAME_TITLE_RATIO = 0.9


@dataclass(frozen=True)
class TitleKey:
    """A heading as running headers are compared with it, worked out once per heading."""

    words: str  # normalise_title(text)
    numbers: tuple[str, ...]  # numbers_in(words): a header repeats a title's numbers
    characters: Counter[str]  # how often each character occurs in `words`


def title_key(text: str) -> TitleKey:
    words = normalise_title(text)
    return TitleKey(words, tuple(numbers_in(words)), Counter(words))


def same_title(candidate: str, title: str) -> bool:
    """A running header repeats a title, or shortens it, perhaps with OCR noise."""
    return same_title_key(title_key(candidate), title_key(title))


def same_title_key(candidate: TitleKey, title: TitleKey) -> bool:
    """same_title on keys made once, for comparing one heading with many: the bounds
    `similar` takes from difflib come from the keys, and a matcher is made only for the
    few pairs they let through."""
    a, b = candidate.words, title.words
    if not a or not b:
        return False
    if a == b:
        return True
    if candidate.numbers != title.numbers:
        return False  # "CHAPTER II" does not repeat "CHAPTER I"
    short, long_ = sorted((a, b), key=len)
    if len(short.split()) >= 2 and long_.startswith(short + " "):
        return True
    return key_ratio(candidate, title, SAME_TITLE_RATIO) >= SAME_TITLE_RATIO


def key_ratio(a: TitleKey, b: TitleKey, at_least: float) -> float:
    """difflib's ratio of two titles' words, or 0.0 where its cheap bounds (real_quick_ratio
    from the lengths, quick_ratio from the character counts) show it is below `at_least`.
    The bounds come from the keys, so a matcher is made only for the pairs they let through:
    making one indexes a title and was most of the cost of comparing one with many."""
    total = len(a.words) + len(b.words)
    if not total:
        return 1.0
    if 2.0 * min(len(a.words), len(b.words)) / total < at_least:
        return 0.0
    shared = sum(min(n, b.characters[ch]) for ch, n in a.characters.items())
    if 2.0 * shared / total < at_least:
        return 0.0
    return difflib.SequenceMatcher(None, a.words, b.words).ratio()


def similar(a: str, b: str, at_least: float) -> bool:
    """Near-copies, as OCR prints one title twice; the cheap bounds first, the exact ratio
    only for the few pairs they let through (the bound from the lengths before the matcher
    is made: making one indexes `b`)."""
    total = len(a) + len(b)
    if total and 2.0 * min(len(a), len(b)) / total < at_least:
        return False
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= at_least and matcher.ratio() >= at_least


def looks_like_title(text: str | None) -> bool:
    """After "CHAPTER 3": nothing, or a title ("THE END", "The Return"), not a sentence
    ("of the report says the river must be dredged.")."""
    if text is None:
        return True
    words = text.split()
    return is_uppercase_line(text) or (
        len(words) <= 10 and words[0][:1].isupper() and not re.search(r"[.,;]$", text)
    )


def numbers_in(title: str) -> list[str]:
    """Digits and multi-letter Roman numerals in a normalised title."""
    return [w for w in title.split() if w.isdigit() or (len(w) > 1 and roman_to_int(w.upper()))]


def repair_heading_glyphs(text: str) -> str:
    """Replace Cyrillic/Greek look-alikes in a Latin heading ("воок II" -> "BOOK II").

    A word made only of look-alikes is OCR of small capitals, so it becomes capitals.
    """

    def repair(word: str) -> str:
        fixed = word.translate(HOMOGLYPHS)
        if fixed == word or any(ch.isalpha() and ord(ch) > 0x24F for ch in fixed):
            return word  # unchanged, or real Cyrillic/Greek text: leave it alone
        non_latin = [ch for ch in word if ch.isalpha() and ord(ch) > 0x24F]
        if len(non_latin) == len([ch for ch in word if ch.isalpha()]):
            return fixed.upper()
        return fixed

    return " ".join(repair(w) for w in text.split(" "))


# ---------------------------------------------------------------- rules on lines


def page_label(text: str) -> str:
    """The page number as printed, with OCR's t/l/I for 1 repaired ("t85" -> "185")."""
    raw = PAGE_NUMBER_RE.match(text)
    digits = raw.group(1) if raw else text
    return re.sub(r"^[tlIi|]", "1", digits)


def split_numeral_title(text: str) -> tuple[str, str] | None:
    """ "VIII THE ROAD OF …" on one line -> ("VIII", "THE ROAD OF …")."""
    m = re.match(r"^([IVXLC]{2,6}|V|X)\s+(.+)$", text.strip())
    if m and roman_to_int(m.group(1)) and is_uppercase_line(m.group(2)):
        return m.group(1), m.group(2)
    return None


def strip_inline_markup(text: str) -> str:
    """Text as spoken: no emphasis asterisks, note markers, or editorial brackets."""
    # each rule runs only where its symbol occurs: this is called on every paragraph
    if "^" in text:
        text = INLINE_NOTE_MARK_RE.sub("", text)
    if "\\" in text:
        text = re.sub(r"\$?\\math[a-z]+\s*\{?\s*(\w+)\s*\}?\$?", r"\1", text)  # OCR'd LaTeX
    text = re.sub(r"(?<!\s)\s+(?=[,.;:!?])", "", text.replace("^", " ").replace("\\$", "$"))
    if "*" in text:
        # *emphasis* only when the stars hug words and stand between them, as in Markdown:
        # in "*" / "0*0" they do neither, and taken for emphasis they made "0 0" into "00".
        text = re.sub(r"(?<!\w)\*{1,3}(?=[^\s*])([^*]+?)(?<=[^\s*])\*{1,3}(?!\w)", r"\1", text)
        text = text.replace("*", " ")
    if "[" in text:
        # "[Henry] Ford" -> "Henry Ford"; "0[0]0" keeps its three words apart
        text = re.sub(r"(?<=\w)\[(?=[^\]\n]{1,60}\])", " [", text)
        text = re.sub(r"\[([^\]\n]{1,60})\](?=\w)", r"\1 ", text)
        text = re.sub(r"\[([^\]\n]{1,60})\](?=\s*[\"'])", r"\1", text)
        text = re.sub(r"\[([^\]\n]{1,60})\](?=\s+\w)", r"\1", text)
    if "[" in text or "]" in text:
        # whatever brackets remain are markup too: the words inside are read, never "[" or "]"
        text = text.replace("[", " ").replace("]", " ")
    if "(" in text:
        text = re.sub(r"\(\s*\)", "", text)  # "(*)" once its star is gone
    if "|" in text:
        text = text.replace("|", " ")  # a table's rule, as e-texts draw lists of persons
    if "_" in text:
        # _italics_ of e-texts and Markdown; snake_case inside a word stays as it is
        # (an italic span is bounded: an underscore that never closes must not make every
        # later one scan to the end of the line)
        text = re.sub(r"(?<![^\W_])_+(?=[^\s_])(.{1,300}?)(?<=[^\s_])_+(?![^\W_])", r"\1", text)
        text = re.sub(r"(?<![^\W_])_+|_+(?![^\W_])", " ", text)
    if ". ." in text:
        text = re.sub(r"(?<!\s)\s*\.\s\.\s\.(\s\.)?", "…", text)
    # Runs of space are matched from their start only (?<!\s): tried from every position of
    # a long run, this pattern would take quadratic time on one long line. Once more at the
    # end: markup taken out above may leave a space before a stop ("[Stiffly_._]").
    text = re.sub(r"(?<!\s)\s+(?=[,.;:!?])", "", text)
    text = re.sub(r"\s{2,}", " ", text)
    return text.strip()


def keep_hyphen(head: str, tail: str) -> bool:
    """Does a hyphen at a line break belong to the word (a compound) or to the layout?"""
    if not tail:
        return True
    if tail[:1].isupper():
        return True  # Verkhne-Uralsk, anti-Soviet, Yugo-Slav
    if not have_word_list():
        return False
    if is_english_word(head + tail):
        return False  # oppres-sion
    return is_english_word(head) and is_english_word(tail)  # self-imposed, trade-union


def titlecase_name(name: str) -> str:
    return " ".join(w if len(w) <= 1 else w[:1] + w[1:].lower() for w in name.split())
