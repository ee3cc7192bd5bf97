"""Quoted dialogue in prose: who says each quotation, from the evidence in the text alone.

Novels and memoirs label no turns: their speech is in quotation marks. Each quotation of a
narration paragraph is given to a character when the text says who speaks, in this order:

1. a speech tag next to it: "said Holmes", "Holmes remarked", "replied he", "cried his
   wife", "said I" (a first-person narrator speaks in the narrator's voice);
2. the two people of an exchange taking turns, when no tag says otherwise;
3. what a quotation says to someone ("My dear Mr. Bennet, …") is not said by them.

"his wife" is Mrs. Bennet when he is Mr. Bennet; "he" and "she" are the person of that sex
in the exchange, or the last one named. Names that are one person ("Mr. Holmes", "Holmes",
"Sherlock Holmes") are one speaker. When the evidence is too weak the quotation stays the
narrator's: a wrong voice is worse than no voice. Narration around a quotation ("said his
lady to him one day") stays the narrator's, in the same paragraph.

The stage is pure (Script -> Script) and opt-in (`--dialogue`, or `dialogue = true` in a
cast); each quotation's speaker comes with a confidence that `script` shows for review.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from audiobook.model import NARRATOR, Character, Script, Segment, SegmentKind
from audiobook.speakers import WordUsage

MINOR_LINES = 5  # characters with fewer quotations share voices (ReadOptions.minor_lines)
MIN_CONFIDENCE = 0.5  # below this a quotation stays the narrator's
TAG_CONFIDENCE = 0.95  # a speech tag naming the speaker
RESOLVED_CONFIDENCE = 0.85  # a tag with a pronoun or a description, resolved
TURN_CONFIDENCE = 0.75  # the other person of a two-person exchange
BEAT_CONFIDENCE = 0.6  # the person the narration just before a quotation is about
MAX_UNTAGGED_TURNS = 12  # an exchange of untagged quotations longer than this loses its thread
MAX_TAG_CHARS = 80  # narration between two parts of one speech ("said his lady to him")
QUIET_PARAGRAPHS = 2  # this many paragraphs of narration end an exchange
RECENT_PARAGRAPHS = 3  # a pronoun looks this far back for the person it stands for

SPEECH_VERBS = (
    "said says say asked asks replied replies answered answers cried cries exclaimed "
    "returned remarked observed continued added shouted whispered muttered murmured called "
    "began repeated resumed rejoined retorted interrupted protested urged suggested "
    "explained declared insisted pleaded sighed laughed groaned growled snapped demanded "
    "inquired enquired responded stammered gasped screamed yelled roared thundered "
    "faltered echoed agreed admitted confessed persisted ventured concluded observed "
    "whispers mutters shouts exclaims remarks observes continues adds begins"
).split()
VERB = r"(?:" + "|".join(sorted(set(SPEECH_VERBS), key=len, reverse=True)) + r")"
TITLES = {
    "mr": "male", "mister": "male", "sir": "male", "lord": "male", "master": "male",
    "captain": None, "colonel": None, "dr": None, "doctor": None, "professor": None,
    "inspector": None, "mrs": "female", "miss": "female", "lady": "female",
    "madame": "female", "madam": "female", "mme": "female", "mlle": "female",
    "ms": "female", "monsieur": "male", "herr": "male", "frau": "female", "count": "male",
    "countess": "female", "prince": "male", "princess": "female", "uncle": "male",
    "aunt": "female", "father": "male", "mother": "female", "brother": "male", "sister": "female",
}  # fmt: skip
TITLE = r"(?:Mr|Mrs|Ms|Dr|Mme|Mlle|St)\.?|(?:Mister|Sir|Lord|Lady|Miss|Madame|Madam|Captain|" \
    r"Colonel|Doctor|Professor|Inspector|Monsieur|Herr|Frau|Count|Countess|Prince|Princess|" \
    r"Uncle|Aunt)"  # fmt: skip
NAME_WORD = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ]+)?"
NAME = rf"(?:(?:{TITLE})\s+)?{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}"
PRONOUNS = {"he": "male", "she": "female", "i": "narrator"}
PRONOUN = r"(?:he|she|I|He|She)"
RELATIONS = {
    "wife": "female", "lady": "female", "husband": "male", "mother": "female",
    "father": "male", "sister": "female", "brother": "male", "daughter": "female",
    "son": "male", "friend": None, "companion": None, "visitor": None, "client": None,
    "guest": None, "host": None, "hostess": "female", "master": "male", "mistress": "female",
    "servant": None, "uncle": "male", "aunt": "female", "cousin": None,
}  # fmt: skip
DESCRIPTION = r"(?:his|her|my|their)\s+(?:" + "|".join(RELATIONS) + r")"
# What a person is, as a text names someone it gives no name ("said the ferryman")
PERSON_NOUNS = (
    "man woman gentleman lady boy girl child youth stranger visitor guest host hostess "
    "servant maid butler footman coachman driver cabman ferryman boatman fisherman farmer "
    "peasant workman labourer soldier sailor officer captain colonel sergeant corporal "
    "guard gaoler jailer warder policeman constable inspector detective magistrate judge "
    "lawyer doctor surgeon nurse priest parson vicar curate clergyman monk nun clerk "
    "secretary director manager landlord landlady innkeeper waiter shopkeeper merchant "
    "tailor baker smith student professor teacher master mistress king queen prince "
    "princess count countess duke duchess baron baroness governor general admiral "
    "prisoner stranger beggar traveller widow widower bride bridegroom cook housekeeper "
    "porter attendant messenger boatswain mate pilot shepherd hunter keeper watchman"
).split()
# "the ferryman", "the old woman": someone the text names by what they are
THE_PERSON = (
    r"the\s+(?:(?:old|young|little|tall|other|elder|younger)\s+)?(?:"
    + "|".join(sorted(set(PERSON_NOUNS), key=len, reverse=True))
    + r")\b"
)


def speaker_group(group: str) -> str:
    return rf"(?P<{group}>{DESCRIPTION}|{THE_PERSON}|{PRONOUN}|{NAME})"


ADVERB = r"(?:\w+ly\s+)?"
# After a quotation: ', said Holmes', ' replied he', ' cried his wife impatiently',
# ' Holmes remarked', ' he said', ' said I'
TAG_AFTER_RE = re.compile(
    rf"^[\s,;:—–-]*(?:{ADVERB}{VERB}\s+{speaker_group('who')}\b"
    rf"|{speaker_group('subject')}\s+{ADVERB}{VERB}\b)"
)
# Before a quotation, at the end of the narration: 'Holmes said, ', 'she answered: '
TAG_BEFORE_RE = re.compile(
    rf"(?:^|[.;!?]\s+|,\s+and\s+){speaker_group('who')}\s+{ADVERB}{VERB}[^.!?]{{0,80}}[,:—]?\s*$"
)
# The end of a dash-opened speech with no closing dash: the stop before its tag ("—Back to
# the house! he said sternly.")
DASH_TAG_RE = re.compile(
    rf"[,.!?…](?=\s+(?:{speaker_group('beat')}\s+{ADVERB}{VERB}|{ADVERB}{VERB}\s+"
    rf"{speaker_group('tagged')})\b)"
)
# "My dear Mr. Bennet," "Watson," "Mr. Bennet, how can you": the person spoken to.
VOCATIVE_RE = re.compile(
    rf"(?:\b(?:my dear|dear|oh|o|my good|my)\s+(?P<called>(?:(?:{TITLE})\s+)?{NAME_WORD})"
    rf"(?=\s*[,!?.]|\s*$)"
    rf"|^[\s“‘\"]*(?P<first>(?:(?:{TITLE})\s+)?{NAME_WORD})(?=\s*[,!?])"
    rf"|,\s+(?P<last>(?:(?:{TITLE})\s+)?{NAME_WORD})(?=[,!?.]?[”’\"]?\s*$))"
)  # at the quotation's start or end, or after "my dear": "Bingley." alone is an answer, and
# "my friend, Dr. Watson, who …" names him without speaking to him
NOT_NAMES = frozenset(
    "I The A An And But Or If Then When While Why What Who How Yes No Oh Ah Well Now "
    "Here There This That These Those It He She We They You My Your His Her Our Their "
    "Mr Mrs Miss Sir Lady Lord God Heaven Chapter Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday January February March April May June July August September October "
    "November December Christmas".split()
)
FIRST_PERSON_SHARE = 0.005  # "I" per word of narration: the narrator is one of the people
PLACE_WORDS = frozenset(
    "Street Road Square Lane Park Hall House Court Place Abbey Castle Bridge Station Hotel "
    "Church College River Hill Valley Avenue Gardens Terrace Row Crescent Inn Club Company "
    "Bank Office Railway Island Lake Sea Ocean Mountain Mountains Forest Wood Woods Farm "
    "Manor Cathedral Palace Tower Gate Market Theatre Museum Hospital School University "
    "Street's Town City County Shire Bay Harbour Harbor Cross Green Common Heath Downs".split()
)
# Someone the narration has just brought in without a name ("A man entered", "The Count
# shrugged"): a "he said" after it may be him, so it is no one we can name.
UNNAMED_SUBJECT_RE = re.compile(
    r"(?:^\s*|[.!?;]\s+|—\s*)(?:The|A|An|Our|This|That)\s+(?:[a-z]+\s+){0,2}(?i:man|woman|"
    r"gentleman|lady|visitor|stranger|count|countess|king|queen|prince|princess|fellow|boy|"
    r"girl|figure|person|officer|client|youth|child|servant|maid|soldier|sailor|doctor)\b"
)
# Words that quote writing, not speech: the narrator reads what was written.
CITATION_RE = re.compile(
    r"\b(?:wrote|writes|written|write|printed|published|proclaimed|headlined|slogan|"
    r"telegraphed|wired|read(?:s)?\s+as\s+follows|declared in|stated in|signed)\b",
    re.IGNORECASE,
)
# Where a sentence ends: not after a title's full stop ("Mr. Crane").
SENTENCE_END_RE = re.compile(
    r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<=[.!?;])\s+"
)
SPOUSES = {("wife", "mr"): "Mrs", ("lady", "mr"): "Mrs", ("husband", "mrs"): "Mr"}


# ---------------------------------------------------------------- finding quotations


@dataclass(frozen=True)
class Quote:
    """A quotation in a paragraph: where its marks are, and whether it runs on into the
    next paragraph (a speech of several paragraphs opens each with a quotation mark)."""

    start: int  # index of the opening mark
    end: int  # index after the closing mark (the paragraph's end when it runs on)
    runs_on: bool = False


DASH = "—"
DASH_OPENING_RE = re.compile(r"^\s*[—–―]\s*\S")
# a dash after a stop, before a tag in lower case: "—Yes, — said he"
DASH_CLOSING_RE = re.compile(r"(?<=[,.!?…;])\s*[—–―]\s*(?=[a-zà-ÿ])")
# a dash that takes the speech up again after the tag: "said he, — I will."
DASH_REOPENING_RE = re.compile(r"[,.;:]\s*([—–―])\s*(?=\S)")
OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"', "‘": "’"}


def quote_style(texts: Iterable[str]) -> str:
    """The mark a book opens its quotations with: “, ‘, « or \" (the most used), or a dash
    at the start of a paragraph, as Joyce and many French and Russian novels print speech."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts[DASH] += 1 if DASH_OPENING_RE.match(text) else 0
        counts["“"] += text.count("“")
        counts["«"] += text.count("«")
        counts['"'] += text.count('"') // 2
        counts["‘"] += len(re.findall(r"(?:^|[\s(—–-])‘", text))
    mark, count = counts.most_common(1)[0] if counts else ("“", 0)
    return mark if count else "“"


def find_quotes(text: str, opener: str) -> list[Quote]:
    """The quotations of one paragraph, in order, marked with `opener`."""
    if opener == DASH:
        return dash_quotes(text)
    closer = OPENERS[opener]
    quotes: list[Quote] = []
    at = 0
    while True:
        start = _next_opener(text, opener, at)
        if start < 0:
            return quotes
        end = _closing(text, start + 1, opener, closer)
        if end < 0:
            quotes.append(Quote(start, len(text), runs_on=True))
            return quotes
        quotes.append(Quote(start, end + 1))
        at = end + 1


def dash_quotes(text: str) -> list[Quote]:
    """A paragraph opening with a dash is speech: up to a dash that closes it before a tag
    ("—Yes, — said he, — I will."), or up to a tag after its last stop ("—Back to the
    house! he said."), or to the end."""
    if not DASH_OPENING_RE.match(text):
        return []
    quotes: list[Quote] = []
    start = text.index(text.lstrip()[0])
    while True:
        closing = DASH_CLOSING_RE.search(text, start + 1)
        if closing is not None:
            quotes.append(Quote(start, closing.start()))
            resume = closing.end()
        else:
            tag = DASH_TAG_RE.search(text, start + 1)
            if tag is None:
                quotes.append(Quote(start, len(text)))
                return quotes
            quotes.append(Quote(start, tag.start() + 1))
            resume = tag.end()
        reopening = DASH_REOPENING_RE.search(text, resume)
        if reopening is None:
            return quotes
        start = reopening.start(1)


def _next_opener(text: str, opener: str, at: int) -> int:
    while True:
        start = text.find(opener, at)
        if start < 0 or opener != "‘":
            return start
        if start == 0 or not text[start - 1].isalnum():
            return start  # ‘ after a space opens; inside a word it is an apostrophe
        at = start + 1


def _closing(text: str, at: int, opener: str, closer: str) -> int:
    """Where the quotation opened before `at` closes; -1 when it runs to the end."""
    if closer != "’":
        return text.find(closer, at)
    while True:
        end = text.find("’", at)
        if end < 0:
            return -1
        before = text[end - 1] if end else " "
        after = text[end + 1] if end + 1 < len(text) else " "
        if not (before.isalpha() and after.isalpha()):  # "don’t" is no closing mark
            if not before.isalpha() or not after.isalnum():
                return end
        at = end + 1


def speeches(text: str, quotes: list[Quote]) -> list[Quote]:
    """The quotations that are speech, not a phrase cited inside a sentence ("a mirage of
    figures", "uselessly rotted"): speech opens with a capital, or goes on after a tag
    ("“My dear,” said she, “have you heard…”")."""
    kept: list[Quote] = []
    for quote in quotes:
        inner = text[quote.start + 1 : quote.end].lstrip(" …—–-'‘\"“(")
        capital = inner[:1].isupper() or inner[:1].isdigit()
        after_tag = bool(kept) and quote.start - kept[-1].end <= MAX_TAG_CHARS
        before = text[max(0, quote.start - 60) : quote.start]
        # "the road to “Mittel Land”": a name quoted inside a sentence, after a word
        cited = re.search(r"[a-z]\s*$", before) is not None and not tag_before(before)
        if (capital and not cited) or after_tag:
            kept.append(quote)
    return kept


# ---------------------------------------------------------------- people


@dataclass
class People:
    """The characters a book names, each under one name, with what is known of them."""

    names: dict[str, str] = field(default_factory=dict)  # any form -> the one name
    genders: dict[str, str] = field(default_factory=dict)  # the one name -> male/female
    first_person: bool = False  # the narrator says "I"
    usage: WordUsage = field(default_factory=lambda: WordUsage(frozenset(), frozenset()))

    def canonical(self, name: str) -> str:
        name = _clean_name(name)
        return self.names.get(name, name)

    def gender(self, name: str) -> str | None:
        return self.genders.get(self.canonical(name))

    def known(self, name: str) -> str:
        """A person the text has just shown (Mr. Hartley's wife), now one of the people."""
        name = self.canonical(name)
        self.names.setdefault(name, name)
        if name not in self.genders and (gender := _gender_of_title(name)):
            self.genders[name] = gender
        return name


def find_people(narration: Sequence[str], opener: str = "“") -> People:
    """The people who speak: names a speech tag uses and names with a title ("Mrs. Long"),
    each group of names for one person under its most used form, with the sex their title
    or the pronouns after them show. Places ("Baker Street") are no people."""
    usage = WordUsage.of(narration)
    counts: Counter[str] = Counter()
    for text in narration:
        for name in _name_mentions(text, usage):
            counts[name] += 1
    quoted = [(text, find_quotes(text, opener)) for text in narration]
    tagged = Counter(
        _clean_name(who)
        for text, quotes in quoted
        if (who := speech_tag(text, quotes))
        and who.lower() not in PRONOUNS
        and not re.match(rf"^{DESCRIPTION}$", who.lower())
    )
    called = Counter(  # "Good morning, Tom,": someone spoken to is someone
        _clean_name(m.group("called") or m.group("first") or m.group("last"))
        for text, quotes in quoted
        for quote in quotes
        for m in VOCATIVE_RE.finditer(text[quote.start + 1 : quote.end])
    )
    names = [
        n
        for n, c in counts.items()
        if (c >= 2 or tagged[n] or _title_of(n)) and not _common_word(n, usage)
        and not _is_place(n)
        and (_title_of(n) is not None or tagged[n] > 0 or called[n] > 0)
    ]  # fmt: skip
    people = People(usage=usage, names=one_name_each(names, counts))
    titled: dict[str, Counter[str]] = {}
    for name in names:  # "Mr. Holmes" makes Holmes a man
        if gender := _gender_of_title(name):
            titled.setdefault(people.canonical(name), Counter())[gender] += counts[name]
    people.genders = {name: c.most_common(1)[0][0] for name, c in titled.items()}
    for name, gender in _pronoun_genders(narration, people).items():
        people.genders.setdefault(name, gender)
    told = [narration_of(text, quotes) for text, quotes in quoted]  # quotations left out
    words = sum(len(t.split()) for t in told) or 1
    people.first_person = (
        sum(len(re.findall(r"\bI\b", t)) for t in told) / words > FIRST_PERSON_SHARE
    )
    return people


def one_name_each(names: Sequence[str], counts: Counter[str]) -> dict[str, str]:
    """Each name -> the most used name of its person. Full names join when they agree
    ("Mr. Holmes", "Sherlock Holmes"); a bare name joins only the one person it can be
    ("Holmes"; "Bennet" is Mr., Mrs. or Miss Bennet, so no one)."""
    groups: list[list[str]] = []
    for name in sorted((n for n in names if len(n.split()) > 1), key=lambda n: -counts[n]):
        group = next((g for g in groups if all(_one_person(name, m) for m in g)), None)
        if group is None:
            groups.append([name])
        else:
            group.append(name)
    for name in (n for n in names if len(n.split()) == 1):
        matching = [g for g in groups if any(_one_person(name, m) for m in g)]
        if len(matching) > 1:  # a surname alone is the man's, as novels use it ("said Darcy")
            men = [g for g in matching if any(_gender_of_title(m) == "male" for m in g)]
            matching = men or matching
        if len(matching) > 1:  # … the one the book names far more often ("Holmes")
            ranked = sorted(matching, key=lambda g: -sum(counts[m] for m in g))
            first, second = (sum(counts[m] for m in g) for g in ranked[:2])
            matching = ranked[:1] if first >= 3 * second else []
        if len(matching) == 1:
            matching[0].append(name)
        elif not matching:
            groups.append([name])
    return {
        name: max(group, key=lambda n: (counts[n], len(n))) for group in groups for name in group
    }


def _name_mentions(text: str, usage: WordUsage) -> list[str]:
    """Capitalised names in a text, leaving out a sentence's first word when it is a word."""
    out = []
    for m in re.finditer(rf"\b{NAME}", text):
        name = m.group(0)
        first = name.split()[0].rstrip(".")
        if first in NOT_NAMES and not re.match(rf"(?:{TITLE})\s", name):
            name = " ".join(name.split()[1:])
            if not name:
                continue
        starts_sentence = m.start() == 0 or text[max(0, m.start() - 2) : m.start()] in (
            ". ", "! ", "? ", "“", '"',
        )  # fmt: skip
        if starts_sentence and len(name.split()) == 1 and name.lower() in usage.lower_words:
            continue
        out.append(_clean_name(name))
    return out


def _clean_name(name: str) -> str:
    """One spelling of a name: straight apostrophes, single spaces, no possessive ("Mr.
    Darcy's" is Mr. Darcy)."""
    name = " ".join(name.replace("’", "'").split())
    return name[:-2] if name.endswith("'s") else name


def _is_place(name: str) -> bool:
    return name.split()[-1] in PLACE_WORDS


def _one_person(a: str, b: str) -> bool:
    return _same_person(a, b) or _same_person(b, a)


def _common_word(name: str, usage: WordUsage) -> bool:
    """A single word the book also writes in lower case ("Well", "Indeed"): no name.
    ("Holmes" is in the word lists, but this book never writes "holmes".)"""
    words = name.split()
    return len(words) == 1 and (words[0] in NOT_NAMES or words[0].lower() in usage.lower_words)


def _gender_of_title(name: str) -> str | None:
    title = _title_of(name)
    return TITLES.get(title) if title else None


def _title_of(name: str) -> str | None:
    first = name.split()[0].rstrip(".").lower()
    return first if first in TITLES and len(name.split()) > 1 else None


def _same_person(short: str, long: str) -> bool:
    """ "Holmes" is "Sherlock Holmes" and "Mr. Holmes"; "Mr. Bennet" is not "Mrs. Bennet"."""
    if short == long:
        return True
    short_title, long_title = _title_of(short), _title_of(long)
    if short_title and long_title and short_title != long_title:
        return False  # Mr. and Mrs. Bennet; Miss and Mrs. Bennet
    short_words = short.split()[1:] if short_title else short.split()
    long_words = long.split()[1:] if long_title else long.split()
    if not short_title and len(short_words) == 1 and len(long_words) > 1:
        if long_words[0] == short_words[0]:
            return True  # "Henry" is "Henry Clerval"
    return bool(short_words) and long_words[-len(short_words) :] == short_words


def _pronoun_genders(narration: Sequence[str], people: People) -> dict[str, str]:
    """A name followed within a few words by "he"/"his" or "she"/"her", counted."""
    votes: dict[str, Counter[str]] = {}
    for text in narration:
        for m in re.finditer(rf"\b({NAME})\b[^“”\"]{{0,80}}?\b([Hh]e|[Ss]he)\b", text):
            name = people.canonical(m.group(1))
            if name not in people.names.values():
                continue
            gender = "male" if m.group(2).lower() == "he" else "female"
            votes.setdefault(name, Counter())[gender] += 1
    return {name: c.most_common(1)[0][0] for name, c in votes.items()}


# ---------------------------------------------------------------- attribution


@dataclass
class Exchange:
    """Who has been speaking lately in a chapter, and who the narration has named."""

    speakers: list[str] = field(default_factory=list)  # most recent last
    mentions: list[list[str]] = field(default_factory=list)  # names of recent paragraphs
    untagged: int = 0  # quotations since the last tag
    quiet: int = 0  # paragraphs without a quotation since the last one
    before: str = ""  # the narration just before: a paragraph, or what followed a quotation

    def heard(self, speaker: str) -> None:
        if speaker in self.speakers:
            self.speakers.remove(speaker)
        self.speakers.append(speaker)
        self.quiet = 0

    def narrated(self, names: list[str], quoted: bool) -> None:
        """A paragraph's narration named these people; without a quotation, a long run of
        narration ends the exchange."""
        self.mentions = [*self.mentions[-(RECENT_PARAGRAPHS - 1) :], names]
        if not quoted:
            self.quiet += 1
            if self.quiet >= QUIET_PARAGRAPHS:
                self.speakers.clear()
                self.untagged = 0

    def recent(self) -> list[str]:
        """People named in the last few paragraphs, most recent last."""
        return [name for names in self.mentions for name in names]

    def other_than(self, speaker: str | None) -> str | None:
        others = [s for s in reversed(self.speakers[-2:]) if s != speaker]
        return others[0] if others else None


@dataclass(frozen=True)
class Attribution:
    speaker: str
    confidence: float


def attribute_dialogue(
    script: Script, min_confidence: float = MIN_CONFIDENCE, minor_lines: int = MINOR_LINES
) -> Script:
    """The script with each quotation in the narration said by its speaker, where the text
    says who (see the module's docstring), and the characters found, with their lines."""
    narration = [
        s.text for c in script.chapters for s in c.segments if s.kind == SegmentKind.NARRATION
    ]
    opener = quote_style(narration)
    people = find_people(narration, opener)
    chapters = [
        replace(c, segments=tuple(chapter_dialogue(c.segments, opener, people, min_confidence)))
        for c in script.chapters
    ]
    lines: Counter[str] = Counter(
        s.speaker
        for c in chapters
        for s in c.segments
        if s.kind == SegmentKind.SPEECH and s.confidence is not None
    )
    characters = tuple(
        Character(name, people.gender(name), count, minor=count < minor_lines)
        for name, count in lines.most_common()
    )
    speakers = list(script.speakers)
    speakers += [c.name for c in characters if c.name not in speakers]
    return replace(
        script, chapters=tuple(chapters), speakers=tuple(speakers), characters=characters
    )


def chapter_dialogue(
    segments: Sequence[Segment], opener: str, people: People, min_confidence: float
) -> list[Segment]:
    out: list[Segment] = []
    exchange = Exchange()
    running: str | None = None  # the speaker of a quotation running on from the paragraph before
    for segment in segments:
        if segment.kind == SegmentKind.HEADING:
            exchange = Exchange()
        if segment.kind != SegmentKind.NARRATION or segment.speaker != NARRATOR:
            out.append(segment)
            continue
        quotes = speeches(segment.text, find_quotes(segment.text, opener))
        if not quotes:
            exchange.narrated(_names_in(segment.text, people), quoted=False)
            exchange.before = segment.text
            out.append(segment)
            running = None
            continue
        exchange.narrated(_names_in(narration_of(segment.text, quotes), people), quoted=True)
        addressed = _addressee(segment.text, quotes, people)
        said = attribute_quotes(segment.text, quotes, exchange, people, running, addressed)
        exchange.before = segment.text[quotes[-1].end :]  # what the narration said last
        said = [a if a is not None and a.confidence >= min_confidence else None for a in said]
        for attribution in said:
            if attribution is None:
                continue
            if addressed and addressed != attribution.speaker and not people.first_person:
                exchange.heard(addressed)  # the one spoken to is in the talk (when it is not
                # the narrator who says I, whose name we do not know)
            if attribution.speaker != NARRATOR or people.first_person:
                exchange.heard(attribution.speaker)  # a narrator who says "I" takes turns
        out += split_segment(segment, quotes, said)
        running = said[-1].speaker if said[-1] and quotes[-1].runs_on else None
    return out


def attribute_quotes(
    text: str,
    quotes: list[Quote],
    exchange: Exchange,
    people: People,
    running: str | None = None,
    addressed: str | None = None,
) -> list[Attribution | None]:
    """Who says each quotation of a paragraph: its own tag; else the speaker of the one
    before it when only that one's tag stands between ("“A,” he said. “B …”"); else, for
    the first, a speech running on from the paragraph before or the exchange's next turn.
    `addressed`: the person the paragraph's quotations speak to, if they name one."""
    out: list[Attribution | None] = []
    for number, quote in enumerate(quotes):
        start = quotes[number - 1].end if number else 0
        end = quotes[number + 1].start if number + 1 < len(quotes) else len(text)
        if number == 0 and running is not None and quote.start == 0:
            out.append(Attribution(running, TAG_CONFIDENCE))
            continue
        who = own_tag(text, quotes, number)
        if who is not None:
            nearby = f"{exchange.before} {text[start : quote.start]}"
            speaker = None
            if not (who.lower() in ("he", "she") and UNNAMED_SUBJECT_RE.search(nearby)):
                speaker = resolve(who, exchange, people, addressed)
            if speaker is None:  # someone the text does not name: the turns are lost
                exchange.speakers.clear()
            exchange.untagged = 0
            confidence = TAG_CONFIDENCE if _is_name(who) else RESOLVED_CONFIDENCE
            out.append(Attribution(speaker, confidence) if speaker else None)
        elif number:
            between = text[start : quote.start]
            if tag_after(between) is not None or not between.strip(" ,;:—–-"):
                out.append(out[-1])  # "“A,” he said. “B …”": B is his too
            else:
                out.append(action_beat(between, people))
        elif has_speech_verb(text[:end], [quote]):
            exchange.speakers.clear()  # someone the text does not name ("a member … whispered")
            out.append(None)
        else:
            out.append(
                action_beat(text[: quote.start], people)
                or next_turn(exchange, people, addressed)
                or (action_beat(exchange.before, people) if not exchange.speakers else None)
            )
    return out


def action_beat(narration: str, people: People) -> Attribution | None:
    """The one person a narration between quotations names as its subject ("Marlowe sat
    down and lit his pipe."), taken to speak next."""
    sentences = [s for s in SENTENCE_END_RE.split(narration.strip()) if s]
    if not sentences or CITATION_RE.search(sentences[-1]):
        return None  # "…what Stalin had written:": a quotation of writing, not speech
    last = sentences[-1]  # the sentence right before the quotation
    named = set(_names_in(last, people))
    opening = _name_mentions(last[:60], people.usage)[:1]
    # the subject, not "Stalin's apologists": the name, then a word in lower case
    if len(named) == 1 and opening and re.match(rf"{re.escape(opening[0])}\s+[a-z]", last):
        return Attribution(people.canonical(opening[0]), BEAT_CONFIDENCE)
    return None


def next_turn(exchange: Exchange, people: People, addressed: str | None) -> Attribution | None:
    """An untagged quotation in an exchange: the other person's turn."""
    exchange.untagged += 1
    if exchange.untagged > MAX_UNTAGGED_TURNS or not exchange.speakers:
        return None
    previous = exchange.speakers[-1]
    # the other person of the exchange: the one who spoke before, else a narrator who says
    # I, else the one the last paragraphs named ("Mr. Bennet made no answer.")
    # (a narrator who says I is the other person of most of their talks)
    speaker = exchange.other_than(previous) or (
        NARRATOR if people.first_person else _other_named(exchange, previous)
    )
    if speaker is None or speaker == addressed:
        exchange.speakers.clear()  # the thread is lost: no more turns by guess
        return None
    return Attribution(speaker, TURN_CONFIDENCE)


def tag_after(text: str) -> str | None:
    """The speaker a tag right after a quotation names: ', said Holmes', ' replied he'."""
    m = TAG_AFTER_RE.match(text)
    return (m.group("who") or m.group("subject")) if m else None


def tag_before(text: str) -> str | None:
    """The speaker a tag right before a quotation names: 'Holmes said, '."""
    m = TAG_BEFORE_RE.search(text)
    return m.group("who") if m else None


def own_tag(text: str, quotes: Sequence[Quote], number: int) -> str | None:
    """The speaker the tag of quotation `number` names: right after it (before the next
    quotation), or right before it (after the one before)."""
    start = quotes[number - 1].end if number else 0
    end = quotes[number + 1].start if number + 1 < len(quotes) else len(text)
    quote = quotes[number]
    return tag_after(text[quote.end : end]) or tag_before(text[start : quote.start])


def speech_tag(text: str, quotes: Sequence[Quote]) -> str | None:
    """The first tag next to any of a paragraph's quotations (for finding speakers' names)."""
    return next((who for n in range(len(quotes)) if (who := own_tag(text, quotes, n))), None)


def has_speech_verb(text: str, quotes: list[Quote]) -> bool:
    """A speech verb right before the first quotation or right after one: a tag, whoever
    it names."""
    before = text[: quotes[0].start]
    if re.search(rf"\b{VERB}\b[^.!?“”\"]{{0,80}}[,:—]\s*$", before):
        return True
    if CITATION_RE.search(before[-120:]) or CITATION_RE.search(text[quotes[0].end :][:80]):
        return True  # written words ("Trotsky wrote", "the slogan became:"), read as written
    return any(
        re.match(rf"^[\s,;:—–-]*(?:[\w.’'-]+\s+){{0,6}}?{VERB}\b", text[q.end : q.end + 80])
        for q in quotes
    )


def resolve(who: str, exchange: Exchange, people: People, addressed: str | None) -> str | None:
    """The character a tag's words stand for; None when they cannot be told."""
    lowered = who.lower()
    if lowered == "i":
        return NARRATOR
    if lowered in PRONOUNS:
        return _by_gender(PRONOUNS[lowered], exchange, people, addressed)
    m = re.match(r"^(his|her|my|their)\s+(\w+)$", lowered)
    if m:
        return _described(m.group(1), m.group(2), exchange, people, addressed)
    if re.match(rf"^{THE_PERSON}$", who):  # "the ferryman" is a character of that name
        return " ".join(word.capitalize() for word in who.split()[1:])
    mentioned = _name_mentions(who, people.usage)  # "Here Jonathan" is Jonathan
    name = people.canonical(mentioned[0]) if mentioned else ""
    if not name or name in NOT_NAMES or _common_word(name, people.usage):
        return None  # "Others said": no one in particular
    return name


def _by_gender(
    gender: str, exchange: Exchange, people: People, addressed: str | None
) -> str | None:
    """The person "he" or "she" stands for: a partner in the talk of that sex, else one the
    paragraph names, else a partner whose sex the text never showed, else one named lately."""
    partners = [n for n in exchange.speakers[-2:] if n not in (addressed, NARRATOR)]
    current = exchange.mentions[-1] if exchange.mentions else []
    # whose sex is unknown, a new paragraph's "he said" is not the one who spoke last
    last = exchange.speakers[-1] if exchange.speakers else None
    for candidates, sexes in (
        (partners, (gender,)),
        (current, (gender,)),
        ([n for n in partners if n != last], (None,)),
        (exchange.recent(), (gender,)),
        ([n for n in exchange.recent() if n != last], (None,)),
    ):
        for name in reversed(candidates):
            if people.gender(name) in sexes and name != addressed:
                return name
    return None


def _described(
    possessive: str, relation: str, exchange: Exchange, people: People, addressed: str | None
) -> str | None:
    """ "his wife" of Mr. Bennet is Mrs. Bennet; "my friend" of a narrator who says I is the
    other person of the exchange."""
    owner_gender = {"his": "male", "her": "female"}.get(possessive)
    owner = None
    if owner_gender and addressed and people.gender(addressed) == owner_gender:
        owner = addressed  # "“My dear Mr. Bennet,” said his lady to him"
    elif owner_gender:
        owner = _by_gender(owner_gender, exchange, people, None)
    if owner and (title := _title_of(owner)):
        spouse_title = SPOUSES.get((relation, title))
        if spouse_title:
            return people.known(f"{spouse_title}. {' '.join(owner.split()[1:])}")
    wanted = RELATIONS.get(relation)
    partners = [n for n in exchange.speakers[-3:] if n not in (owner, addressed, NARRATOR)]
    if len(partners) > 1:  # "said my friend" answering the last speaker: not the last speaker
        partners = partners[:-1]
    for name in reversed(partners):
        if name in (owner, addressed, NARRATOR):
            continue
        if wanted is None or people.gender(name) in (wanted, None):
            return name
    return None


def _addressee(text: str, quotes: list[Quote], people: People) -> str | None:
    """The person a quotation speaks to by name ("My dear Mr. Bennet, …")."""
    for quote in quotes:
        inner = text[quote.start + 1 : quote.end - (0 if quote.runs_on else 1)]
        for m in VOCATIVE_RE.finditer(inner):
            name = people.canonical(m.group("called") or m.group("first") or m.group("last"))
            if name in people.names.values():
                return name
    return None


def _other_named(exchange: Exchange, speaker: str) -> str | None:
    """Someone the narration named in this paragraph or the one before, not `speaker`."""
    for name in reversed([n for names in exchange.mentions[-2:] for n in names]):
        if name != speaker:
            return name
    return None


def _names_in(text: str, people: People) -> list[str]:
    """The people a narration names, in order."""
    return [people.canonical(n) for n in _name_mentions(text, people.usage) if n in people.names]


def _is_name(who: str) -> bool:
    lowered = who.lower()
    return lowered not in PRONOUNS and not re.match(rf"^(?:{DESCRIPTION}|{THE_PERSON})$", lowered)


def narration_of(text: str, quotes: Sequence[Quote]) -> str:
    """A paragraph without its quotations."""
    out, at = [], 0
    for quote in quotes:
        out.append(text[at : quote.start])
        at = quote.end
    out.append(text[at:])
    return " ".join(out)


def split_segment(
    segment: Segment, quotes: list[Quote], said: Sequence[Attribution | None]
) -> list[Segment]:
    """The paragraph as narration and quotations, in order; each quotation its speaker's
    (the narrator's where none was found)."""
    pieces: list[tuple[Attribution | None, str]] = []
    at = 0
    for quote, attribution in zip(quotes, said, strict=True):
        pieces.append((None, segment.text[at : quote.start]))
        pieces.append((attribution, segment.text[quote.start : quote.end]))
        at = quote.end
    pieces.append((None, segment.text[at:]))
    out: list[Segment] = []
    for attribution, text in pieces:
        text = text.strip(" ")
        if not any(ch.isalnum() for ch in text):
            if out and text.strip():
                out[-1] = replace(out[-1], text=out[-1].text + text.strip())
            continue
        if attribution is not None and attribution.speaker != NARRATOR:
            piece = replace(
                segment, speaker=attribution.speaker, kind=SegmentKind.SPEECH, text=text,
                confidence=attribution.confidence, page=None, scene_break_before=False, say=None,
            )  # fmt: skip
        elif out and out[-1].kind == SegmentKind.NARRATION and out[-1].speaker == NARRATOR:
            out[-1] = replace(out[-1], text=f"{out[-1].text} {text}")  # the narrator's, read on
            continue
        else:
            piece = replace(segment, text=text, page=None, scene_break_before=False, say=None)
        out.append(piece)
    if out:
        out[0] = replace(out[0], page=segment.page, scene_break_before=segment.scene_break_before)
    return out or [segment]
