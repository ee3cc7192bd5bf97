"""What is said: numbers, dates, Roman numerals, money and abbreviations in words (issue 13).

Every engine reads "1934", "£5" or "Henry VIII" its own way, and often wrongly ("one
thousand nine hundred…", "pound five", "Henry V I I I"). This stage says them once, the
same for every voice: `spoken_form` is what synthesis speaks, `with_spoken_forms` puts it
into the script (`Segment.say`) so that `script --json` shows it. The written text is never
changed; captions, EPUB and DAISY show it as printed.

A text is said in two steps. First the lexicon (audiobook.lexicon: a cast's entries, the
built-in English abbreviations, dotted initialisms): what it names is said as it says, and
no rule touches those words again ("1984" = "nineteen eighty-four" in a cast stays so).
Then the rules of `RULES`, in order, each a small named entry: its languages, a pattern and
what the match is said as. A variant (another language, another reading) is another entry.
Numbers are put into words by num2words in every language it speaks; a text in any other
language is left as written, save for the lexicon.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

from num2words import CONVERTER_CLASSES, num2words

from audiobook.language_codes import language_code
from audiobook.lexicon import Respelling, keep_full_stop, lexicon_respellings, respelled
from audiobook.model import Script
from audiobook.textforms import roman_to_int

__all__ = [
    "RULES",
    "SayRule",
    "number_to_words",
    "spoken_form",
    "with_spoken_forms",
]

NO_LEXICON: Mapping[str, str] = MappingProxyType({})
# num2words' name for a language where it is not the ISO 639-1 code.
_NUM2WORDS_CODES = {"nb": "no", "nn": "no", "kk": "kz"}
# The languages num2words speaks: their numbers are said in words.
NUMBER_LANGUAGES = frozenset(
    [code for code in CONVERTER_CLASSES if len(code) == 2] + list(_NUM2WORDS_CODES)
)
EN = frozenset({"en"})
FR = frozenset({"fr"})
# Languages that say a year otherwise than the number ("nineteen thirty-four",
# "neunzehnhundertvierunddreißig"); elsewhere a year is the number.
YEAR_LANGUAGES = frozenset({"en", "de", "nl"})
# How numbers are written: languages that group thousands with a dot and write a decimal
# comma ("1.000,5"), and those that group with a space ("1 000,5"). All others: "1,000.5".
DOT_GROUPS = frozenset("de es it pt nl da tr id ro sl hr sr el ca".split())
SPACE_GROUPS = frozenset("fr ru pl cs sk sv no nb nn fi uk be hu lt lv et kz kk".split())

# A number as written: digits, with group separators or a decimal mark between digits only.
NUMBER = r"[0-9]+(?:[.,][0-9]+)*"
_BEFORE_NUMBER = r"(?<![\w.,:/])"  # not inside a word, a version number, a decimal or a date
_AFTER_NUMBER = r"(?![\w]|[.,:/][0-9])"
ROMAN = r"[IVXLCDM]+|[ivxlcdm]+"

MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH = "(" + "|".join(MONTHS) + ")"
# Names borne by kings, emperors and popes: "Henry VIII" is "Henry the Eighth".
REGNAL_NAMES = frozenset(
    """Adolf Adolphus Afonso Alexander Alexios Alfonso Amadeus Amenhotep Andronikos Anne
    Antiochus Artaxerxes Augustus Baldwin Basil Benedict Bohemond Boleslaw Boniface Boris
    Canute Carlos Casimir Catherine Celestine Charles Christian Christina Clement Constantine
    Cosimo Darius David Demetrius Edmund Edward Elizabeth Eric Ernest Ferdinand Francis
    Frederick Friedrich Fuad George Gregory Gustav Gustavus Haakon Harald Henri Henry Herod
    Hugh Innocent Isabella Ivan Jaime James Joanna John Joseph Juan Julius Karl Leo Leopold
    Louis Ludwig Magnus Manuel Margaret Maria Mary Matthias Maximilian Mehmed Michael Murad
    Napoleon Nicholas Olaf Otto Paul Pedro Peter Philip Philippe Pius Ptolemy Rainier Ramesses
    Rameses Richard Robert Rudolf Sancho Selim Sergius Sigismund Sixtus Stanislaus Stephen
    Suleiman Sweyn Theodore Thutmose Umberto Urban Valdemar Vasily Victor Wilhelm William
    Xerxes""".split()
)
# Words after which a Roman numeral is a count ("Chapter XIV" is "Chapter fourteen").
NUMBERED_LABELS = frozenset(
    """Act Appendix Article Book Canto Chapter Class Division Epistle Figure Grade Lecture
    Lesson Letter Level Part Phase Plate Psalm Round Scene Section Stage Stave Table Type
    Volume""".split()
)
# Counted things: a four-digit number before one of them is an amount, not a year.
COUNTED_WORDS = frozenset(
    """acres copecks copies crowns days degrees dollars euros feet florins francs grammes
    grams guilders hectares hours inches kilograms kilometres kilometers kilos km kopecks
    lire litres liters marks members men metres meters miles minutes ounces oz pages
    peasants people per persons pesetas pounds prisoners roubles rubles seconds shillings
    soldiers tonnes tons troops versts votes women words workers yards years""".split()
)
# Abbreviations before a number: "No. 5" is "number five", "pp. 12–15" "pages twelve to
# fifteen". Keys are lower case; the value is (one, more than one).
NUMBERED_ABBREVIATIONS = {
    "no": ("number", "numbers"),
    "nos": ("numbers", "numbers"),
    "p": ("page", "pages"),
    "pp": ("pages", "pages"),
    "vol": ("volume", "volumes"),
    "vols": ("volumes", "volumes"),
    "fig": ("figure", "figures"),
    "figs": ("figures", "figures"),
    "ch": ("chapter", "chapters"),
    "chap": ("chapter", "chapters"),
    "art": ("article", "articles"),
}
# Titles before a name; those of _UNDOTTED_TITLES are also written without a full stop.
TITLES = {
    "Mr": "Mister",
    "Mrs": "Missus",
    "Ms": "Miz",
    "Dr": "Doctor",
    "St": "Saint",
    "Prof": "Professor",
    "Rev": "Reverend",
    "Revd": "Reverend",
    "Capt": "Captain",
    "Col": "Colonel",
    "Gen": "General",
    "Lt": "Lieutenant",
    "Sgt": "Sergeant",
    "Cpl": "Corporal",
    "Gov": "Governor",
    "Sen": "Senator",
    "Mt": "Mount",
    "Fr": "Father",
}
_UNDOTTED_TITLES = ("Mr", "Mrs", "Ms", "Dr", "St")
# After a name, "Baker St." is a street and "Mulholland Dr." a drive.
AFTER_NAMES = {"St": "Street", "Dr": "Drive"}
# Words that begin a sentence, not a name: "in Baker St. Then …" is a street.
_SENTENCE_STARTS = frozenset(
    "A An And As At But He Her His I If In It My No Now On She So That The Then There They "
    "This We What When Yet You".split()
)
MONEY_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY"}
# English names of money: (one, more) for the unit and for its hundredth.
ENGLISH_MONEY = {
    "GBP": (("pound", "pounds"), ("penny", "pence")),
    "USD": (("dollar", "dollars"), ("cent", "cents")),
    "EUR": (("euro", "euros"), ("cent", "cents")),
    "JPY": (("yen", "yen"), None),
}
PERCENT_WORDS = {
    "en": "per cent",
    "de": "Prozent",
    "fr": "pour cent",
    "es": "por ciento",
    "it": "per cento",
    "pt": "por cento",
    "nl": "procent",
    "da": "procent",
    "sv": "procent",
    "no": "prosent",
    "pl": "procent",
    "cs": "procent",
}
RANGE_WORDS = {
    "en": "to",
    "de": "bis",
    "fr": "à",
    "es": "a",
    "it": "a",
    "pt": "a",
    "nl": "tot",
    "da": "til",
    "sv": "till",
    "no": "til",
    "pl": "do",
}
FRACTIONS = {
    "½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅕": (1, 5),
    "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8),
}  # fmt: skip
# Units written short after a number: (one, more than one).
UNITS = {
    "oz": ("ounce", "ounces"),
    "lb": ("pound", "pounds"),
    "lbs": ("pounds", "pounds"),
    "km": ("kilometre", "kilometres"),
    "kg": ("kilogram", "kilograms"),
    "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"),
    "ft": ("foot", "feet"),
    "mph": ("mile per hour", "miles per hour"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
}
DIGITS = "0123456789"
MIN_SERIAL_DIGITS = 7  # a hyphenated string of digits this long is said digit by digit
MAX_CARDINAL_DIGITS = 15  # longer digit strings (ISBNs, serial numbers) are said digit by digit


# ---------------------------------------------------------------- numbers in words


def _lang(language: str) -> str:
    return _NUM2WORDS_CODES.get(language, language)


@functools.lru_cache(maxsize=4096)
def number_to_words(n: int, language: str = "en") -> str:
    """A whole number in words: 1934 -> "one thousand nine hundred and thirty-four"."""
    if len(str(abs(n))) > MAX_CARDINAL_DIGITS:
        return digits_to_words(str(n), language)
    return num2words(n, lang=_lang(language)).replace(",", "")


def digits_to_words(digits: str, language: str = "en") -> str:
    """Digit by digit: "0161" -> "zero one six one"."""
    return " ".join(number_to_words(int(d), language) for d in digits if d.isdigit())


@functools.lru_cache(maxsize=1024)
def year_to_words(n: int, language: str = "en") -> str:
    """1934 -> "nineteen thirty-four", 1900 -> "nineteen hundred", 2005 -> "two thousand and
    five"; the number itself in languages that say years so."""
    if language not in YEAR_LANGUAGES:
        return number_to_words(n, language)
    return num2words(n, lang=_lang(language), to="year").replace(",", "")


@functools.lru_cache(maxsize=1024)
def ordinal_to_words(n: int, language: str = "en") -> str:
    """21 -> "twenty-first"."""
    return num2words(n, lang=_lang(language), to="ordinal").replace(",", "")


def parse_number(written: str, language: str) -> tuple[str, str] | None:
    """(whole digits, decimal digits) of a number as this language writes it, or None when it
    is no number there ("3.1.4", "1,2" in English): "1,000.5" -> ("1000", "5")."""
    group, point = (".", ",") if language in DOT_GROUPS | SPACE_GROUPS else (",", ".")
    whole, _, decimals = written.partition(point)
    if (decimals and not decimals.isdigit()) or (point in written and not decimals):
        return None
    if group in whole:
        first, *rest = whole.split(group)
        if not 1 <= len(first) <= 3 or any(len(g) != 3 for g in rest):
            return None
        whole = "".join([first, *rest])
    return whole, decimals


def written_number_to_words(written: str, language: str) -> str | None:
    """A written number in words ("3.14" -> "three point one four"), or None."""
    parsed = parse_number(written, language)
    if parsed is None:
        return None
    whole, decimals = parsed
    if len(whole) > MAX_CARDINAL_DIGITS or len(decimals) > MAX_CARDINAL_DIGITS:
        return digits_to_words(written, language)
    if not decimals:
        return number_to_words(int(whole), language)
    if language == "en":  # num2words drops trailing zeros: "3.50" is "three point five zero"
        return f"{number_to_words(int(whole))} point {digits_to_words(decimals)}"
    return num2words(Decimal(f"{whole}.{decimals}"), lang=_lang(language)).replace(",", "")


def _capitalised(words: str) -> str:
    return "-".join(part.capitalize() for part in words.split("-"))


# ---------------------------------------------------------------- rules


Say = Callable[[re.Match[str], str], str]


@dataclass(frozen=True)
class SayRule:
    """One way of saying something written: where it applies and what it says."""

    name: str
    languages: frozenset[str]  # ISO 639-1 codes of the texts it applies to
    pattern: re.Pattern[str]
    say: Say  # (the match, the language) -> what is said; the match itself leaves it
    needs: str = ""  # characters one of which a text must hold for the rule to match


def _space_groups(m: re.Match[str], language: str) -> str:
    return re.sub(r"\s", "", m.group(0))


def _money(m: re.Match[str], language: str) -> str:
    """£5, $3.50, €20, £5 million, 5 € and, in English, £5 10s. 6d."""
    symbol = m.group("symbol") or m.group("after")
    written = m.group("amount") or m.group("amount_after")
    parsed = parse_number(written, language)
    if parsed is None:
        return m.group(0)
    whole, decimals = parsed
    scale = (m.group("scale") or "").lower()
    scale = {"m": "million", "bn": "billion", "k": "thousand"}.get(scale, scale)
    code = MONEY_SYMBOLS[symbol]
    if language != "en":
        return _money_in(language, code, whole, decimals, scale) or m.group(0)
    (one, more), hundredth = ENGLISH_MONEY[code]
    if scale:
        amount = written_number_to_words(written, language)
        return f"{amount} {scale} {more}"
    units = int(whole)
    if decimals and (len(decimals) > 2 or hundredth is None):
        return f"{written_number_to_words(written, language)} {more}"
    cents = int(decimals.ljust(2, "0")) if decimals else 0
    said = [f"{number_to_words(units)} {one if units == 1 else more}"] if units or not cents else []
    if cents and hundredth:
        said.append(f"{number_to_words(cents)} {hundredth[0] if cents == 1 else hundredth[1]}")
    if m.group("shillings"):
        said.append(_old_money(m.group("shillings"), m.group("pence")))
    return " ".join(said)


def _money_in(language: str, code: str, whole: str, decimals: str, scale: str) -> str | None:
    """An amount in another language, in num2words' names for its money; None when it has
    none for this currency."""
    converter = CONVERTER_CLASSES.get(_lang(language))
    forms = getattr(converter, "CURRENCY_FORMS", {}).get(code)
    if converter is None or forms is None or scale:
        return None
    if decimals.strip("0"):
        value = Decimal(f"{whole}.{decimals}")
        return str(num2words(value, lang=_lang(language), to="currency", currency=code))
    units = int(whole)
    return f"{number_to_words(units, language)} {converter.pluralize(units, forms[0])}"


def _shillings(m: re.Match[str], language: str) -> str:
    return _old_money(m.group(1), m.group(2))


def _old_money(shillings: str, pence: str | None) -> str:
    """ "10", "6" -> "ten shillings and six pence" (British money before 1971)."""
    said = f"{number_to_words(int(shillings))} shilling{'' if shillings == '1' else 's'}"
    if pence:
        said += f" and {number_to_words(int(pence))} {'penny' if pence == '1' else 'pence'}"
    return said


def _percent(m: re.Match[str], language: str) -> str:
    first = written_number_to_words(m.group(1), language)
    second = written_number_to_words(m.group(2), language) if m.group(2) else None
    if first is None or (m.group(2) and second is None):
        return m.group(0)
    to = RANGE_WORDS.get(language)
    if second and not to:
        return m.group(0)
    said = f"{first} {to} {second}" if second else first
    word = PERCENT_WORDS.get(language)
    return f"{said} {word}" if word else f"{said}%"


def _numbered_abbreviation(m: re.Match[str], language: str) -> str:
    """No. 5, pp. 12–15, vol. III, p. xii, Fig. 3; not "P. M." (a capital and a stop is an
    initial, or the afternoon), which a one-letter numeral would make "page one thousand"."""
    if not _starts_word(m, "."):
        return m.group(0)
    last = m.group(3) or m.group(2)
    initials = m.group(1) == "P" and len(last) == 1 and last.isupper()
    if initials and m.string[m.end() : m.end() + 1] == ".":
        return m.group(0)
    one, more = NUMBERED_ABBREVIATIONS[m.group(1).lower()]
    first = _count_words(m.group(2))
    second = _count_words(m.group(3)) if m.group(3) else None
    if first is None or (m.group(3) and second is None):
        return m.group(0)
    if second:
        return f"{more} {first} to {second}"
    return f"{one} {first}"


def _count_words(written: str) -> str | None:
    """A count written in digits or as a Roman numeral, in words."""
    if written[0].isdigit():
        return written_number_to_words(written, "en")
    value = roman_to_int(written.upper())
    return number_to_words(value) if value else None


def _circa(m: re.Match[str], language: str) -> str:
    return f"circa {year_to_words(int(m.group(1)))}"


def _day_of_month(m: re.Match[str], language: str) -> str:
    """5 November -> the fifth of November; 12-19 April -> the twelfth to the nineteenth of
    April."""
    first, last, month = int(m.group(1)), m.group(2), m.group(3)
    if not _starts_word(m, ".,") or not 1 <= first <= 31 or (last and not first < int(last) <= 31):
        return m.group(0)
    the = "" if re.search(r"\b[Tt]he\s+$", m.string[max(0, m.start() - 5) : m.start()]) else "the "
    said = f"{the}{ordinal_to_words(first)}"
    if last:
        said += f" to the {ordinal_to_words(int(last))}"
    return f"{said} of {month}"


def _month_day(m: re.Match[str], language: str) -> str:
    """November 5 -> November fifth; November 27/28 -> November twenty-seventh to twenty-eighth."""
    month, first, last = m.group(1), int(m.group(2)), m.group(3)
    if not 1 <= first <= 31 or (last and not first < int(last) <= 31):
        return m.group(0)
    said = f"{month} {ordinal_to_words(first)}"
    return f"{said} to {ordinal_to_words(int(last))}" if last else said


def _plural(words: str) -> str:
    """ "nineteen thirty" -> "nineteen thirties", "eighteen hundred" -> "eighteen hundreds"."""
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _decade(m: re.Match[str], language: str) -> str:
    """The 1930s, the 1800s, the '30s."""
    if m.group(1):
        return _plural(year_to_words(int(m.group(1))))
    return _plural(number_to_words(int(m.group(2))))


def _ordinal(m: re.Match[str], language: str) -> str:
    return ordinal_to_words(int(m.group(1)))


def _french_ordinal(m: re.Match[str], language: str) -> str:
    """1er -> premier, 1re -> première, 19e -> dix-neuvième, XIXe -> dix-neuvième."""
    written, suffix = m.group(1), m.group(2)
    value = int(written) if written.isdigit() else roman_to_int(written)
    if not value:
        return m.group(0)
    if value == 1:
        return "première" if suffix in ("re", "ère") else "premier"
    return ordinal_to_words(value, "fr")


def _world_war(m: re.Match[str], language: str) -> str:
    number = m.group(1) or m.group(2)
    return "World War " + ("One" if number in ("I", "1") else "Two")


def _numbered_label(m: re.Match[str], language: str) -> str:
    """Chapter XIV -> Chapter fourteen; Part I -> Part one."""
    numeral = m.group(2)
    if not _starts_word(m):
        return m.group(0)
    if len(numeral) == 1 and numeral.upper() not in "IVX":
        return m.group(0)  # "Class C", "Appendix D": letters
    value = roman_to_int(numeral.upper())
    return f"{m.group(1)} {number_to_words(value)}" if value else m.group(0)


def _regnal(m: re.Match[str], language: str) -> str:
    """Henry VIII -> Henry the Eighth; Apollo XI -> Apollo Eleven; a single letter only after
    a monarch's name ("Elizabeth I"), and never an initial ("George V. Higgins")."""
    name, numeral = m.group(1), m.group(2)
    value = roman_to_int(numeral)
    if not value or not _starts_word(m):
        return m.group(0)
    if name in REGNAL_NAMES:
        after = m.string[m.end() : m.end() + 3]
        if len(numeral) == 1 and re.match(r"\.\s+[A-Z]", after):
            return m.group(0)  # an initial: "George V. Higgins"
        if (
            numeral == "I"
            and re.match(r"\s+[a-z]", after)
            and not _REIGNS.search(m.string[max(0, m.start() - 10) : m.start()])
        ):
            return m.group(0)  # "Mary I think", unless "Queen Elizabeth I was"
        return f"{name} the {_capitalised(ordinal_to_words(value))}"
    if len(numeral) == 1:
        return m.group(0)
    return f"{name} {_capitalised(number_to_words(value))}"


_REIGNS = re.compile(
    r"\b(?:King|Queen|Tsar|Czar|Tsarina|Emperor|Empress|Kaiser|Pope|Prince|Princess|Duke|"
    r"Sultan|Shah|Pharaoh)\s+$"
)


def _time(m: re.Match[str], language: str) -> str:
    """10:30 -> ten thirty; 10:05 -> ten oh five; 9:00 -> nine o'clock. A full stop between
    hours and minutes only before "a.m." or "o'clock", or after "at", "by" … (British "at
    3.10"), and not before what an amount counts ("at 2.50 roubles")."""
    hours, minutes = int(m.group(1)), int(m.group(3))
    if not _starts_word(m, ".,:") or hours > 23:
        return m.group(0)
    after = m.string[m.end() : m.end() + 12]
    half_day = re.match(r"\s?[AaPp]\.?[Mm]\b", after)
    if m.group(2) == ".":
        before = m.string[max(0, m.start() - 8) : m.start()]
        clock = half_day or after.startswith((" o'clock", " o’clock"))
        told = _TIME_TOLD.search(before) and not re.match(r"\s?%", after)
        if hours > 12 or not (clock or (told and not _counted_next(m))):
            return m.group(0)
    hour = number_to_words(hours)
    if minutes == 0:
        if half_day:
            return hour
        return f"{hour} hundred" if hours > 12 or hours == 0 else f"{hour} o'clock"
    if minutes < 10:
        return f"{hour} oh {number_to_words(minutes)}"
    return f"{hour} {number_to_words(minutes)}"


_TIME_TOLD = re.compile(r"\b(?:at|by|until|till|about|after|before)\s$")


def _range(m: re.Match[str], language: str) -> str:
    """1917–21 -> nineteen seventeen to twenty-one; 12–15 -> twelve to fifteen."""
    first, dash, last = m.group(1), m.group(2) or m.group(3), m.group(4)
    to = RANGE_WORDS.get(language)
    if to is None:
        return m.group(0)
    year = _year_value(first, language)
    if year is not None:
        if len(last) == 2 and int(last) > year % 100:
            said = digits_to_words(last) if last[0] == "0" else number_to_words(int(last), language)
            return f"{year_to_words(year, language)} {to} {said}"
        later = _year_value(last, language)
        if later is not None and later > year:
            return f"{year_to_words(year, language)} {to} {year_to_words(later, language)}"
        return m.group(0)  # "in 1926–120,000": a year, a dash, an amount
    if dash == "—" or (dash == "-" and (len(first) > 3 or len(last) > 3)):
        return m.group(0)  # an em dash between numbers is punctuation; 555-1234 no range
    one, other = parse_number(first, language), parse_number(last, language)
    if one is None or other is None or Decimal(".".join(one)) >= Decimal(".".join(other)):
        return m.group(0)  # a range goes up; "3–2" is a score, each number said as it is
    return (
        f"{written_number_to_words(first, language)} {to} {written_number_to_words(last, language)}"
    )


def _year_value(written: str, language: str) -> int | None:
    if language in YEAR_LANGUAGES and re.fullmatch(r"1[0-9]{3}|20[0-9]{2}", written):
        return int(written)
    return None


def _counted_next(m: re.Match[str]) -> bool:
    """Whether the word after the match names what a number counts ("1500 roubles")."""
    after = re.match(r"\s+(\w+)", m.string[m.end() : m.end() + 30])
    return bool(after) and after.group(1).lower() in COUNTED_WORDS  # type: ignore[union-attr]


def _year(m: re.Match[str], language: str) -> str:
    """In 1934 -> in nineteen thirty-four; but 1500 roubles is an amount."""
    if language == "en" and _counted_next(m):
        return number_to_words(int(m.group(0)))
    return year_to_words(int(m.group(0)), language)


def _digit_string(m: re.Match[str], language: str) -> str:
    """A telephone or serial number, digit by digit: 0161 496 0000, 555-1234, an ISBN; but
    not a short pair like the score 3-2."""
    groups = re.findall(r"\+?[0-9]+", m.group(0))
    if m.group(0)[0] not in "+0" and sum(len(g) for g in groups) < MIN_SERIAL_DIGITS:
        return m.group(0)
    said = [("plus " if g.startswith("+") else "") + digits_to_words(g, language) for g in groups]
    return ", ".join(said)


def fraction_to_words(top: int, bottom: int, whole: int | None = None) -> str:
    """(1, 2) -> "one half", (3, 4) -> "three quarters", (1, 2, 9) -> "nine and a half"."""
    name = "half" if bottom == 2 else "quarter" if bottom == 4 else ordinal_to_words(bottom)
    if top == 1:
        part = f"{'a' if whole is not None else 'one'} {name}"
    else:
        part = f"{number_to_words(top)} {'halve' if bottom == 2 else name}s"
    return f"{number_to_words(whole)} and {part}" if whole is not None else part


def _fraction(m: re.Match[str], language: str) -> str:
    """9½ -> nine and a half; ¾ -> three quarters; 2/3 -> two thirds."""
    whole = m.group(1) or m.group(3)
    if m.group(2):
        top, bottom = FRACTIONS[m.group(2)]
    else:
        top, bottom = int(m.group(4)), int(m.group(5))
        if not 0 < top < bottom <= 10:
            return m.group(0)
    said = fraction_to_words(top, bottom, int(whole) if whole else None)
    return said + " " if m.string[m.end() : m.end() + 1].isalnum() else said


def _unit(m: re.Match[str], language: str) -> str:
    """25 oz. -> twenty-five ounces; 2.2 lb -> two point two pounds; ½lb -> half a pound."""
    written, glyph, unit = m.group(1), m.group(2) or m.group(3), m.group(4)
    one, more = UNITS[unit]
    minus = "minus " if written and written[0] in "−-" else ""
    written = written.lstrip("−-") if written else written
    if written is None:  # a fraction alone: half a pound, three quarters of a mile
        top, bottom = FRACTIONS[glyph]
        article = "an" if one[0] in "aeiou" else "a"
        if (top, bottom) == (1, 2):
            return keep_full_stop(m, f"half {article} {one}")
        return keep_full_stop(m, f"{fraction_to_words(top, bottom)} of {article} {one}")
    amount = written_number_to_words(written, language)
    if amount is None:
        return m.group(0)
    if glyph:
        top, bottom = FRACTIONS[glyph]
        whole = parse_number(written, language)
        if whole is None or whole[1]:
            return m.group(0)
        amount = fraction_to_words(top, bottom, int(whole[0]))
    said = f"{minus}{amount} {one if written == '1' and not glyph else more}"
    if re.match(r"\s*[0-9]", m.string[m.end() : m.end() + 3]):
        return said  # "2 lb. 4 oz.": the full stop ends no sentence
    return keep_full_stop(m, said)


def _number(m: re.Match[str], language: str) -> str:
    """42 -> forty-two; 1,200 -> one thousand two hundred; 3.14 -> three point one four."""
    said = written_number_to_words(m.group(2), language)
    if said is None:
        return m.group(0)
    return f"minus {said}" if m.group(1) and language == "en" else (m.group(1) or "") + said


def _title(m: re.Match[str], language: str) -> str:
    """Mr. Smith -> Mister Smith; St. Petersburg -> Saint Petersburg; Baker St. -> Baker Street."""
    abbreviation = m.group(1)
    if not _starts_word(m, "-.") or (abbreviation not in _UNDOTTED_TITLES and m[0][-1] != "."):
        return m.group(0)  # Sun-Yat-Sen; "Gen" without its full stop is no title
    after = m.string[m.end() : m.end() + 40]
    before = m.string[max(0, m.start() - 40) : m.start()]
    next_word = re.match(r"\s+([^\W\d_][\w'’]*)", after)
    names_follow = bool(next_word) and next_word.group(1) not in _SENTENCE_STARTS  # type: ignore[union-attr]
    if abbreviation in AFTER_NAMES and re.search(r"(?:\b[A-Z][\w'’]*|[0-9]\w*)\s+$", before):
        if not (names_follow and next_word.group(1)[0].isupper()):  # type: ignore[union-attr]
            return keep_full_stop(m, AFTER_NAMES[abbreviation])
    if names_follow:
        return TITLES[abbreviation]
    return m.group(0)


def _starts_word(m: re.Match[str], joins: str = "") -> bool:
    """Whether the match begins a word: no letter, digit or one of `joins` just before it.

    (Checked here rather than by a lookbehind, which would keep the regular expression
    engine from skipping quickly to where a match can begin.)"""
    before = m.string[m.start() - 1 : m.start()]
    return not before or not (before.isalnum() or before == "_" or before in joins)


def _rule(
    name: str, languages: frozenset[str], pattern: str, say: Say, needs: str = DIGITS
) -> SayRule:
    return SayRule(name, languages, re.compile(pattern), say, needs)


_ALL = NUMBER_LANGUAGES
_DAY = r"([0-9]{1,2})(?:st|nd|rd|th)?"

RULES: tuple[SayRule, ...] = (
    _rule(
        "space-grouped numbers",
        SPACE_GROUPS,
        rf"{_BEFORE_NUMBER}[0-9]{{1,3}}(?:[ \u00a0\u202f][0-9]{{3}})+(?![0-9])",
        _space_groups,
    ),
    _rule(
        "titles",
        EN,
        r"(" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\b\.?(?!\w)",
        _title,
        needs="",
    ),
    _rule(
        "money",
        _ALL,
        rf"(?:(?P<symbol>[£$€¥])\s?(?P<amount>{NUMBER})"
        r"(?:\s?(?P<scale>million|billion|trillion|thousand|bn|m|k)\b)?"
        r"(?:\s(?P<shillings>[0-9]{1,2})s\b\.?(?:\s?(?P<pence>[0-9]{1,2})d\b\.?)?)?"
        rf"|{_BEFORE_NUMBER}(?P<amount_after>{NUMBER})\s?(?P<after>[£$€¥]))",
        _money,
        needs="£$€¥",
    ),
    _rule(
        "shillings and pence",
        EN,
        rf"{_BEFORE_NUMBER}([0-9]{{1,2}})s\.?\s?([0-9]{{1,2}})d\b\.?",
        _shillings,
    ),
    _rule(
        "percentages",
        _ALL,
        rf"{_BEFORE_NUMBER}({NUMBER})(?:\s?[–-]\s?({NUMBER}))?\s?%",
        _percent,
        needs="%",
    ),
    _rule(
        "units",
        EN,
        rf"{_BEFORE_NUMBER}(?:([−-]?{NUMBER})\s?([½¼¾⅓⅔⅕⅛⅜⅝⅞])?|([½¼¾⅓⅔⅕⅛⅜⅝⅞]))\s?"
        r"(" + "|".join(map(re.escape, sorted(UNITS, key=len, reverse=True))) + r")(?!\w)\.?",
        _unit,
        needs=DIGITS + "".join(FRACTIONS),
    ),
    _rule(
        "numbered abbreviations",
        EN,
        r"(" + "|".join(k.capitalize() + "|" + k for k in NUMBERED_ABBREVIATIONS) + r")\."
        rf"\s?({NUMBER}|{ROMAN})(?:\s?[–-]\s?({NUMBER}|{ROMAN}))?{_AFTER_NUMBER}",
        _numbered_abbreviation,
        needs="",
    ),
    _rule("circa", EN, rf"\b(?:c|ca)\.\s?(1[0-9]{{3}}|20[0-9]{{2}}){_AFTER_NUMBER}", _circa),
    _rule(
        "day of the month",
        EN,
        rf"{_DAY}(?:\s?[–/-]\s?{_DAY})?(?:\s+of)?\s+{_MONTH}\b",
        _day_of_month,
    ),
    _rule(
        "month and day",
        EN,
        rf"\b{_MONTH}\s+{_DAY}(?:[–/-]{_DAY})?\b(?![.,]?[0-9])",
        _month_day,
    ),
    _rule(
        "decades",
        EN,
        r"(?<![\w.,'’])(?:(1[0-9][0-9]0|20[0-9]0)|['’]?([2-9]0))['’]?s\b",
        _decade,
    ),
    _rule("ordinals", EN, rf"{_BEFORE_NUMBER}([0-9]+)(?:st|nd|rd|th)\b", _ordinal),
    _rule(
        "ordinals",
        FR,
        r"(?<![\w.,])([0-9]+|[IVX]+|[IVXLC]{2,})(er|re|ère|e|ème|eme)s?\b",  # not "Le", "Ce"
        _french_ordinal,
        needs="",
    ),
    _rule("world wars", EN, r"\bWorld War (II|I|1|2)\b|\bWW(II|I|1|2)\b", _world_war, needs="W"),
    _rule(
        "numbered labels",
        EN,
        r"(" + "|".join(w + "|" + w.upper() for w in sorted(NUMBERED_LABELS)) + r")"
        rf"\s+({ROMAN})\b(?![’'-]?\w)",
        _numbered_label,
        needs="",
    ),
    _rule("regnal numbers", EN, r"([A-Z][a-z]+)\s+([IVX]+)\b(?![-\w])", _regnal, needs=""),
    _rule(
        "times",
        EN,
        r"([0-9]{1,2})([:.])([0-5][0-9])(?![0-9]|[.,:][0-9])",
        _time,
    ),
    _rule(
        "ranges",
        _ALL,
        rf"{_BEFORE_NUMBER}({NUMBER})(?:(-|—)|\s?(–)\s?)({NUMBER}){_AFTER_NUMBER}",
        _range,
    ),
    _rule(
        "digit strings",
        _ALL,
        r"(?<![\w.,:/+])(?:\+[0-9]{1,3}[ -]?[0-9]+|0[0-9]+)(?:[ -][0-9]{2,})*(?![\w]|[.,][0-9])"
        r"|(?<![\w.,:/])[0-9]+(?:-[0-9]+)+(?![\w]|[.,][0-9])",
        _digit_string,
    ),
    _rule(
        "years",
        YEAR_LANGUAGES,
        rf"{_BEFORE_NUMBER}(?:1[0-9]{{3}}|20[0-9]{{2}}){_AFTER_NUMBER}",
        _year,
    ),
    _rule(
        "fractions",
        EN,
        r"(?<![\w.,/])(?:(?:([0-9]+)\s?)?([½¼¾⅓⅔⅕⅛⅜⅝⅞])"
        r"|(?:([0-9]+)\s)?([1-9])/([1-9]|10)(?![\w/]|[.,][0-9]))",
        _fraction,
        needs=DIGITS + "".join(FRACTIONS),
    ),
    _rule("numbers", _ALL, rf"(?<![\w.,:/])([−-](?=[0-9]))?({NUMBER}){_AFTER_NUMBER}", _number),
)


# ---------------------------------------------------------------- saying a text

# What num2words raises for what a language of it cannot say (Japanese money, say): the
# text is then left as written.
NUM2WORDS_CANNOT = (NotImplementedError, ArithmeticError, ValueError, LookupError)


@functools.lru_cache(maxsize=64)
def rules_for(language: str) -> tuple[SayRule, ...]:
    """The rules that apply to a text in this language (ISO 639-1), in order."""
    return tuple(rule for rule in RULES if language in rule.languages)


def spoken_form(text: str, language: str = "en", lexicon: Mapping[str, str] = NO_LEXICON) -> str:
    """What is said for a text: the lexicon's respellings (`lexicon`, then the built-in
    English abbreviations in an English text, then dotted initialisms), then every rule for
    the language (a language tag: "en", "de-AT") on the words the lexicon left alone."""
    code = language_code(language) or "en"
    respellings = lexicon_respellings(text, lexicon, builtin=code == "en")
    holds: dict[str, bool] = {"": True}  # a rule's needs met, by the text as written
    for rule in rules_for(code):
        if rule.needs not in holds:
            holds[rule.needs] = _any_of(rule.needs).search(text) is not None
        if holds[rule.needs]:
            text, respellings = _said(rule, text, respellings, code)
    return respelled(text, respellings)


@functools.lru_cache(maxsize=16)
def _any_of(characters: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(characters)}]")


def _said(
    rule: SayRule, text: str, respellings: list[Respelling], language: str
) -> tuple[str, list[Respelling]]:
    """The text with the rule applied wherever it matches no respelled word, and the
    respellings moved to where their words now are."""
    pieces: list[str] = []
    moved: list[Respelling] = []
    last = shift = taken = 0
    for m in rule.pattern.finditer(text):
        start, end = m.span()
        while taken < len(respellings) and respellings[taken][1] <= start:
            first, after, spoken = respellings[taken]
            moved.append((first + shift, after + shift, spoken))
            taken += 1
        if taken < len(respellings) and respellings[taken][0] < end:
            continue  # the lexicon's word: said as the lexicon says
        try:
            said = rule.say(m, language)
        except NUM2WORDS_CANNOT:  # num2words has no words for this in this language
            continue
        if said == m.group(0):
            continue
        pieces += [text[last:start], said]
        last = end
        shift += len(said) - (end - start)
    if not pieces:
        return text, respellings
    moved += [
        (first + shift, after + shift, spoken) for first, after, spoken in respellings[taken:]
    ]
    return "".join(pieces) + text[last:], moved


def with_spoken_forms(script: Script) -> Script:
    """The script with `say` set on every segment whose spoken form (the rules and the
    built-in lexicon, in the script's language; no cast's lexicon) differs from its text."""
    chapters = []
    for chapter in script.chapters:
        segments = []
        for segment in chapter.segments:
            said = spoken_form(segment.text, script.language)
            segments.append(replace(segment, say=said if said != segment.text else None))
        chapters.append(replace(chapter, segments=tuple(segments)))
    return replace(script, chapters=tuple(chapters))
