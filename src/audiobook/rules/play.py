"""Rules for plays: acts are chapters, scenes are sections, stage directions are read by the
narrator, and a speaker's name in capitals is a cue, never a heading."""

from __future__ import annotations

import re
from dataclasses import replace

from audiobook.model import BlockStyle
from audiobook.rules import (
    DIRECTION,
    GONE,
    HEADING,
    NUMERAL,
    SECTION,
    TEXT,
    Draft,
    Piece,
    Rule,
    with_pieces,
)
from audiobook.rules.printed import unlist_label_runs
from audiobook.textforms import CAPS_NAME, JOINT_CAPS, NUMBER_WORDS, is_uppercase_line, roman_to_int

# Ordinals that number acts and scenes, in the languages plays come in; each list from one.
ORDINAL_LISTS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
    "primus secundus tertius quartus quintus".split(),
    "prima secunda tertia quarta quinta sexta septima octava nona decima".split(),
    "premier deuxième troisième quatrième cinquième".split(),
    "erster zweiter dritter vierter fünfter".split(),
    "primo secondo terzo quarto quinto".split(),
)
ORDINALS = [word for words in ORDINAL_LISTS for word in words]
NUMBER = rf"(?:[IVXLC]{{1,6}}|\d{{1,2}}|{'|'.join(NUMBER_WORDS + ORDINALS)})"
# "ACT", "Acte", "Akt", "Aufzug", "Atto", "Acto", "Actus"
ACT_WORD = r"(?:ACTE|Acte|ACTUS|Actus|ACTO|Acto|ACT|Act|AKT|Akt|AUFZUG|Aufzug|ATTO|Atto)\b"
# "ACT I", "ACT II. SCENE 1. A room.", "FIRST ACT", "Act Three", "Actus Primus. Scoena Prima.",
# "Acte I.", "Erster Aufzug"
ACT_RE = re.compile(
    rf"^(?:{ACT_WORD}\s+((?i:{NUMBER}))\b\.?|(?:THE\s+|The\s+)?((?i:{'|'.join(ORDINALS)}))\s+"
    rf"{ACT_WORD}\b\.?)"
    r"(?:\s*[.:—–-]\s*(.*)|\s*)$"
)
SCENE_WORD = (
    r"(?:SCENE|Scene|SCÈNE|Scène|SZENE|Szene|AUFTRITT|Auftritt|SCENA|Scena|ESCENA|Escena"
    r"|SCOENA|Scoena|SCAENA|Scaena)"
)
# "SCENE III. A street.", "Scène 1.II.", "Scoena Prima.", "SCENE.—Verona."
SCENE_RE = re.compile(
    rf"^{SCENE_WORD}(?:\s+(?:(?i:{NUMBER})(?:\.(?i:{NUMBER}))*|the\s+\w+)\b|\s*[.:—–-])"
)
PLAY_FRONT_RE = re.compile(r"^(?:THE\s+)?(?:PROLOGUE|EPILOGUE|INDUCTION)\.?$", re.IGNORECASE)
# Verbs of entrances and exits open a direction whatever follows; nouns ("Music", "Thunder")
# only alone or as a sentence of their own ("Flourish. Enter the King."): "Music, moody food
# of us that trade in love" is a verse of speech.
DIRECTION_VERBS = "Enter|Re-enter|Reenter|Exit|Exeunt|Manet|Manent|They\\s+fight"
DIRECTION_NOUNS = (
    "Flourish|Alarum|Alarums|Sennet|Trumpets|Hautboys|Music|Thunder|Curtain|Dies|Dying|Retreat|"
    "Excursions"
)
DIRECTION_LINE_RE = re.compile(
    rf"^_?(?:{DIRECTION_VERBS})\b|^_?(?:{DIRECTION_NOUNS})(?:\.|\s+(?:within|without|heard|plays?|"
    r"sounds?)\b|_?$)|^\[[^\]]*\]?$|^_[^_]+_\.?$|^\([^)]*\)?$"
)


def act_number(text: str) -> str | None:
    m = ACT_RE.match(text)
    if not m:
        return None
    number = (m.group(1) or m.group(2)).lower()
    for words in (NUMBER_WORDS, *ORDINAL_LISTS):
        if number in words:
            return str(words.index(number) + 1)
    return number.upper() if roman_to_int(number.upper()) else number


def act_word(text: str) -> str:
    """The word the play calls an act by, as a chapter's label: "ACT", "Acte", "Aufzug"."""
    m = re.search(ACT_WORD, text)
    return m.group(0) if m else "ACT"


def _play_headings(draft: Draft) -> Draft:
    """ACT lines open chapters (their number a labelled numeral), SCENE lines are sections,
    a prologue or epilogue is a heading; capital lines set off by blank lines before the
    first act (the play's title) are headings too."""
    pieces = draft.pieces
    out: list[Piece] = []
    first_act = next(
        (
            i
            for i, p in enumerate(pieces)
            if p.kind == TEXT and p.blank_before and ACT_RE.match(p.text)
        ),
        len(pieces),
    )
    for i, piece in enumerate(pieces):
        if piece.kind != TEXT or len(piece.text) > 120:
            out.append(piece)
            continue
        listed = i + 1 < len(pieces) and pieces[i + 1].blanks_before == 0
        listed = listed and bool(ACT_RE.match(pieces[i + 1].text))  # "ACT I" over "ACT II"
        number = act_number(piece.text) if piece.blank_before and not listed else None
        if number:
            rest = (ACT_RE.match(piece.text).group(3) or "").strip()  # type: ignore[union-attr]
            label = act_word(piece.text)
            out.append(replace(piece, text=number, kind=NUMERAL, level=-1, label=label))
            if rest:
                kind = SECTION if SCENE_RE.match(rest) else HEADING
                out.append(replace(piece, text=rest, kind=kind, blank_before=True))
            continue
        if piece.blank_before and SCENE_RE.match(piece.text):
            out.append(replace(piece, kind=SECTION))
        elif piece.blank_before and PLAY_FRONT_RE.match(piece.text):
            out.append(replace(piece, kind=HEADING))
        elif (
            i < first_act
            and piece.blanks_before >= 2
            and not CUE_ALONE_RE.match(piece.text)
            and is_uppercase_line(piece.text)
            and len(piece.text) <= 80
            and (i + 1 >= len(pieces) or pieces[i + 1].blanks_before >= 1)
        ):
            out.append(replace(piece, kind=HEADING))
        else:
            out.append(piece)
    return with_pieces(draft, unlist_label_runs(out))


PLAY_HEADINGS = Rule("play-headings", _play_headings, "ACT is a chapter, SCENE a section")


def is_direction(piece: Piece) -> bool:
    """ "Enter Romeo.", "[_Exit._]", "_Aside._" on a line of their own, set off by a blank
    line or by indentation (one straight below a line of speech is read inside it)."""
    if not DIRECTION_LINE_RE.match(piece.text) or len(piece.text) > 300:
        return False
    return piece.blank_before or piece.raw[:1].isspace()


def _stage_directions(draft: Draft) -> Draft:
    pieces = list(draft.pieces)
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.kind == TEXT and is_direction(piece):
            # a direction may run over several lines: "[Enter …" to its closing bracket
            text, end = piece.text, i + 1
            opener = {"[": "]", "(": ")"}.get(piece.text[:1])
            while opener and opener not in text and end < len(pieces) and end - i < 8:
                if pieces[end].blanks_before:
                    break
                text += " " + pieces[end].text
                end += 1
            close = text.find(opener) if opener else -1
            if opener and close < 0:
                end, text = i + 1, piece.text  # never closed: the direction is this line
            elif close >= 0 and text[close + 1 :].strip():
                # "[_Dropping on to the settee…_] There'll be the Baron": the speech goes on
                # after it, so it stays in the speech, where it is read as a direction
                out.append(piece)
                i += 1
                continue
            out.append(replace(piece, text=text, kind=DIRECTION))
            out += [replace(p, kind=GONE) for p in pieces[i + 1 : end]]
            i = end
            continue
        out.append(piece)
        i += 1
    return with_pieces(draft, out)


# Cues alone on their lines that make the convention: fewer may be a heading or a signature.
MIN_CUES_ALONE = 3
CUE_ALONE_RE = re.compile(
    rf"^(?:(?:{JOINT_CAPS}|{CAPS_NAME})[.:]|[_*][A-Z][\w'’ .]{{0,30}}[_*][.:]?)$"
)


def _cue_lines(draft: Draft) -> Draft:
    """A speaker's cue on a line of its own ("ROPER.") with a blank line below it: the
    speech below is still the cue's, so it joins the cue's paragraph."""
    pieces = list(draft.pieces)
    cues = [i for i, p in enumerate(pieces) if p.kind == TEXT and CUE_ALONE_RE.match(p.text)]
    if len(cues) < MIN_CUES_ALONE:
        return draft
    for i in cues:
        if (
            i + 1 < len(pieces)
            and pieces[i + 1].kind == TEXT
            and not CUE_ALONE_RE.match(pieces[i + 1].text)
        ):
            pieces[i + 1] = replace(pieces[i + 1], blank_before=False, blanks_before=0)
    return with_pieces(draft, pieces)


CUE_LINES = Rule("cue-lines", _cue_lines, "a cue alone on its line joins the speech below")

BRACKETED_RE = re.compile(r"\[(?!_)([^\[\]]{1,400})(?:\]|$)")


def _inline_directions(draft: Draft) -> Draft:
    """In a play every bracket inside a speech is a stage direction ("Heaven—[Jack puts out
    his hand.]"): marked as one, "[_…_]", so the narrator reads it, not the character."""
    blocks = tuple(
        replace(b, text=BRACKETED_RE.sub(lambda m: f"[_{m.group(1).strip(' _')}_]", b.text))
        if b.style == BlockStyle.PARAGRAPH and "[" in b.text
        else b
        for b in draft.blocks or ()
    )
    return replace(draft, blocks=blocks)


INLINE_DIRECTIONS = Rule("inline-directions", _inline_directions, "[…] in a speech is a direction")

STAGE_DIRECTIONS = Rule(
    "stage-directions", _stage_directions, "Enter …, [Exit.] read by the narrator"
)
