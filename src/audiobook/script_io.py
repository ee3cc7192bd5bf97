"""The script at the edges: JSON (the contract) and Fountain (for editing by hand)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from audiobook.errors import UserError
from audiobook.model import (
    HEADING,
    NARRATION,
    NARRATOR,
    SEGMENT_KINDS,
    SPEECH,
    Chapter,
    Removal,
    Script,
    Segment,
)
from audiobook.textforms import CONTROLS_TO_SPACE

# ---------------------------------------------------------------- JSON


def script_to_dict(script: Script, *, with_removed: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": script.title,
        "author": script.author,
        "year": script.year,
        "language": script.language,
        "source": script.source,
        "speakers": script.speakers,
        "chapters": [chapter_to_dict(c) for c in script.chapters],
    }
    if with_removed:
        data["removed"] = [asdict(r) for r in script.removed]
    return data


def chapter_to_dict(chapter: Chapter) -> dict[str, Any]:
    return {
        "index": chapter.index,
        "number": chapter.number,
        "title": chapter.title,
        "path": chapter.path,
        "path_titles": chapter.path_titles,
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
    return data


def script_to_json(script: Script, *, with_removed: bool = False) -> str:
    return json.dumps(
        script_to_dict(script, with_removed=with_removed), ensure_ascii=False, indent=1
    )


def script_from_dict(data: dict[str, Any], origin: str) -> Script:
    """Build a Script from JSON data, with a user error naming what is malformed.

    A script edited by hand may hold anything JSON can in any place, so every value is
    checked for its type here: a number where a title belongs, or a chapter that is a
    string, must be a user error now, not a traceback deep inside a build.
    """
    try:
        chapters = [
            Chapter(
                index=_int(chapter.get("index", i), "index"),
                number=_optional_str(chapter.get("number"), "number"),
                title=_str(chapter["title"], "title"),
                path=_str_list(chapter.get("path", []), "path"),
                path_titles=_str_list(chapter.get("path_titles", []), "path_titles"),
                source_line=_optional_int(chapter.get("source_line"), "source_line"),
                segments=[segment_from_dict(s) for s in _list(chapter["segments"], "segments")],
            )
            for i, chapter in enumerate(_dicts(data["chapters"], "chapters"), start=1)
        ]
        speakers = _str_list(data.get("speakers") or [], "speakers")
        for chapter in chapters:
            for seg in chapter.segments:
                if seg.speaker not in speakers:
                    speakers.append(seg.speaker)
        return Script(
            title=_str(data["title"], "title"),
            author=_optional_str(data.get("author"), "author"),
            speakers=speakers,
            chapters=chapters,
            removed=[Removal(**r) for r in _dicts(data.get("removed", []), "removed")],
            year=_optional_str(data.get("year"), "year"),
            language=_str(data.get("language", "en"), "language"),
            source=_optional_str(data.get("source"), "source"),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise UserError(f"{origin}: not a valid audiobook script ({type(e).__name__}: {e})") from e


def segment_from_dict(data: dict[str, Any]) -> Segment:
    if not isinstance(data, dict):
        raise TypeError(f"a segment must be an object, not {data!r}")
    kind = data["kind"]
    if kind not in SEGMENT_KINDS:
        raise ValueError(f"unknown segment kind {kind!r}")
    return Segment(
        speaker=_str(data["speaker"], "speaker"),
        kind=kind,
        text=_str(data["text"], "text"),
        source_line=_optional_int(data.get("source_line"), "source_line"),
        page=_optional_str(data.get("page"), "page"),
        level=_optional_int(data.get("level"), "level"),
        scene_break_before=bool(data.get("scene_break_before", False)),
    )


def _str(value: object, key: str) -> str:
    """Text as written; a number is taken as its digits (a title "1984", a page 12)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{key} must be text, not {value!r}")
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:  # a lone surrogate written as an escape (\ud800)
        raise ValueError(f"{key} {text!r} is not valid Unicode") from e
    return text.translate(CONTROLS_TO_SPACE)  # as cleaning does for text files


def _optional_str(value: object, key: str) -> str | None:
    return None if value is None else _str(value, key)


def _int(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} must be a whole number, not {value!r}")
    return value


def _optional_int(value: object, key: str) -> int | None:
    return None if value is None else _int(value, key)


def _list(value: object, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list, not {value!r}")
    return value


def _str_list(value: object, key: str) -> list[str]:
    return [_str(item, key) for item in _list(value, key)]


def _dicts(value: object, key: str) -> list[dict[str, Any]]:
    items = _list(value, key)
    for item in items:
        if not isinstance(item, dict):
            raise TypeError(f"each of {key} must be an object, not {item!r}")
    return items


def read_json_script(path: Path, text: str) -> Script:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from e
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
    lines.append("")
    for chapter in script.chapters:
        meta = {
            "number": chapter.number,
            "path": " | ".join(chapter.path),
            "path_titles": " | ".join(chapter.path_titles),
            "line": chapter.source_line,
        }
        lines += [f"# {chapter.title}{format_meta(meta)}", ""]
        for seg in chapter.segments:
            meta = {
                "line": seg.source_line,
                "page": seg.page,
                "scene_break": "yes" if seg.scene_break_before else None,
            }
            if seg.kind == SPEECH:
                lines += [f"@{seg.speaker}", f"{seg.text}{format_meta(meta)}", ""]
                continue
            meta = {"kind": seg.kind, "speaker": None, **meta}
            if seg.speaker != NARRATOR:
                meta["speaker"] = seg.speaker
            if seg.kind == HEADING:
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
    chapters: list[Chapter] = []
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
            chapters.append(
                Chapter(
                    index=len(chapters) + 1,
                    number=meta.get("number") or None,
                    title=title,
                    path=split_list(meta.get("path")),
                    path_titles=split_list(meta.get("path_titles")),
                    source_line=int_or_none(meta.get("line")),
                )
            )
            continue
        if not chapters:
            chapters.append(Chapter(1, None, title_page.get("title", path.stem), []))
        chapters[-1].segments.append(fountain_segment(lines, path, number))
    if not chapters:
        raise UserError(f"{path}: the Fountain script has no chapters or text")
    speakers = [NARRATOR]
    for chapter in chapters:
        for seg in chapter.segments:
            if seg.speaker not in speakers:
                speakers.append(seg.speaker)
    return Script(
        title=title_page.get("title", path.stem),
        author=title_page.get("author") or None,
        speakers=speakers,
        chapters=chapters,
        year=title_page.get("date") or None,
        source=str(path),
    )


def fountain_segment(lines: list[str], path: Path, number: int) -> Segment:
    first = lines[0].strip()
    is_cue = first.startswith("@") or (
        len(lines) > 1 and first.isupper() and not first.startswith(("!", "."))
    )
    if is_cue:
        speaker = first.lstrip("@").strip()
        if speaker.isupper():
            speaker = speaker.title()
        text, meta = parse_meta(" ".join(line.strip() for line in lines[1:]))
        kind = SPEECH
    else:
        text, meta = parse_meta(" ".join(line.strip() for line in lines))
        forced = text[:1]
        text = text[1:] if forced in "!." else text
        kind = meta.get("kind") or (HEADING if forced == "." else NARRATION)
        speaker = meta.get("speaker") or NARRATOR
    if kind not in SEGMENT_KINDS:
        raise UserError(f"{path}: block {number} has an unknown kind {kind!r}")
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
    )


def split_list(value: str | None) -> list[str]:
    return [p.strip() for p in value.split("|")] if value else []


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
