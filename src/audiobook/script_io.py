"""The script at the edges: JSON (the contract) and Fountain (for editing by hand)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TypeVar

from audiobook.errors import UserError
from audiobook.model import (
    NARRATOR,
    Chapter,
    Character,
    Division,
    Removal,
    Script,
    Segment,
    SegmentKind,
)
from audiobook.textforms import CONTROLS_TO_SPACE

T = TypeVar("T")

# ---------------------------------------------------------------- JSON


def script_to_dict(script: Script, *, with_removed: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": script.title,
        "author": script.author,
        "year": script.year,
        "language": script.language,
        "source": script.source,
        "speakers": list(script.speakers),
        "chapters": [chapter_to_dict(c) for c in script.chapters],
    }
    if script.characters:
        data["characters"] = [
            {"name": c.name, "gender": c.gender, "lines": c.lines, "minor": c.minor}
            for c in script.characters
        ]
    if with_removed:
        data["removed"] = [removal_to_dict(r) for r in script.removed]
    return data


def chapter_to_dict(chapter: Chapter) -> dict[str, Any]:
    return {
        "index": chapter.index,
        "number": chapter.number,
        "title": chapter.title,
        "path": [d.label for d in chapter.divisions],
        "path_titles": [d.title or "" for d in chapter.divisions],
        "source_line": chapter.source_line,
        "segments": [segment_to_dict(s) for s in chapter.segments],
    }


def segment_to_dict(segment: Segment) -> dict[str, Any]:
    data: dict[str, Any] = {"speaker": segment.speaker, "kind": segment.kind, "text": segment.text}
    if segment.source_line is not None:
        data["source_line"] = segment.source_line
    if segment.page is not None:
        data["page"] = segment.page
    if segment.level is not None:
        data["level"] = segment.level
    if segment.scene_break_before:
        data["scene_break_before"] = True
    if segment.confidence is not None:
        data["confidence"] = round(segment.confidence, 2)
    if segment.say is not None and segment.say != segment.text:
        data["say"] = segment.say
    return data


def script_to_json(script: Script, *, with_removed: bool = False) -> str:
    return json.dumps(
        script_to_dict(script, with_removed=with_removed), ensure_ascii=False, indent=1
    )


def script_from_dict(data: dict[str, Any], origin: str) -> Script:
    """Build a Script from JSON data, with a user error naming what is malformed, and where.

    A script edited by hand may hold anything JSON can in any place, so every value is
    checked for its type here: a number where a title belongs, or a chapter that is a
    string, must be a user error now, not a traceback deep inside a build. Chapters are
    numbered by their place in the file, as the build counts them; an `index` given must
    still be a whole number from 1, since anything else says the file is not what it seems.
    """
    try:
        chapters = [
            _within(f"chapter {i}", chapter_from_dict, chapter, i)
            for i, chapter in enumerate(_dicts(_key(data, "chapters"), "chapters"), start=1)
        ]
        speakers = _str_list(data.get("speakers") or [], "speakers")
        for chapter in chapters:
            for seg in chapter.segments:
                if seg.speaker not in speakers:
                    speakers.append(seg.speaker)
        return Script(
            title=_str(_key(data, "title"), "title"),
            author=_optional_str(data.get("author"), "author"),
            speakers=tuple(speakers),
            chapters=tuple(chapters),
            removed=tuple(
                _within(f"removed entry {i}", removal_from_dict, r)
                for i, r in enumerate(_dicts(data.get("removed", []), "removed"), start=1)
            ),
            year=_optional_str(data.get("year"), "year"),
            language=_str(data.get("language", "en"), "language"),
            source=_optional_str(data.get("source"), "source"),
            characters=tuple(
                _within(f"character {i}", character_from_dict, c)
                for i, c in enumerate(_dicts(data.get("characters", []), "characters"), start=1)
            ),
        )
    except (TypeError, ValueError) as e:
        raise UserError(f"{origin}: not a valid audiobook script ({e})") from e


def chapter_from_dict(data: dict[str, Any], position: int) -> Chapter:
    _positive(data.get("index", position), "index")
    return Chapter(
        index=position,
        number=_optional_str(data.get("number"), "number"),
        title=_str(_key(data, "title"), "title"),
        divisions=divisions_from_dict(data),
        source_line=_optional_positive(data.get("source_line"), "source_line"),
        segments=tuple(
            _within(f"segment {i}", segment_from_dict, s)
            for i, s in enumerate(_list(_key(data, "segments"), "segments"), start=1)
        ),
    )


def divisions_from_dict(data: dict[str, Any]) -> tuple[Division, ...]:
    """The enclosing divisions from the parallel lists `path` (labels) and `path_titles`,
    "" where a division has no title. Without `path_titles`, or with it empty, none has a
    title (a script made from Fountain by earlier versions has [] for one untitled part);
    otherwise each division needs one: a title more or less would put every title in the
    wrong place."""
    labels = _str_list(data.get("path", []), "path")
    titles = _str_list(data.get("path_titles", []), "path_titles")
    if not titles:
        return tuple(Division(label) for label in labels)
    if len(titles) != len(labels):
        raise ValueError(
            f"path has {_count(labels, 'division')} but path_titles "
            f'{_count(titles, "title")}: give one title for each division, "" for none'
        )
    return tuple(Division(label, title or None) for label, title in zip(labels, titles))


def _count(items: list[str], noun: str) -> str:
    return f"1 {noun}" if len(items) == 1 else f"{len(items)} {noun}s"


def segment_kind(value: str) -> SegmentKind | None:
    """The kind a script names, or None when it names none of SegmentKind's."""
    try:
        return SegmentKind(value)
    except ValueError:
        return None


def segment_from_dict(data: dict[str, Any]) -> Segment:
    if not isinstance(data, dict):
        raise TypeError(f"a segment must be an object, not {_shown(data)}")
    named = _str(_key(data, "kind"), "kind")
    kind = segment_kind(named)
    if kind is None:
        raise ValueError(f"kind must be one of {', '.join(SegmentKind)}, not {named!r}")
    speaker = _str(_key(data, "speaker"), "speaker")
    if not speaker.strip():
        raise ValueError("speaker is empty")
    scene_break = data.get("scene_break_before", False)
    if not isinstance(scene_break, bool):
        raise TypeError(f"scene_break_before must be true or false, not {_shown(scene_break)}")
    return Segment(
        speaker=speaker,
        kind=kind,
        text=_str(_key(data, "text"), "text"),
        source_line=_optional_positive(data.get("source_line"), "source_line"),
        page=_optional_str(data.get("page"), "page"),
        level=_optional_positive(data.get("level"), "level"),
        scene_break_before=scene_break,
        confidence=_optional_share(data.get("confidence"), "confidence"),
        say=_optional_str(data.get("say"), "say"),  # shown for review; synthesis says it anew
    )


def character_from_dict(data: dict[str, Any]) -> Character:
    gender = _optional_str(data.get("gender"), "gender")
    if gender not in (None, "female", "male"):
        raise ValueError(f"gender must be female, male or null, not {gender!r}")
    lines = data.get("lines", 0)
    if not isinstance(lines, int) or isinstance(lines, bool) or lines < 0:
        raise TypeError(f"lines must be a whole number, not {_shown(lines)}")
    minor = data.get("minor", False)
    if not isinstance(minor, bool):
        raise TypeError(f"minor must be true or false, not {_shown(minor)}")
    return Character(_str(_key(data, "name"), "name"), gender, lines, minor)


def _optional_share(value: object, key: str) -> float | None:
    """A number from 0 to 1 (a confidence), or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{key} must be a number from 0 to 1, not {_shown(value)}")
    return float(value)


def removal_to_dict(removal: Removal) -> dict[str, Any]:
    """A removal as JSON: `where` only for an e-book's parts, which have no lines."""
    data = asdict(removal)
    if removal.where is None:
        del data["where"]
    return data


def removal_from_dict(data: dict[str, Any]) -> Removal:
    unknown = sorted(set(data) - {"rule", "line", "text", "where"})
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    return Removal(
        rule=_str(_key(data, "rule"), "rule"),
        line=_positive(_key(data, "line"), "line"),
        text=_str(_key(data, "text"), "text"),
        where=_optional_str(data.get("where"), "where"),
    )


class _MalformedError(ValueError):
    """What is wrong in a script, and where: "chapter 2, segment 3: kind is missing"."""


def _within(where: str, parse: Callable[..., T], *args: Any) -> T:
    """parse(*args), its complaint prefixed with the place it is about."""
    try:
        return parse(*args)
    except (TypeError, ValueError) as e:
        inner = isinstance(e, _MalformedError)  # already says where inside: "segment 3: …"
        raise _MalformedError(f"{where}, {e}" if inner else f"{where}: {e}") from e


def _key(data: dict[str, Any], key: str) -> object:
    if key not in data:
        raise ValueError(f"{key} is missing")
    return data[key]


def _shown(value: object) -> str:
    """A value as an error quotes it: short, on one line."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except RecursionError:
        return "a value nested too deeply"
    text = text.encode("utf-8", "backslashreplace").decode()  # a lone surrogate, escaped
    return text if len(text) <= 40 else text[:39] + "…"


def _str(value: object, key: str) -> str:
    """Text as written; a number is taken as its digits (a title "1984", a page 12)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{key} must be text, not {_shown(value)}")
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:  # a lone surrogate written as an escape (\ud800)
        raise ValueError(f"{key} {text!r} is not valid Unicode") from e
    return text.translate(CONTROLS_TO_SPACE)  # as cleaning does for text files


def _optional_str(value: object, key: str) -> str | None:
    return None if value is None else _str(value, key)


def _positive(value: object, key: str) -> int:
    """A whole number from 1: an index, a line, a heading level."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} must be a whole number, not {_shown(value)}")
    if value < 1:
        raise ValueError(f"{key} must be 1 or more, not {value}")
    return value


def _optional_positive(value: object, key: str) -> int | None:
    return None if value is None else _positive(value, key)


def _list(value: object, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list, not {_shown(value)}")
    return value


def _str_list(value: object, key: str) -> list[str]:
    return [_str(item, key) for item in _list(value, key)]


def _dicts(value: object, key: str) -> list[dict[str, Any]]:
    items = _list(value, key)
    for item in items:
        if not isinstance(item, dict):
            raise TypeError(f"each of {key} must be an object, not {_shown(item)}")
    return items


def read_json_script(path: Path, text: str) -> Script:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from e
    except RecursionError as e:  # "[[[[…" 100,000 deep: no script is nested so
        raise UserError(f"{path}: not a valid audiobook script (nested too deeply)") from e
    if not isinstance(data, dict):
        raise UserError(f"{path}: not a valid audiobook script (expected a JSON object)")
    return script_from_dict(data, str(path))


# ---------------------------------------------------------------- Fountain
#
# Chapters are Fountain sections (`# Title`), speakers are forced character cues (`@Wells`),
# everything the narrator says is forced action (`!…`) or a forced scene heading (`.…`).
# What Fountain has no place for (kind, level, source line, page) rides in a trailing
# [[note]], which Fountain editors hide, so the text stays readable and edits round-trip.

META_RE = re.compile(r"\s*\[\[(?P<meta>[^\]]*)\]\]\s*$")


def format_meta(fields: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in fields.items() if v not in (None, "", [], False)]
    return f" [[{'; '.join(parts)}]]" if parts else ""


def parse_meta(text: str) -> tuple[str, dict[str, str]]:
    m = META_RE.search(text)
    if not m:
        return text.strip(), {}
    fields = {}
    for part in m.group("meta").split(";"):
        key, _, value = part.strip().partition("=")
        if key:
            fields[key.strip()] = value.strip()
    return text[: m.start()].strip(), fields


def script_to_fountain(script: Script) -> str:
    lines = [f"Title: {script.title}"]
    if script.author:
        lines.append(f"Author: {script.author}")
    if script.year:
        lines.append(f"Date: {script.year}")
    if script.characters:
        lines.append("Characters: " + " | ".join(character_note(c) for c in script.characters))
    lines.append("")
    for chapter in script.chapters:
        meta = {
            "number": chapter.number,
            "path": " | ".join(d.label for d in chapter.divisions),
            "path_titles": " | ".join(d.title or "" for d in chapter.divisions),
            "line": chapter.source_line,
        }
        lines += [f"# {chapter.title}{format_meta(meta)}", ""]
        for seg in chapter.segments:
            meta = {
                "line": seg.source_line,
                "page": seg.page,
                "scene_break": "yes" if seg.scene_break_before else None,
                "confidence": f"{seg.confidence:.2f}" if seg.confidence is not None else None,
            }
            if seg.kind == SegmentKind.SPEECH:
                lines += [f"@{seg.speaker}", f"{seg.text}{format_meta(meta)}", ""]
                continue
            meta = {"kind": seg.kind, "speaker": None, **meta}
            if seg.speaker != NARRATOR:
                meta["speaker"] = seg.speaker
            if seg.kind == SegmentKind.HEADING:
                meta["level"] = seg.level
                lines += [f".{seg.text}{format_meta(meta)}", ""]
            else:
                lines += [f"!{seg.text}{format_meta(meta)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def read_fountain_script(path: Path, text: str) -> Script:
    """Read a Fountain script written by script_to_fountain, perhaps edited by hand."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(CONTROLS_TO_SPACE)
    blocks = re.split(r"\n\s*\n", text.strip())
    title_page: dict[str, str] = {}
    chapters: list[tuple[Chapter, list[Segment]]] = []  # each with its segments so far
    if blocks and re.match(r"^[A-Za-z ]+:", blocks[0]) and not blocks[0].startswith(("!", "@")):
        for line in blocks.pop(0).splitlines():
            key, _, value = line.partition(":")
            title_page[key.strip().lower()] = value.strip()
    for number, block in enumerate(blocks, start=1):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("#"):
            title, meta = parse_meta(first.lstrip("#"))
            chapter = Chapter(
                index=len(chapters) + 1,
                number=meta.get("number") or None,
                title=title,
                divisions=fountain_divisions(meta),
                source_line=int_or_none(meta.get("line")),
            )
            chapters.append((chapter, []))
            continue
        if not chapters:
            chapters.append((Chapter(1, None, title_page.get("title", path.stem)), []))
        chapters[-1][1].append(fountain_segment(lines, path, number))
    if not chapters:
        raise UserError(f"{path}: the Fountain script has no chapters or text")
    speakers = [NARRATOR]
    for _, segments in chapters:
        for seg in segments:
            if seg.speaker not in speakers:
                speakers.append(seg.speaker)
    return Script(
        title=title_page.get("title", path.stem),
        author=title_page.get("author") or None,
        speakers=tuple(speakers),
        chapters=tuple(replace(chapter, segments=tuple(segs)) for chapter, segs in chapters),
        year=title_page.get("date") or None,
        source=str(path),
        characters=tuple(
            c for c in map(character_from_note, split_list(title_page.get("characters"))) if c
        ),
    )


def character_note(character: Character) -> str:
    """ "Mrs. Bennet (female, 12 lines)" for a Fountain title page."""
    facts = [character.gender] if character.gender else []
    facts.append(f"{character.lines} lines")
    if character.minor:
        facts.append("minor")
    return f"{character.name} ({', '.join(facts)})"


def character_from_note(note: str) -> Character | None:
    m = re.fullmatch(r"(.+?)\s*\((?:(female|male),\s*)?(\d+) lines?(,\s*minor)?\)", note.strip())
    return Character(m.group(1), m.group(2), int(m.group(3)), bool(m.group(4))) if m else None


def share_or_none(value: str | None) -> float | None:
    try:
        share = float(value) if value else None
    except ValueError:
        return None
    return share if share is not None and 0 <= share <= 1 else None


def fountain_segment(lines: list[str], path: Path, number: int) -> Segment:
    first = lines[0].strip()
    is_cue = first.startswith("@") or (
        len(lines) > 1 and first.isupper() and not first.startswith(("!", "."))
    )
    if is_cue:
        speaker = first.lstrip("@").strip()
        if not speaker:
            raise UserError(f"{path}: block {number} is a cue (@) with no name")
        if speaker.isupper():
            speaker = speaker.title()
        text, meta = parse_meta(" ".join(line.strip() for line in lines[1:]))
        kind = SegmentKind.SPEECH
    else:
        text, meta = parse_meta(" ".join(line.strip() for line in lines))
        forced = text[:1]
        text = text[1:] if forced in "!." else text
        named = meta.get("kind")
        given = segment_kind(named) if named else None
        if named and given is None:
            raise UserError(f"{path}: block {number} has an unknown kind {named!r}")
        kind = given or (SegmentKind.HEADING if forced == "." else SegmentKind.NARRATION)
        speaker = meta.get("speaker") or NARRATOR
    if not text.strip():
        raise UserError(f"{path}: block {number} ({first[:30]!r}) has no text")
    return Segment(
        speaker=speaker,
        kind=kind,
        text=text.strip(),
        source_line=int_or_none(meta.get("line")),
        page=meta.get("page") or None,
        level=int_or_none(meta.get("level")),
        scene_break_before=meta.get("scene_break") == "yes",
        confidence=share_or_none(meta.get("confidence")),
    )


def split_list(value: str | None) -> list[str]:
    return [p.strip() for p in value.split("|")] if value else []


def fountain_divisions(meta: dict[str, str]) -> tuple[Division, ...]:
    """The divisions a chapter's note gives. The note is only a hint, edited or not: a title
    missing is no title, one too many is ignored (one division's untitled path is written
    as no path_titles at all)."""
    titles = split_list(meta.get("path_titles"))
    return tuple(
        Division(label, titles[i] if i < len(titles) and titles[i] else None)
        for i, label in enumerate(split_list(meta.get("path")))
    )


def int_or_none(value: str | None) -> int | None:
    """A line or a level from a note Fountain editors hide: a whole number from 1, or None
    (a note edited into nonsense is ignored, as the note is only a hint)."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and number >= 1 else None
