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

MIN_CONFIDENCE = 0.5  # below this a quotation stays the narrator's
TAG_CONFIDENCE = 0.95  # a speech tag naming the speaker
RESOLVED_CONFIDENCE = 0.85  # a tag with a pronoun or a description, resolved
TURN_CONFIDENCE = 0.75  # the other person of a two-person exchange
MAX_UNTAGGED_TURNS = 12  # an exchange of untagged quotations longer than this loses its thread

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


def speaker_group(group: str) -> str:
    return rf"(?P<{group}>{DESCRIPTION}|{PRONOUN}|{NAME})"


ADVERB = r"(?:\w+ly\s+)?"
# After a quotation: ', said Holmes', ' replied he', ' cried his wife impatiently',
# ' Holmes remarked', ' he said', ' said I'
TAG_AFTER_RE = re.compile(
    rf"^[\s,;:—–-]*(?:{ADVERB}{VERB}\s+{speaker_group('who')}\b"
    rf"|{speaker_group('subject')}\s+{ADVERB}{VERB}\b)"
)
# Before a quotation, at the end of the narration: 'Holmes said, ', 'she answered: '
TAG_BEFORE_RE = re.compile(
    rf"(?:^|[.;!?]\s+|,\s+and\s+){speaker_group('who')}\s+{ADVERB}{VERB}[^.!?]{{0,40}}[,:—]?\s*$"
)
# "My dear Mr. Bennet," "Watson," "Mr. Bennet, how can you": the person spoken to.
VOCATIVE_RE = re.compile(
    rf"(?:^|[,!?]\s+|\b(?:my dear|dear|oh|o|my good|my)\s+)(?P<name>(?:(?:{TITLE})\s+)?{NAME_WORD})"
    r"(?=\s*[,!?.]|\s*$)"
)
NOT_NAMES = frozenset(
    "I The A An And But Or If Then When While Why What Who How Yes No Oh Ah Well Now "
    "Here There This That These Those It He She We They You My Your His Her Our Their "
    "Mr Mrs Miss Sir Lady Lord God Heaven Chapter Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday January February March April May June July August September October "
    "November December Christmas".split()
)
FIRST_PERSON_SHARE = 0.004  # "I" outside quotations per word: the narrator is a person
PLACE_WORDS = frozenset(
    "Street Road Square Lane Park Hall House Court Place Abbey Castle Bridge Station Hotel "
    "Church College River Hill Valley Avenue Gardens Terrace Row Crescent Inn Club Company "
    "Bank Office Railway Island Lake Sea Ocean Mountain Mountains Forest Wood Woods Farm "
    "Manor Cathedral Palace Tower Gate Market Theatre Museum Hospital School University "
    "Street's Town City County Shire Bay Harbour Harbor Cross Green Common Heath Downs".split()
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


OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"', "‘": "’"}


def quote_style(texts: Iterable[str]) -> str:
    """The mark a book opens its quotations with: “, ‘, « or \" (the most used)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts["“"] += text.count("“")
        counts["«"] += text.count("«")
        counts['"'] += text.count('"') // 2
        counts["‘"] += len(re.findall(r"(?:^|[\s(—–-])‘", text))
    mark, count = counts.most_common(1)[0] if counts else ("“", 0)
    return mark if count else "“"


def find_quotes(text: str, opener: str) -> list[Quote]:
    """The quotations of one paragraph, in order, marked with `opener`."""
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


# ---------------------------------------------------------------- people


@dataclass
class People:
    """The characters a book names, each under one name, with what is known of them."""

    names: dict[str, str] = field(default_factory=dict)  # any form -> the one name
    genders: dict[str, str] = field(default_factory=dict)  # the one name -> male/female
    first_person: bool = False  # the narrator says "I"
    usage: WordUsage = field(default_factory=lambda: WordUsage(frozenset(), frozenset()))

    def canonical(self, name: str) -> str:
        name = " ".join(name.replace("’", "'").split())
        return self.names.get(name, name)

    def gender(self, name: str) -> str | None:
        return self.genders.get(self.canonical(name))


def find_people(narration: Sequence[str], opener: str = "“") -> People:
    """The people who speak: names a speech tag uses and names with a title ("Mrs. Long"),
    each group of names for one person under its most used form, with the sex their title
    or the pronouns after them show. Places ("Baker Street") are no people."""
    usage = WordUsage.of(narration)
    counts: Counter[str] = Counter()
    for text in narration:
        for name in _name_mentions(text, usage):
            counts[name] += 1
    tagged = Counter(
        _clean_name(who)
        for text in narration
        for who in _tag_words(text, opener)
        if who.lower() not in PRONOUNS and not re.match(rf"^{DESCRIPTION}$", who.lower())
    )
    names = [
        n
        for n, c in counts.items()
        if (c >= 2 or tagged[n]) and not _common_word(n, usage) and not _is_place(n)
        and (_title_of(n) is not None or tagged[n] > 0)
    ]  # fmt: skip
    people = People(usage=usage)
    for name in names:
        title = _title_of(name)
        if title is not None:
            people.genders[name] = TITLES.get(title) or ""
    people.names = one_name_each(names, counts)
    for name, gender in _pronoun_genders(narration, people).items():
        people.genders.setdefault(name, gender)
    people.genders = {n: g for n, g in people.genders.items() if g}
    words = sum(len(t.split()) for t in narration) or 1
    i_count = sum(len(re.findall(r"\bI\b", _without_quotes(t))) for t in narration)
    people.first_person = i_count / words > FIRST_PERSON_SHARE
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
    return " ".join(name.replace("’", "'").split())


def _tag_words(text: str, opener: str) -> list[str]:
    quotes = find_quotes(text, opener)
    if not quotes:
        return []
    who = speech_tag(text, quotes)
    return [who] if who else []


def _is_place(name: str) -> bool:
    return name.split()[-1] in PLACE_WORDS


def _one_person(a: str, b: str) -> bool:
    return _same_person(a, b) or _same_person(b, a)


def _common_word(name: str, usage: WordUsage) -> bool:
    """A single word the book also writes in lower case ("Well", "Indeed"): no name.
    ("Holmes" is in the word lists, but this book never writes "holmes".)"""
    words = name.split()
    return len(words) == 1 and (words[0] in NOT_NAMES or words[0].lower() in usage.lower_words)


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
    return bool(short_words) and long_words[-len(short_words) :] == short_words


def _pronoun_genders(narration: Sequence[str], people: People) -> dict[str, str]:
    """A name followed within a few words by "he"/"his" or "she"/"her", counted."""
    votes: dict[str, Counter[str]] = {}
    for text in narration:
        for m in re.finditer(rf"\b({NAME})\b[^.!?“”\"]{{0,60}}?\b(he|his|him|she|her)\b", text):
            name = people.canonical(m.group(1))
            if name not in people.names.values():
                continue
            gender = "male" if m.group(2) in ("he", "his", "him") else "female"
            votes.setdefault(name, Counter())[gender] += 1
    return {name: c.most_common(1)[0][0] for name, c in votes.items()}


def _without_quotes(text: str) -> str:
    return re.sub(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’(?!\w)", " ", text)


# ---------------------------------------------------------------- attribution


@dataclass
class Exchange:
    """Who has been speaking lately in a chapter."""

    speakers: list[str] = field(default_factory=list)  # most recent last
    mentioned: list[str] = field(default_factory=list)  # named in narration, most recent last
    untagged: int = 0  # quotations since the last tag

    def heard(self, speaker: str) -> None:
        if speaker in self.speakers:
            self.speakers.remove(speaker)
        self.speakers.append(speaker)

    def other_than(self, speaker: str | None) -> str | None:
        others = [s for s in reversed(self.speakers[-2:]) if s != speaker]
        return others[0] if others else None


@dataclass(frozen=True)
class Attribution:
    speaker: str
    confidence: float


def attribute_dialogue(script: Script, min_confidence: float = MIN_CONFIDENCE) -> Script:
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
        Character(name, people.gender(name), count) for name, count in lines.most_common()
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
        quotes = find_quotes(segment.text, opener)
        if not quotes:
            exchange.mentioned += _names_in(segment.text, people)
            out.append(segment)
            running = None
            continue
        said = running_speaker(running, quotes) or attribute_paragraph(
            segment.text, quotes, exchange, people
        )
        if said is not None and said.confidence >= min_confidence:
            if said.speaker != NARRATOR or people.first_person:
                exchange.heard(said.speaker)  # a narrator who says "I" takes turns too
            out += split_segment(segment, quotes, said)
        else:
            out.append(segment)
        running = said.speaker if said and quotes[-1].runs_on else None
        exchange.mentioned += _names_in(narration_of(segment.text, quotes), people)
    return out


def running_speaker(running: str | None, quotes: list[Quote]) -> Attribution | None:
    """A paragraph opening a quotation that ran on from the paragraph before: same speaker."""
    if running is not None and quotes[0].start == 0:
        return Attribution(running, TAG_CONFIDENCE)
    return None


def attribute_paragraph(
    text: str, quotes: list[Quote], exchange: Exchange, people: People
) -> Attribution | None:
    """Who says this paragraph's quotations (a paragraph is one speaker's)."""
    tagged = speech_tag(text, quotes)
    addressed = _addressee(text, quotes, people)
    if tagged is not None:
        speaker = resolve(tagged, exchange, people, addressed)
        if speaker is not None:
            exchange.untagged = 0
            confidence = TAG_CONFIDENCE if _is_name(tagged) else RESOLVED_CONFIDENCE
            return Attribution(speaker, confidence)
        return None
    exchange.untagged += 1
    if exchange.untagged > MAX_UNTAGGED_TURNS or not exchange.speakers:
        return None
    previous = exchange.speakers[-1]
    # the other person of the exchange: the one who spoke before, or the one the narration
    # last named ("Mr. Bennet made no answer.")
    speaker = exchange.other_than(previous) or _other_named(exchange, previous)
    if speaker is None or speaker == addressed:
        return None  # the turn says it is spoken to the one whose turn it would be
    return Attribution(speaker, TURN_CONFIDENCE)


def speech_tag(text: str, quotes: list[Quote]) -> str | None:
    """The speaker a tag names next to a quotation: after the first one, between two, or
    before the first."""
    for quote in quotes:
        after = text[quote.end :]
        following = next((q.start for q in quotes if q.start >= quote.end), len(text))
        m = TAG_AFTER_RE.match(after[: following - quote.end])
        if m:
            return m.group("who") or m.group("subject")
    before = text[: quotes[0].start]
    m = TAG_BEFORE_RE.search(before)
    return m.group("who") if m else None


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
    name = people.canonical(who)
    return name if name not in NOT_NAMES else None


def _by_gender(
    gender: str, exchange: Exchange, people: People, addressed: str | None
) -> str | None:
    for candidates in (exchange.speakers[-2:], exchange.mentioned[-6:], exchange.speakers):
        for name in reversed(candidates):
            if people.gender(name) == gender and name != addressed:
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
            return f"{spouse_title}. {' '.join(owner.split()[1:])}"
    wanted = RELATIONS.get(relation)
    candidates = [*reversed(exchange.speakers[-2:]), *reversed(exchange.mentioned[-6:])]
    for name in candidates:
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
            name = people.canonical(m.group("name"))
            if name in people.names.values():
                return name
    return None


def _other_named(exchange: Exchange, addressed: str) -> str | None:
    for name in reversed(exchange.mentioned[-6:]):
        if name != addressed:
            return name
    return None


def _names_in(text: str, people: People) -> list[str]:
    """The people a narration names, in order."""
    return [people.canonical(n) for n in _name_mentions(text, people.usage) if n in people.names]


def _is_name(who: str) -> bool:
    return who.lower() not in PRONOUNS and not re.match(rf"^{DESCRIPTION}$", who.lower())


def narration_of(text: str, quotes: Sequence[Quote]) -> str:
    """A paragraph without its quotations."""
    out, at = [], 0
    for quote in quotes:
        out.append(text[at : quote.start])
        at = quote.end
    out.append(text[at:])
    return " ".join(out)


def split_segment(segment: Segment, quotes: list[Quote], said: Attribution) -> list[Segment]:
    """The paragraph as narration and quotations, in order; the quotations the speaker's."""
    pieces: list[tuple[bool, str]] = []
    at = 0
    for quote in quotes:
        pieces.append((False, segment.text[at : quote.start]))
        pieces.append((True, segment.text[quote.start : quote.end]))
        at = quote.end
    pieces.append((False, segment.text[at:]))
    out: list[Segment] = []
    for is_quote, text in pieces:
        text = text.strip(" ")
        if not any(ch.isalnum() for ch in text):
            if out and text.strip():
                out[-1] = replace(out[-1], text=out[-1].text + text.strip())
            continue
        if is_quote and said.speaker != NARRATOR:
            piece = replace(
                segment, speaker=said.speaker, kind=SegmentKind.SPEECH, text=text,
                confidence=said.confidence, page=None, scene_break_before=False,
            )  # fmt: skip
        else:
            piece = replace(segment, text=text, page=None, scene_break_before=False)
        out.append(piece)
    if out:
        out[0] = replace(out[0], page=segment.page, scene_break_before=segment.scene_break_before)
    return out or [segment]
