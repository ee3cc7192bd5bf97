"""Speakers: who says each passage, found from the labels the text itself uses.

A turn starts with a name used as a label, in one of the forms below (`LABEL_FORMS`): bold
(`**Wells**`, `**Adam Stacoviak:**`), italic (`_Socr._`, `*Cri.*`), with a colon
(`WELLS: …`, `Q: …`), a play's cue in capitals (`LADY CAPULET. …`, also on a line of its
own above the speech), an abbreviation (`Ham. …`) or a plain name (`Stalin Not so very
much.`). A section number may stand before it (`2. _Socr._ …`). Labels open a paragraph
or, for the forms that allow it, a sentence inside one. A paragraph without a label
continues the last speaker (in a play it is the narrator's); a heading ends every turn; a
direction inside a cue (`NAME (aside):`) is the narrator's. Abbreviated labels get the full
names of the persons the text lists (`PERSONS OF THE DIALOGUE: Socrates, Crito`); `Q:`/`A:`
get the names the introduction gives, or Interviewer and Interviewee. No names are written
into the code.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from audiobook.model import (
    NARRATOR,
    Block,
    BlockStyle,
    Chapter,
    ChapterText,
    Segment,
    SegmentKind,
)
from audiobook.textforms import CAPS_NAME, JOINT_CAPS, strip_inline_markup
from audiobook.words import have_word_list, is_english_word

NAME = r"[A-Z][\w'’.-]*(?: [A-Z0-9][\w'’.-]*){0,3}"  # "Adam Stacoviak", "Speaker 2"
# Several people at once, in bold: "**Jason Staten, Safia Abdalla, & Jen Luker**"
JOINT_NAMES = rf"{NAME}(?:,? {NAME})*,? (?:&|and) {NAME}"
# "2. _Socr._": a dialogue's section number (tried last: "1. Serv." is a play's First Servant)
SECTION_NUMBER = r"(?:\d{1,3}\.\s+)??"
# What may follow a label: the speech, or nothing (a cue above its speech).
SPEECH_START = r"(?=\s+\S|\s*$)"
# Plain labels are trusted without markup only if this share of paragraphs starts with one.
PLAIN_LABEL_MIN_SHARE = 0.10
COLON_LABEL_MIN_COUNT = 3
# Words that label text but are never people.
NOT_SPEAKERS = frozenset(
    """act scene chapter part book volume break project gutenberg end finis note notes enter
    exit exeunt prologue epilogue contents index preface introduction appendix footnote
    footnotes illustration transcriber produced title author language release date editor
    translator credits update edit link links source photo image caption warning copyright
    published posted tags summary example examples answer question section figure fig table
    see ibid cf ch pp ed trans vol no persons dramatis characters personae air song duet trio
    glee recitative dance finale monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    postscript ps nb""".split()
)
# Words that name a document, not a person: "_Mina Harker's Journal._", "_Telegram._"
DOCUMENT_WORDS = frozenset(
    "diary journal memorandum letter telegram extract continued postscript report".split()
)
# Words that may open a name ("THE MOTHER", "A BYSTANDER", "MRS. UPJOHN") but are no one alone.
NAME_OPENERS = frozenset(
    "the a an and but or if so then this that there mr mrs ms dr st mt messrs capt col gen lt "
    "sgt rev hon sir madam".split()
)
TITLES = frozenset("mr mrs ms dr st mt messrs capt col gen lt sgt rev hon prof no vol fig".split())


@dataclass(frozen=True)
class LabelForm:
    """One way texts write a speaker's label."""

    name: str
    template: str  # regex of the label with "{name}" where the name stands
    name_pattern: str  # regex of a name in this form
    mid_paragraph: bool  # may also open a turn after a sentence end inside a paragraph
    follow: str = SPEECH_START  # what must come after the label

    def pattern(self, names: str | None = None) -> str:
        """The label's regex: any name of this form, or only the `names` alternation."""
        if names is None:
            return self.template.replace("{name}", f"(?P<name>{self.name_pattern})")
        return self.template.replace("{name}", f"(?:{names})").replace("(?P<aside>", "(?:")

    @functools.cached_property  # asked for every paragraph and form: built once
    def at_start(self) -> re.Pattern[str]:
        return _compiled(rf"^{SECTION_NUMBER}{self.pattern()}{self.follow}")

    @functools.cached_property
    def inside(self) -> re.Pattern[str]:
        """The label after a sentence's end inside a paragraph."""
        return _compiled(rf"(?<=[.!?…\"”])\s+{SECTION_NUMBER}{self.pattern()}{self.follow}")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


BOLD = LabelForm("bold", r"\*\*{name}(?::\*\*|\*\*:?)", f"{JOINT_NAMES}|{NAME}?", True)
# "_Socr._", "*Cri.*", "_Peachum._": an italic name ends with a stop or a colon; "_You_
# take delight…" is emphasis
ITALIC = LabelForm("italic", r"([_*]){name}(?:[.:]\1|\1[.:])", f"{NAME}?", True)
# "Q. Who made the world?" / "A: God made the world." — questions and answers
QUESTION_ANSWER = LabelForm("question-answer", "{name}[.:]", "Q|A|Ques|Ans|Question|Answer", True)
# A direction may stand between a name and its stop: "LIGNIÈRE (faisant mine de sortir):",
# "CONRAD BAUMGARTEN (rushing in breathless).", and Shaw's "THE DAUGHTER [in the space…]"
ASIDE = r"(?:\s*\((?P<aside>[^()]{1,160})\))?"
COLON = LabelForm("colon", f"{{name}}{ASIDE}:", f"{NAME}|[A-Z]", False)
CAPS = LabelForm("caps", rf"{{name}}{ASIDE}(?:\.|(?=\s+\[_))", f"{JOINT_CAPS}|{CAPS_NAME}", True)
# "Mrs. Stockmann. You see…", "Peter Stockmann. Good evening.", "Dr. Stockmann (composedly).",
# "1st Citizen.": a name of several words (or with its title) and a stop, as translations of
# plays print cues
NAME_CUE = LabelForm(
    "name-cue",
    rf"{{name}}{ASIDE}\.",
    r"(?:Mr|Mrs|Ms|Dr|St|Sir|Lady|Lord)\. [A-Z][a-z'’-]+"
    r"|(?:\d(?:st|nd|rd|th) )?[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2}"
    r"|(?:\d(?:st|nd|rd|th) )?[A-Z][a-z'’-]+(?=\s*\()",
    False,
)
ABBREVIATION = LabelForm(
    "abbreviation",
    "{name}",
    r"(?:\d\. )?(?:[A-Z][a-z]{0,3}\. [A-Z][a-z]{0,4}\.|[A-Z][a-z]{0,7}\.)",  # "La. Cap.", "Rom."
    False,
)
# "Stalin Not so very much.": a bare name, so the speech must open with a capital or a quote
PLAIN = LabelForm(
    "plain",
    r"{name}\.?",
    r"[A-Z][a-z][\w'’-]*|[A-Z]{2,}[A-Z'’-]*",
    True,
    r"(?=\s+[A-Z\"“‘'(\[]|\s*$)",
)
LABEL_FORMS = (BOLD, ITALIC, QUESTION_ANSWER, COLON, CAPS, NAME_CUE, ABBREVIATION, PLAIN)
# Forms marked clearly enough to be counted inside paragraphs as well as at their start.
MARKED_MID_FORMS = (BOLD, ITALIC, QUESTION_ANSWER)
ROLES = {"Q": "Q", "Ques": "Q", "Question": "Q", "A": "A", "Ans": "A", "Answer": "A"}


@dataclass(frozen=True)
class Labels:
    """The labels a text uses for its turns, and who each one names."""

    speakers: dict[tuple[str, str], str] = field(default_factory=dict)  # (form, label) -> name

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(self.speakers.values()))

    def at_start(self, text: str) -> tuple[str, int, str] | None:
        """(speaker, end of the label, a direction inside the label) when the paragraph
        opens with a known label."""
        for form in LABEL_FORMS:
            m = form.at_start.match(text)
            if m:
                speaker = self.speakers.get((form.name, m.group("name")))
                if speaker is not None:
                    aside = m.groupdict().get("aside") or ""
                    return speaker, m.end(), aside
        return None

    @functools.cached_property
    def mid_paragraph(self) -> re.Pattern[str] | None:
        """Known labels of the forms that may open a turn after a sentence inside a paragraph."""
        alternatives = []
        for form in LABEL_FORMS:
            names = sorted(
                {label for f, label in self.speakers if f == form.name}, key=len, reverse=True
            )
            if form.mid_paragraph and names:
                alternatives.append(form.pattern("|".join(re.escape(n) for n in names)))
        if not alternatives:
            return None
        either = "|".join(f"(?:{a})" for a in alternatives)
        return re.compile(rf"(?<=[.!?…\"”’)\]])\s+(?:{either})(?=\s+[A-Z\"“‘'(\[_*]|\s*$)")


@dataclass(frozen=True)
class WordUsage:
    """How words are written across the whole text, gathered once."""

    lower_words: frozenset[str]  # words seen in lower case
    inner_capitals: frozenset[str]  # capitalised words seen inside a sentence

    @classmethod
    def of(cls, texts: Sequence[str]) -> WordUsage:
        body = " ".join(texts)
        return cls(
            frozenset(re.findall(r"\b[a-z][\w'’-]*", body)),
            frozenset(re.findall(r"(?<=[a-z,;] )[A-Z][\w'’-]*", body)),
        )

    def is_proper_noun(self, word: str) -> bool:
        """Capitalised inside sentences and never written in lower case."""
        return word.lower() not in self.lower_words and word in self.inner_capitals


def is_person_word(name: str) -> bool:
    """Not a word that labels text without being anyone (SCENE, Note, Project). A single
    letter is someone only in forms that cannot be a numeral or "I" ("P:", "**B**")."""
    words = [w.strip(".'’").lower() for w in name.split()]
    return (
        bool(words)
        and not re.search(r"\w['’]s\b", name)  # "Dr. Seward's Diary" heads an entry
        and not any(w in DOCUMENT_WORDS for w in words)
        and words[0] not in NOT_SPEAKERS
        and not all(w in NOT_SPEAKERS or w in NAME_OPENERS for w in words)
    )


def looks_like_a_name(label: str) -> bool:
    """One colon label is enough when it cannot be an ordinary word: several words, capitals,
    or a word no dictionary knows."""
    words = label.split()
    if len(words) > 1 or label.isupper():
        return True
    return have_word_list() and not is_english_word(label)


def dictionary_word(label: str) -> bool:
    """ "Yes." is a word that may open a speech; "Serv." and "1. Serv." are cues."""
    core = re.sub(r"^\d\.\s*", "", label).rstrip(".:")
    return " " not in core and have_word_list() and is_english_word(core)


def count_labels(
    texts: Sequence[str],
) -> tuple[dict[str, Counter[str]], dict[tuple[str, str], int]]:
    """How often each form opens a paragraph with each label, and where each first does."""
    counts: dict[str, Counter[str]] = {form.name: Counter() for form in LABEL_FORMS}
    first: dict[tuple[str, str], int] = {}
    for i, text in enumerate(texts):
        # the first form that matches is how the paragraph is labelled; a plain name counts
        # too ("Keeper Perhaps." may be Keeper saying "Perhaps.")
        matched = next((form for form in LABEL_FORMS if form.at_start.match(text)), None)
        for form in {matched, PLAIN} if matched is not None else ():
            m = form.at_start.match(text)
            if m:
                counts[form.name][m.group("name")] += 1
                first.setdefault((form.name, m.group("name")), i)
        for form in MARKED_MID_FORMS:  # these also open turns inside paragraphs
            for m in form.inside.finditer(text):
                counts[form.name][m.group("name")] += 1
                first.setdefault((form.name, m.group("name")), i)
    return counts, first


def accepted_labels(
    texts: Sequence[str],
    counts: dict[str, Counter[str]],
    persons: Sequence[str] = (),
    cues_expected: bool = False,
) -> set[tuple[str, str]]:
    """The labels believed to be speakers' names, form by form."""
    paragraphs = len(texts)
    accepted: set[tuple[str, str]] = set()
    bold = counts[BOLD.name]
    # bold labels make a dialogue when there are several; one "**Smith** said" is emphasis
    if len(bold) >= 2 or sum(bold.values()) >= 2:
        accepted |= {(BOLD.name, n) for n in bold if is_person_word(n)}
    qa = counts[QUESTION_ANSWER.name]
    roles = Counter(ROLES[n] for n in qa.elements())
    if roles["Q"] >= 3 and roles["A"] >= 3:
        accepted |= {(QUESTION_ANSWER.name, n) for n in qa}
    italic = counts[ITALIC.name]
    if sum(italic.values()) >= 3:
        # once the form is established in a play, an italic name with its stop ("_Wat._") is
        # a label even if it speaks only once (in a novel it is a dateline: "_Whitby._")
        established = cues_expected and sum(italic.values()) >= 10
        accepted |= {
            (ITALIC.name, n)
            for n, c in italic.items()
            if (c >= 2 or established) and is_person_word(n)
        }
    colon = counts[COLON.name]
    if sum(colon.values()) >= max(COLON_LABEL_MIN_COUNT, PLAIN_LABEL_MIN_SHARE * paragraphs):
        accepted |= {
            (COLON.name, n)
            for n, c in colon.items()
            if is_person_word(n) and (c >= 2 or looks_like_a_name(n))
        }
    caps = Counter({n: c for n, c in counts[CAPS.name].items() if is_person_word(n)})
    if sum(caps.values()) >= max(3, PLAIN_LABEL_MIN_SHARE * paragraphs):
        accepted |= {
            (CAPS.name, n)
            for n, c in caps.items()
            if is_person_word(n) and len(n) > 1 and not re.fullmatch(r"[IVXLC]+", n)
        }
    named = counts[NAME_CUE.name]
    if sum(named.values()) >= max(10, PLAIN_LABEL_MIN_SHARE * paragraphs):
        accepted |= {(NAME_CUE.name, n) for n, c in named.items() if c >= 2 and is_person_word(n)}
    abbreviations = counts[ABBREVIATION.name]
    # abbreviated cues ("Ham.", "Socr.") are a play's or a dialogue's, which lists its
    # persons; elsewhere "R. Rad." is a prescription
    dramatic = cues_expected or bool(persons)
    if dramatic and sum(abbreviations.values()) >= max(10, PLAIN_LABEL_MIN_SHARE * paragraphs):
        accepted |= {
            (ABBREVIATION.name, n)
            for n, c in abbreviations.items()
            if (c >= 2 or expand(n, persons) != n.rstrip(".:") or not dictionary_word(n))
            and n.split(".")[0].lower() not in TITLES
            and len(n.rstrip(".")) > 1
            and is_person_word(n)
        }
    plain = counts[PLAIN.name]
    if plain:
        usage = WordUsage.of(texts)
        known = {n for _, n in accepted}
        # A name needs two turns, and to be a proper noun, a name confirmed by markup, or in
        # capitals (a play's convention)
        labels = {
            n: c
            for n, c in plain.items()
            if is_person_word(n)
            and (
                (c >= 2 and (n in known or usage.is_proper_noun(n)))
                or (c >= 2 and n.isupper() and len(n) > 1 and not re.fullmatch(r"[IVXLC]+", n))
            )
        }
        if known:
            accepted |= {(PLAIN.name, n) for n in labels if n in known}
        elif sum(labels.values()) >= max(3, PLAIN_LABEL_MIN_SHARE * paragraphs):
            accepted |= {(PLAIN.name, n) for n in labels}
    if not cues_expected:
        # a name the text also marks as a label ("**Keeper**") is one in plain form too
        marked = {n for f, n in accepted if f in (BOLD.name, ITALIC.name)}
        accepted = {
            (f, n)
            for f, n in accepted
            if n in marked or not common_word_label(f, n, texts, counts, persons)
        }
    return {(f, n) for f, n in accepted if n != NARRATOR}


def common_word_label(
    form: str,
    label: str,
    texts: Sequence[str],
    counts: dict[str, Counter[str]],
    persons: Sequence[str],
) -> bool:
    """Outside a play, "Yes." / "STOP." / "Remember:" opening paragraphs are words, not
    names: a one-word label the text also writes in lower case, and no listed person, is
    taken for a word. Colon labels on a good share of the paragraphs (a transcript) and
    bold ones stand."""
    bare = re.sub(r"^\d\.\s*", "", label).rstrip(".:")
    if form in (BOLD.name, QUESTION_ANSWER.name) or " " in bare:
        return False
    colon = counts[COLON.name]
    if form == COLON.name and len(colon) >= 2 and sum(colon.values()) >= 0.3 * len(texts):
        return False
    if expand(label, persons) != bare or any(p.lower() == bare.lower() for p in persons):
        return False
    lower = bare.lower()
    if form == ABBREVIATION.name and dictionary_word(label):
        return True
    return any(re.search(rf"(?<![\w'’]){re.escape(lower)}(?![\w'’])", t) for t in texts)


def expand(label: str, persons: Sequence[str]) -> str:
    """An abbreviated label ("Socr.", "La. Cap.") as the one listed person it abbreviates."""
    bare = label.rstrip(".:").strip()
    parts = [p.strip(".").lower() for p in bare.split()]
    if not persons:
        return bare
    for person in persons:
        if person.lower() == bare.lower():
            return bare
    matches = [
        person
        for person in persons
        if len(words := person.lower().split()) >= len(parts)
        and all(w.startswith(p) for w, p in zip(words, parts, strict=False))
    ]
    if not matches and len(parts) == 1 and len(parts[0]) >= 3:
        # "Cap." for "LADY CAPULET" when nobody's first name fits
        matches = [p for p in persons if any(w.startswith(parts[0]) for w in p.lower().split()[1:])]
    if len(matches) == 1:
        person = matches[0]
        return person.title() if person.isupper() and not bare.isupper() else person
    return bare


INTRO_NAMES = (
    (re.compile(rf"\binterview(?:ed)?\s+(?:with|of)\s+({NAME}),?\s+by\s+({NAME})"), "AQ"),
    (re.compile(rf"\binterview(?:ed)?\s+(?:with|of)\s+({NAME})"), "A"),
    (re.compile(rf"\b(?:[Ii]nterviewed|[Qq]uestions(?:\s+asked)?)\s+by\s+({NAME})"), "Q"),
    (
        re.compile(
            rf"\b({NAME})\s+(?:interviews|talks\s+(?:to|with)|speaks\s+(?:to|with))\s+({NAME})"
        ),
        "QA",
    ),
)
QA_DEFAULTS = {"Q": "Interviewer", "A": "Interviewee"}


def question_answer_names(texts: Sequence[str], first_label: int) -> dict[str, str]:
    """Who asks (Q) and who answers (A), from the introduction before the first Q/A turn."""
    names = dict(QA_DEFAULTS)
    intro = " ".join(texts[:first_label])
    for pattern, role in INTRO_NAMES:
        m = pattern.search(intro)
        if not m:
            continue
        if role == "QA":
            names["Q"], names["A"] = m.group(1).rstrip("."), m.group(2).rstrip(".")
        elif role == "AQ":
            names["A"], names["Q"] = m.group(1).rstrip("."), m.group(2).rstrip(".")
        elif names[role] == QA_DEFAULTS[role]:  # a name found earlier stands
            names[role] = m.group(1).rstrip(".")
    return names


def find_labels(
    paragraphs: Iterable[str], persons: Sequence[str] = (), *, cues_expected: bool = False
) -> Labels:
    """The labels the text uses as turn labels, each with the speaker it names.

    `cues_expected` (a play) lets a label of an established form speak only once.
    """
    texts = list(paragraphs)
    counts, first = count_labels(texts)
    accepted = accepted_labels(texts, counts, persons, cues_expected)
    qa_keys = [k for k in accepted if k[0] == QUESTION_ANSWER.name or k[1] in ("Q", "A")]
    qa_first = min((first[k] for k in qa_keys), default=None)
    qa = question_answer_names(texts, qa_first) if qa_first is not None else {}
    labelled = {label.rstrip(".:") for _, label in accepted}
    spellings = spelling_variants([label.rstrip(".:") for _, label in accepted])
    speakers: dict[tuple[str, str], str] = {}
    for form, label in sorted(accepted, key=lambda k: (first.get(k, 0), k)):
        role = ROLES.get(label.rstrip(".:"))
        if role and (form, label) in qa_keys:
            speakers[(form, label)] = qa[role]
        elif persons and (form in (ITALIC.name, ABBREVIATION.name) or "." in label):
            # "Morten." is not "Morten Kiil." when the text labels both: two people
            bare = label.rstrip(".:")
            others = [p for p in persons if not (p in labelled and bare in p.split())]
            speakers[(form, label)] = expand(label, others)
        else:
            speakers[(form, label)] = label.rstrip(".:").strip()
        bare = label.rstrip(".:")
        if bare in spellings and speakers[(form, label)] == bare:
            speakers[(form, label)] = spellings[bare]
    return Labels(speakers)


def spelling_variants(labels: Sequence[str]) -> dict[str, str]:
    """One name printed short and long ("PHIL." and "PHILONOUS.", "Pol." and "Polon."): each
    short form as the longest label it begins, where those it begins form one chain.
    "CAPULET" does not begin "CAPULET'S COUSIN", nor "Morten" "Morten Kiil": whole words."""
    found: dict[str, str] = {}
    for short in labels:
        if len(short) < 3 or " " in short:
            continue
        longer = {
            other
            for other in labels
            if len(short) < len(other.split()[0]) <= len(short) + 5
            and other.upper().startswith(short.upper())
            and other[len(short)].isalpha()
        }
        longest = max(longer, key=len, default=None)
        if longest and all(longest.upper().startswith(o.upper()) for o in longer):
            found[short] = longest
    return found


def find_speakers(paragraphs: Iterable[str], persons: Sequence[str] = ()) -> list[str]:
    """Names the text uses as turn labels, in order of first appearance."""
    return find_labels(paragraphs, persons).names


# ---------------------------------------------------------------- turns


def split_turns(text: str, labels: Labels) -> list[tuple[str | None, str]]:
    """A paragraph -> (speaker or None for "same as before", text) pieces."""
    pieces: list[tuple[str | None, str]] = []
    opening = labels.at_start(text)
    speaker: str | None = None
    start, aside = 0, ""
    if opening is not None:
        speaker, start, aside = opening
    pattern = labels.mid_paragraph
    if pattern is not None:
        for m in pattern.finditer(text, start):
            inner = labels.at_start(m.group(0).lstrip())
            if inner is None:
                continue
            before = text[start : m.start()].strip()
            if before or aside:
                pieces.append((speaker, with_aside(aside, before)))
            speaker, aside = inner[0], inner[2]
            start = m.end()
    pieces.append((speaker, with_aside(aside, text[start:].strip())))
    return [(s, t) for s, t in pieces if t or (s and (s, t) == pieces[-1])]


def with_aside(aside: str, text: str) -> str:
    """The direction printed inside a label, read as a direction before the speech."""
    return f"[_{aside.strip(' _')}_] {text}".strip() if aside.strip(" _") else text


# Stage directions and sounds inside a turn: "[Laughter]" between sentences, "[_Exit._]" or
# "[laughs]" anywhere, "_Aside._" / "_Exeunt._" in italics.
DIRECTION_RE = re.compile(
    r"(?:(?<=^)|(?<=[.!?…\"”]\s))\[(?P<a>[A-Z][^\]\n]{0,60})\](?=\s*$|\s+[A-Z\"“])"
    r"|\[_(?P<b>[^\]\n]{1,400}?)_?\.?\]"
    r"|\[(?P<c>(?!sic\])[a-z][\w ’'.,-]{1,40})\]"
    r"|\((?P<e>(?i:laugh|chuckl|giggl|crosstalk|inaudible|unintelligible|applause|music|pause|"
    r"sigh|cough|silence|clears|sound|intro|outro|typewriter|bell)[^()\n]{0,40})\)"
    r"|(?<![\w])_(?P<d>(?:Aside|Exit|Exeunt|Exeunt omnes|Dies|Dying|Re-enter|Enter|Within|"
    r"Sings|Reads)\b[^_\n]{0,80})_\.?"
)


def split_directions(text: str) -> list[tuple[bool, str]]:
    """Stage directions standing between or inside sentences, apart from the speech."""
    out: list[tuple[bool, str]] = []
    last = 0
    for m in DIRECTION_RE.finditer(text):
        if text[last : m.start()].strip():
            out.append((False, text[last : m.start()].strip()))
        direction = next(g for g in m.groups() if g)
        out.append((True, direction.strip(" _")))
        last = m.end()
    if text[last:].strip():
        out.append((False, text[last:].strip()))
    return out


def attribute_speakers(
    chapters: Iterable[ChapterText], labels: Labels, *, turns_continue: bool = True
) -> list[Chapter]:
    """Each chapter with its segments: every passage with its speaker and kind.

    A paragraph without a label continues the last speaker when `turns_continue` (an
    interview, a dialogue); in a play it is the narrator's (a stage direction or scene).
    A heading ends every turn: the first paragraph after it has no speaker but its label's.
    """
    return [
        replace(c.chapter, segments=chapter_segments(c.blocks, labels, turns_continue))
        for c in chapters
    ]


def chapter_segments(
    blocks: Iterable[Block], labels: Labels, turns_continue: bool
) -> tuple[Segment, ...]:
    """The segments of one chapter's blocks, in order (see attribute_speakers)."""
    current: str | None = None
    handed_over = False  # a cue alone in its paragraph ("LADY CAPULET.") gives the next
    segments: list[Segment] = []
    for block in blocks:
        if block.style == BlockStyle.HEADING:
            current, handed_over = None, False
        carried = current if (turns_continue or handed_over) else None
        added, after = block_segments(block, labels, carried)
        if block.style == BlockStyle.PARAGRAPH:
            handed_over = after is not None and not any(a.kind == SegmentKind.SPEECH for a in added)
        current = after if after is not None else current
        segments.extend(added)
    return tuple(segments)


def block_segments(
    block: Block, labels: Labels, current: str | None
) -> tuple[list[Segment], str | None]:
    """The segments of one block, in order, with its notes after it, and who speaks after it
    (a cue with nothing said yet still passes the turn on)."""
    out: list[Segment] = []
    if block.style == BlockStyle.HEADING:
        out.append(segment(NARRATOR, SegmentKind.HEADING, block, block.text, level=block.level))
    elif block.style == BlockStyle.CAPTION:
        out.append(segment(NARRATOR, SegmentKind.CAPTION, block, block.text))
    elif block.style == BlockStyle.DIRECTION:
        out.append(segment(NARRATOR, SegmentKind.DIRECTION, block, unbracket(block.text)))
    elif block.style in (BlockStyle.LIST, BlockStyle.QUOTE):
        out.append(segment(NARRATOR, SegmentKind.NARRATION, block, block.text))
        out.extend(segment(NARRATOR, SegmentKind.NOTE, block, note) for note in block.notes)
    else:
        said, current = paragraph_segments(block, labels, current)
        out.extend(said)
    if out:
        out[0] = replace(out[0], page=block.page, scene_break_before=block.scene_break_before)
    return [s for s in out if s.text], current


def unbracket(text: str) -> str:
    """ "[Exit Romeo.]" -> "Exit Romeo."; "_Aside._" -> "Aside." """
    text = text.strip()
    if text[:1] in "[(" and text[-1:] in "])":
        text = text[1:-1]
    elif text[:1] in "[(":
        text = text[1:]
    return text.strip(" _")


def paragraph_segments(
    block: Block, labels: Labels, current: str | None
) -> tuple[list[Segment], str | None]:
    out: list[Segment] = []
    turns = [(block.speaker, block.text)] if block.speaker else split_turns(block.text, labels)
    for speaker, text in turns:
        speaker = speaker or current
        current = speaker
        for is_direction, piece in split_directions(text):
            if is_direction:
                out.append(segment(NARRATOR, SegmentKind.DIRECTION, block, piece))
            elif speaker is None:
                out.append(segment(NARRATOR, SegmentKind.NARRATION, block, piece))
            else:
                out.append(segment(speaker, SegmentKind.SPEECH, block, piece))
    out.extend(segment(NARRATOR, SegmentKind.NOTE, block, note) for note in block.notes)
    return out, current


def segment(
    speaker: str, kind: SegmentKind, block: Block, text: str, level: int | None = None
) -> Segment:
    return Segment(
        speaker=speaker,
        kind=kind,
        text=strip_inline_markup(text),
        source_line=block.line,
        level=level,
    )
