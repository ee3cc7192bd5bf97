"""Casting: which voice speaks for whom, from a TOML file or chosen automatically.

A cast file (see audiobook/voices/*.toml) has one `[voices."Speaker"]` table per speaker, with
`engine`, `voice` and optional `rate`, `pitch`, `volume` (1.0 = the engine's normal) and
`prefer`: better voices ("engine:voice") used instead when their engine is installed, so
one file serves machines with and without the optional engines. `[lexicon]` and
`lexicon_files` give pronunciations; `[pauses]` overrides model.Pauses. `[book]` (`author`,
`title`) names the one book a shipped cast is for, so only that book gets its lexicon. The
shipped casts are those in Settings.voices_dir (the package's own, or AUDIOBOOK_VOICES).

Automatic casting chooses voices that speak the script's language. Where none is installed,
one warning says what to install, and English voices read the text.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path

from audiobook.engines import (
    ENGINES,
    castable_engines,
    engine_class,
    get_engine,
    installed_engines,
    may_cast,
)
from audiobook.engines.base import Engine, voice_file
from audiobook.errors import AudiobookError, UserError
from audiobook.language_codes import language_code, language_name
from audiobook.lexicon import lexicon_from_toml, load_lexicon, read_toml
from audiobook.model import (
    NARRATOR,
    Cast,
    Character,
    Pauses,
    ReadOptions,
    Script,
    VoiceSettings,
)
from audiobook.settings import SHIPPED_VOICES_DIR, Settings

log = logging.getLogger(__name__)

CAST_KEYS = {"voices", "lexicon", "lexicon_files", "pauses", "book", "dialogue", "minor_lines"}
BOOK_KEYS = {"author", "title"}
VOICE_KEYS = {"engine", "voice", "rate", "pitch", "volume", "prefer"}
# `--rate`: screen-reader users often listen at 1.5-3 times normal speed.
LISTENING_RATE_RANGE = (0.5, 3.0)
CANDIDATES_AHEAD = 24  # voices looked at ahead when one of a given sex is wanted
# When there are more speakers than distinct voices, voices are reused at these pitches.
EXTRA_PITCHES = (0.85, 1.15, 0.75, 1.3, 0.7, 1.45)


def load_cast(path: Path, script: Script, config: Settings | None = None) -> Cast:
    """The cast in a TOML file, checked against the script and the engines installed (as
    `config` sets them up).

    Used as written; one warning if some of its voices do not speak the script's language.
    """
    cast = cast_from_toml(read_toml(path, "cast"), script, source=path, config=config)
    language = script_language(script)
    if cast.dialogue:
        cast = with_character_voices(cast, script, language, config)
    others = [
        speaker for speaker, v in cast.voices.items() if _speaks(v, language, config) is False
    ]
    if others:
        if _engines_speaking(language, config=config):
            advice = f"`audiobook voices --language {language}` lists voices that do."
        else:
            advice = _install_advice(language)
        log.warning(
            "%s: the text is in %s, but the voices for %s do not speak it; they read it as "
            "the cast says. %s",
            path,
            _named(language),
            ", ".join(others),
            advice,
        )
    return cast


def with_character_voices(
    cast: Cast, script: Script, language: str, config: Settings | None = None
) -> Cast:
    """A cast with `dialogue = true` names the voices it cares about; the other characters
    the dialogue found get voices automatically, none already in the cast."""
    missing = [c.name for c in script.characters if c.name not in cast.voices]
    if not missing:
        return cast
    used = set(cast.voices.values())
    candidates = (v for v in candidate_voices(None, language, config) if v not in used)
    found = voices_for_speakers(missing, script.characters, candidates, config)
    return replace(cast, voices={**cast.voices, **found})


def cast_from_toml(
    data: Mapping[str, object], script: Script, *, source: Path, config: Settings | None = None
) -> Cast:
    """A Cast from parsed TOML; `source` names the file in errors and anchors lexicon_files."""
    _check_keys(data, CAST_KEYS, str(source))
    table = data.get("voices")
    if not isinstance(table, dict) or not table:
        raise UserError(f"{source}: no [voices.{NARRATOR}] table; a cast needs at least one voice")
    speakers = [NARRATOR, *(s for s in script.speakers if s != NARRATOR)]
    voices = {}
    for speaker, spec in table.items():
        if speaker not in speakers:
            raise UserError(
                f"{source}: the script has no speaker {speaker!r}; its speakers are: "
                + ", ".join(speakers)
            )
        spec = _files_beside(spec, source.parent)
        voices[speaker] = _voice_from_toml(spec, f"{source}: [voices.{speaker}]", config)
    lexicon = _lexicon_of(data, source)
    _book_of(data, str(source))  # checked, though only the shipped casts' is read
    pauses = _pauses_from_toml(data.get("pauses", {}), str(source))
    return Cast(voices, lexicon, pauses, dialogue=cast_dialogue(data, source)[0])


def cast_dialogue(data: Mapping[str, object], source: Path) -> tuple[bool, int | None]:
    """A cast's `dialogue = true` (quotations to their speakers, as --dialogue) and its
    `minor_lines`, checked."""
    dialogue = data.get("dialogue", False)
    if not isinstance(dialogue, bool):
        raise UserError(f"{source}: dialogue must be true or false, not {dialogue!r}")
    minor = data.get("minor_lines")
    if minor is not None and (isinstance(minor, bool) or not isinstance(minor, int) or minor < 1):
        raise UserError(f"{source}: minor_lines must be a whole number from 1, not {minor!r}")
    return dialogue, minor


def reading_for_cast(path: Path | None, reading: ReadOptions) -> ReadOptions:
    """The reading options with what a cast file asks of the text (`dialogue = true`)."""
    if path is None:
        return reading
    dialogue, minor = cast_dialogue(read_toml(path, "cast"), path)
    if not dialogue:
        return reading
    return replace(reading, dialogue=True, minor_lines=minor or reading.minor_lines)


def _files_beside(spec: object, folder: Path) -> object:
    """A speaker's table with voice files named relative to the cast file made absolute, as
    `lexicon_files` are: a cast and its voices then move together (Piper's `x.onnx`,
    Kokoro's `voices.bin:NAME`, flite's `x.flitevox`)."""
    if not isinstance(spec, dict):
        return spec
    anchored = dict(spec)
    if isinstance(spec.get("voice"), str):
        anchored["voice"] = _file_beside(spec["voice"], folder)
    if isinstance(spec.get("prefer"), list):
        anchored["prefer"] = [_preferred_beside(option, folder) for option in spec["prefer"]]
    return anchored


def _preferred_beside(option: object, folder: Path) -> object:
    """A `prefer` entry ("engine:voice") with its voice file found beside the cast."""
    if not isinstance(option, str):
        return option  # _voice_from_toml says what is wrong with it
    engine, colon, voice = option.partition(":")
    return f"{engine}{colon}{_file_beside(voice, folder)}"


def _file_beside(voice: str, folder: Path) -> str:
    path_text = voice_file(voice)
    if path_text is None or Path(path_text).expanduser().is_absolute():
        return voice
    beside = folder / path_text
    if not beside.exists():
        return voice  # a path from where the command runs
    return str(beside.resolve()) + voice.removeprefix(path_text)


def _lexicon_of(data: Mapping[str, object], source: Path) -> dict[str, str]:
    """A cast's pronunciations: its `lexicon_files` in order, then its own `[lexicon]`."""
    lexicon: dict[str, str] = {}
    files = data.get("lexicon_files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise UserError(f"{source}: lexicon_files must be a list of file names")
    for name in files:
        lexicon.update(load_lexicon(source.parent / name))
    lexicon.update(lexicon_from_toml(data, str(source)))
    return lexicon


def _book_of(data: Mapping[str, object], where: str) -> dict[str, str]:
    """A cast's `[book]` table: the author and title of the one book it is for, if any."""
    book = data.get("book", {})
    if not isinstance(book, dict) or not all(isinstance(v, str) for v in book.values()):
        raise UserError(f'{where}: [book] must be a table like author = "A. Ciliga"')
    _check_keys(book, BOOK_KEYS, f"{where}: [book]")
    return book


def _is_for(book: Mapping[str, str], script: Script) -> bool:
    """Whether `script` is the book a `[book]` table names (by author and title, as given)."""
    said = {"author": script.author or "", "title": script.title}
    return all(
        said[key].strip().casefold() == value.strip().casefold() for key, value in book.items()
    )


def _check_keys(table: Mapping[str, object], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise UserError(
            f"{where}: unknown setting {unknown[0]!r}; settings are: {', '.join(sorted(allowed))}"
        )


def _number(spec: Mapping[str, object], key: str, where: str) -> float:
    value = spec.get(key, 1.0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{where}: {key} must be a number (1.0 = normal), not {value!r}")
    return float(value)


def _voice_from_toml(spec: object, where: str, config: Settings | None) -> VoiceSettings:
    """The first usable voice of a speaker's table: its `prefer` list, then engine/voice."""
    if not isinstance(spec, dict):
        raise UserError(f"{where} must be a table with engine and voice")
    _check_keys(spec, VOICE_KEYS, where)
    if not isinstance(spec.get("engine"), str) or not isinstance(spec.get("voice"), str):
        raise UserError(f'{where} needs engine = "…" and voice = "…"')
    settings = VoiceSettings(
        engine=spec["engine"],
        voice=spec["voice"],
        rate=_number(spec, "rate", where),
        pitch=_number(spec, "pitch", where),
        volume=_number(spec, "volume", where),
    )
    prefer = spec.get("prefer", [])
    if not isinstance(prefer, list) or not all(isinstance(p, str) for p in prefer):
        raise UserError(f'{where}: prefer must be a list like ["rhvoice:alan"]')
    for option in prefer:
        engine_name, _, voice = option.partition(":")
        if engine_name not in ENGINES or not voice:
            raise UserError(
                f"{where}: prefer entry {option!r} must be engine:voice, with engine one of: "
                + ", ".join(ENGINES)
            )
        choice = replace(settings, engine=engine_name, voice=voice)
        if _usable(choice, where, config):
            return choice
    if config is not None and config.draft and ENGINES[settings.engine].NEURAL:
        log.warning(
            "--draft: %s names no classic voice, only %s:%s; using it",
            where,
            settings.engine,
            settings.voice,
        )
    return check_voice(settings, where, config)


def _usable(settings: VoiceSettings, where: str, config: Settings | None) -> bool:
    """Whether a preferred voice can be used here; a missing engine is not an error, and
    a draft skips the slow ones."""
    if not may_cast(ENGINES[settings.engine], config):
        return False
    try:
        check_voice(settings, where, config)
    except UserError as e:
        log.warning("not using preferred voice: %s", e)
        return False
    return True


def check_voice(
    settings: VoiceSettings, where: str, config: Settings | None = None
) -> VoiceSettings:
    """The settings, if their engine is installed and can speak with them; else UserError."""
    try:
        get_engine(settings.engine, config).check(settings)
    except UserError as e:
        raise UserError(f"{where}: {e}") from e
    return settings


def _pauses_from_toml(table: object, source: str) -> Pauses:
    if not isinstance(table, dict):
        raise UserError(f"{source}: [pauses] must be a table of milliseconds")
    names = {f.name for f in fields(Pauses)}
    _check_keys(table, names, f"{source}: [pauses]")
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UserError(f"{source}: [pauses] {key} must be whole milliseconds, 0 or more")
    return Pauses(**table)


# ---------------------------------------------------------------- automatic casting


def script_language(script: Script) -> str:
    """The script's language as an ISO 639-1 code; English when it is not known."""
    code = language_code(script.language)
    return "en" if code in ("", "und") else code


def candidate_voices(
    engine: str | None = None, language: str = "en", config: Settings | None = None
) -> Iterator[VoiceSettings]:
    """Voices for automatic casting that speak `language` (ISO 639-1): best engine first
    (or only `engine`), each usable."""
    if engine is None:
        engines = [e for e in castable_engines(config) if not _repeats_another(e, config)]
    else:
        engines = [get_engine(engine, config)]
        if config is not None and config.draft and engines[0].NEURAL:
            log.warning("--draft: --engine %s is a neural engine; casting its voices", engine)
    base = [v for e in engines for v in _checked_candidates(e, language)]
    yield from base
    for pitch in EXTRA_PITCHES:
        for settings in base:
            varied = replace(settings, pitch=pitch)
            try:
                get_engine(varied.engine, config).check(varied)
            except UserError:
                continue
            yield varied


def _repeats_another(engine: Engine, config: Settings | None) -> bool:
    """Whether the engine only repeats the voices of another installed engine."""
    try:
        other = engine.same_voices_as()
    except AudiobookError:
        return True  # installed but broken: no use for casting
    return other is not None and ENGINES[other].is_installed(config)


def _checked_candidates(engine: Engine, language: str) -> list[VoiceSettings]:
    result = []
    try:
        candidates = engine.cast_candidates(language)
    except AudiobookError as e:  # an engine that is installed but broken
        log.warning("skipping %s for casting: %s", engine.NAME, e)
        return []
    for voice in candidates:
        settings = VoiceSettings(engine.NAME, voice)
        try:
            engine.check(settings)
        except UserError:
            continue  # this voice is not installed here
        result.append(settings)
    return result


def auto_cast(script: Script, *, engine: str | None = None, config: Settings | None = None) -> Cast:
    """A voice for the narrator and each speaker, all different, best engine first (or
    only from `engine`), with the shipped lexicon of `config.voices_dir`.

    Voices speak the script's language; where none does, one warning says what to install
    and English voices are cast. Deterministic: the same installed engines, speakers and
    language give the same cast.
    """
    speakers = [NARRATOR, *dict.fromkeys(s for s in script.speakers if s != NARRATOR)]
    language = script_language(script)
    if language != "en" and next(candidate_voices(engine, language, config), None) is None:
        log.warning(
            "the text is in %s, but %s; it will be read by an English voice. %s",
            _named(language),
            f"{engine} has no voice for it" if engine else "no installed voice speaks it",
            _auto_cast_advice(language, engine, config),
        )
        language = "en"
    voices = voices_for_speakers(
        speakers, script.characters, candidate_voices(engine, language, config), config
    )
    dialogue = bool(script.characters)
    if not voices and engine is not None:
        raise UserError(f"{engine} has no voices to cast here; `audiobook voices` lists them")
    if not voices:
        hints = "; ".join(f"{name}: {cls.INSTALL_HINT}" for name, cls in ENGINES.items())
        raise UserError(f"no speech engine is installed; install one of them ({hints})")
    if len(voices) < len(speakers):
        raise UserError(
            f"only {len(voices)} distinct voices are installed for {len(speakers)} speakers; "
            "write a cast file that shares voices (audiobook cast FILE prints one to edit)"
        )
    # The shipped lexicon, and the pronunciations of a shipped cast written for this very
    # book, respell words for English voices; other languages read as written.
    if language != "en":
        return Cast(voices, {}, dialogue=dialogue)
    voices_dir = (config or Settings()).voices_dir
    lexicon_path = voices_dir / "lexicon.toml"
    lexicon = load_lexicon(lexicon_path) if lexicon_path.exists() else {}
    return Cast(voices, {**lexicon, **book_lexicon(script, voices_dir)}, dialogue=dialogue)


def voices_for_speakers(
    speakers: Sequence[str],
    characters: Sequence[Character],
    candidates: Iterator[VoiceSettings],
    config: Settings | None = None,
) -> dict[str, VoiceSettings]:
    """A voice for each speaker, in order, each from the candidates (best first). A
    character from quoted dialogue gets a voice of their sex where one is left; minor
    characters share one voice per sex, so a novel's forty people need no forty voices."""
    by_name = {c.name: c for c in characters}
    free: list[VoiceSettings] = []
    voices: dict[str, VoiceSettings] = {}
    shared: dict[str | None, VoiceSettings] = {}

    def gender_of(voice: VoiceSettings) -> str | None:
        return get_engine(voice.engine, config).voice_gender(voice.voice)

    def take(gender: str | None) -> VoiceSettings | None:
        free.extend(itertools.islice(candidates, CANDIDATES_AHEAD - len(free)))
        fitting = [v for v in free if gender is None or gender_of(v) in (gender, None)]
        pool = fitting or free
        if not pool:
            return None
        free.remove(pool[0])
        return pool[0]

    for speaker in speakers:
        character = by_name.get(speaker)
        gender = character.gender if character else None
        if character is not None and character.minor:
            if gender not in shared and (voice := take(gender)) is not None:
                shared[gender] = voice
            chosen = shared.get(gender)
        else:
            chosen = take(gender)
        if chosen is None:
            break
        voices[speaker] = chosen
    return voices


def book_lexicon(script: Script, voices_dir: Path = SHIPPED_VOICES_DIR) -> dict[str, str]:
    """The pronunciations of the shipped cast (in `voices_dir`) whose `[book]` names this
    script, if any: the words belong to the book whoever reads it (`--engine` casts voices
    afresh)."""
    for path, data, book in _shipped_casts(voices_dir):
        if book and _is_for(book, script):
            return _lexicon_of(data, path)
    return {}


def _shipped_casts(voices_dir: Path) -> Iterator[tuple[Path, dict[str, object], dict[str, str]]]:
    """Each shipped cast file, in name order, with its contents and its `[book]` table;
    the lexicon and any file that does not read as a cast are passed over."""
    for path in sorted(voices_dir.glob("*.toml")):
        try:
            data = read_toml(path, "cast")
            book = _book_of(data, str(path))
        except UserError:
            continue
        if isinstance(data.get("voices"), dict):
            yield path, data, book


def _auto_cast_advice(language: str, engine: str | None, config: Settings | None) -> str:
    others = _engines_speaking(language, besides=engine, config=config)
    if not others:
        return _install_advice(language)
    verb = "has" if len(others) == 1 else "have"
    return f"{' and '.join(others)} {verb} voices for it: use --engine {others[0]}."


def _named(language: str) -> str:
    name = language_name(language)
    return name if name == language else f"{name} ({language})"


def _speaks(settings: VoiceSettings, language: str, config: Settings | None) -> bool | None:
    """Whether a cast voice speaks `language`; None when its engine does not say."""
    try:
        return get_engine(settings.engine, config).speaks(settings.voice, language)
    except AudiobookError:
        return None


def _engines_speaking(
    language: str, *, besides: str | None = None, config: Settings | None = None
) -> list[str]:
    """Installed engines (other than `besides`) with voices to cast in `language`."""
    return [
        e.NAME
        for e in installed_engines(config)
        if e.NAME != besides
        and not _repeats_another(e, config)
        and _checked_candidates(e, language)
    ]


def _install_advice(language: str) -> str:
    """What to install so that some engine speaks `language`."""
    hints = [hint for cls in ENGINES.values() if (hint := cls.language_hint(language))]
    if hints:
        return "; ".join(hints) + "."
    return (
        f"None of the engines this program uses ({', '.join(ENGINES)}) has a voice for "
        f"{language_name(language)}."
    )


def cast_at_rate(cast: Cast, rate: float) -> Cast:
    """The cast read `rate` times as fast (`--rate`), for listeners used to fast speech.

    Each voice's own rate is raised, which every engine honours by speaking faster (espeak-ng
    words per minute, flite's duration stretch, RHVoice's rate): faster speech stays clearer
    than time-stretched audio. Pauses shrink alike, so the whole reading speeds up. A voice a
    cast already sets fast stops at the fastest rate the engines accept, with a warning.
    """
    if not LISTENING_RATE_RANGE[0] <= rate <= LISTENING_RATE_RANGE[1]:
        raise UserError(
            f"--rate {rate:g}: choose from {LISTENING_RATE_RANGE[0]:g} to "
            f"{LISTENING_RATE_RANGE[1]:g} (1 is the voices' normal speed)"
        )
    if rate == 1.0:
        return cast
    voices = {}
    for speaker, settings in cast.voices.items():
        wanted = round(settings.rate * rate, 4)
        low, high = engine_class(settings.engine).RATE_RANGE
        usable = min(high, max(low, wanted))
        if usable != wanted:
            log.warning("%s cannot speak at %g times normal; using %g", speaker, wanted, usable)
        voices[speaker] = replace(settings, rate=usable)
    pauses = Pauses(**{f.name: round(getattr(cast.pauses, f.name) / rate) for f in fields(Pauses)})
    return replace(cast, voices=voices, pauses=pauses)


def shipped_cast_for(script: Script, config: Settings | None = None) -> Path | None:
    """A shipped cast (in `config.voices_dir`) written for exactly this script's speakers,
    if there is one.

    The interview gets wells-stalin.toml and a book with only a narrator book.toml without
    the user having to know they exist; a cast whose `[book]` names this very book (the
    memoir's ciliga.toml) comes first, and is never chosen for another. A script in another
    language gets one only if every voice it would use here speaks that language.
    """
    wanted = set(script.speakers) | {NARRATOR}
    language = script_language(script)
    general: list[Path] = []
    for path, data, book in _shipped_casts((config or Settings()).voices_dir):
        voices = data["voices"]
        if not isinstance(voices, dict) or set(voices) != wanted:
            continue
        if book and not _is_for(book, script):
            continue
        if language != "en" and not _cast_speaks(data, script, path, language, config):
            continue
        if book:
            return path
        general.append(path)
    return general[0] if general else None


def _cast_speaks(
    data: Mapping[str, object], script: Script, path: Path, language: str, config: Settings | None
) -> bool:
    try:
        cast = cast_from_toml(data, script, source=path, config=config)
    except UserError:
        return False
    return all(_speaks(v, language, config) for v in cast.voices.values())


# ---------------------------------------------------------------- writing TOML

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_str(key)


def cast_to_toml(cast: Cast) -> str:
    """The cast as a TOML file to edit; load_cast reads it back to an equal Cast."""
    lines = [
        "# Cast: one [voices.NAME] table per speaker. `audiobook voices` lists every voice.",
        "# rate, pitch and volume are relative: 1.0 is the engine's normal.",
        '# Add prefer = ["rhvoice:alan"] to use a better voice where that engine is installed.',
        "",
    ]
    if cast.dialogue:
        lines += [
            "# Quotations in the prose go to their speakers (as --dialogue).",
            "dialogue = true",
            "",
        ]
    for speaker, v in cast.voices.items():
        lines += [
            f"[voices.{_toml_key(speaker)}]",
            f"engine = {_toml_str(v.engine)}",
            f"voice = {_toml_str(v.voice)}",
            f"rate = {v.rate!r}",
            f"pitch = {v.pitch!r}",
            f"volume = {v.volume!r}",
            "",
        ]
    lines += [
        "# Whole-word pronunciations applied before synthesis, e.g.",
        '# "Worcester" = "Wooster"',
        "[lexicon]",
        *(f"{_toml_key(word)} = {_toml_str(spoken)}" for word, spoken in cast.lexicon.items()),
        "",
        "# Silence between pieces of speech, in milliseconds.",
        "[pauses]",
        *(f"{f.name} = {getattr(cast.pauses, f.name)}" for f in fields(Pauses)),
    ]
    return "\n".join(lines) + "\n"


def resolve_cast(
    script: Script,
    cast_path: Path | None,
    engine: str | None,
    rate: float = 1.0,
    *,
    config: Settings | None = None,
) -> Cast:
    """The cast file's voices, or voices chosen automatically (with one engine, if named),
    read `rate` times as fast (`--rate`). `config` says where the shipped casts are and how
    the engines are set up; None: Settings()."""
    if rate != 1.0:
        return cast_at_rate(resolve_cast(script, cast_path, engine, config=config), rate)
    if cast_path is not None and engine is not None:
        raise UserError(f"give --cast {cast_path} or --engine {engine}, not both")
    if cast_path is None and engine is None:
        cast_path = shipped_cast_for(script, config)
        if cast_path is not None:
            log.info("using the cast %s", cast_path)
    if cast_path is not None:
        return load_cast(cast_path, script, config)
    return auto_cast(script, engine=engine, config=config)
