"""Command line. The only place that prints, and the only place that catches our errors."""

from __future__ import annotations

import functools
import logging
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from audiobook import __version__
from audiobook.destinations import check_folder_to_make, check_output_file
from audiobook.errors import AudiobookError, UserError, disk_errors_as_user_errors
from audiobook.model import ReadOptions
from audiobook.settings import Settings

log = logging.getLogger("audiobook")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audiobook")
@click.option("-v", "--verbose", is_flag=True, help="Show debugging output and full tracebacks.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Turn texts into navigable audiobooks and dramatised readings, offline."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


INPUT_HELP = (
    "A text (.txt/.md), an e-book (.epub, .html, .docx, .pdf), a script (.json) or an "
    "edited .fountain; none: the example."
)


def input_argument(f):  # type: ignore[no-untyped-def]
    return click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=True))(f)


def reading_options(f):  # type: ignore[no-untyped-def]
    """--title, --author, --layout and --language, handed to the command as one `reading`."""
    from audiobook.layouts import LAYOUTS
    from audiobook.notes import NOTE_PLACEMENTS

    @functools.wraps(f)
    def command(
        *args, title, author, layout, language, notes, ocr, dialogue, minor_lines, **kwargs
    ):  # type: ignore[no-untyped-def]
        language = checked_language(language)
        reading = ReadOptions(title, author, layout, language, notes, ocr, dialogue, minor_lines)
        return f(*args, reading=reading, **kwargs)

    command = click.option(
        "--minor-lines",
        type=click.IntRange(min=1),
        default=5,
        show_default=True,
        help="With --dialogue: characters with fewer quotations share a few voices.",
    )(command)

    command = click.option(
        "--dialogue",
        is_flag=True,
        help="Give quoted speech in prose to its speakers, where the text says who speaks.",
    )(command)

    command = click.option(
        "--notes",
        type=click.Choice(NOTE_PLACEMENTS),
        default="after",
        show_default=True,
        help="Footnotes: read after the paragraph citing them, at the chapter's end, or skip.",
    )(command)
    command = click.option(
        "--ocr",
        is_flag=True,
        help="Read a scanned PDF (no text layer) with Tesseract (Debian: tesseract-ocr).",
    )(command)

    command = click.option("--title", help="Book title, when the text does not give one.")(command)
    command = click.option("--author", help="Author, when the text does not give one.")(command)
    command = click.option(
        "--layout",
        type=click.Choice(list(LAYOUTS)),
        help="Read the text as this layout instead of the one detected "
        "(inspect says which was detected and why).",
    )(command)
    return click.option(
        "--language",
        help="The text's language (de, fr, …) instead of the one detected.",
    )(command)


def checked_language(language: str | None) -> str | None:
    """ "German", "de-DE", "deu" -> "de"; an unknown name is a user error."""
    if language is None:
        return None
    from audiobook.language_codes import language_code

    code = language_code(language)
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise UserError(f"--language {language}: not a language code or name (try de, fr, es …)")
    return code


@cli.command("script")
@input_argument
@click.option("--json", "as_json", is_flag=True, help="Print the script as JSON (the default).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "fountain"]),
    help="json (the contract, the default) or fountain (a screenplay to edit by hand).",
)
@click.option("--removed", is_flag=True, help="Include what cleaning removed (JSON only).")
@click.option(
    "-o",
    "--out",
    "output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to a file.",
)
@click.option(  # the option's name before issue 10, when only this command spelt it so
    "--output", "old_output", type=click.Path(path_type=Path, dir_okay=False), hidden=True
)
@reading_options
def script_command(
    file: Path | None,
    as_json: bool,
    fmt: str | None,
    removed: bool,
    output: Path | None,
    old_output: Path | None,
    reading: ReadOptions,
) -> None:
    """Print the reviewable script of FILE: chapters, segments, speakers."""
    from audiobook.pipeline import load_script
    from audiobook.script_io import script_to_fountain, script_to_json

    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} ask for different formats")
    if output is not None and old_output is not None:
        raise click.UsageError("--out and --output both name the file: give one")
    output = output or old_output
    if output is not None:
        check_output_file(output, "--out")
    script = load_script(file, reading, command_settings())
    text = (
        script_to_fountain(script)
        if fmt == "fountain"
        else script_to_json(script, with_removed=removed)
    )
    if output is None:
        click.echo(text)
    else:
        write_script_file(output, text if text.endswith("\n") else text + "\n")


@cli.command("inspect")
@input_argument
@click.option("--removed", is_flag=True, help="List everything cleaning removed, by line.")
@reading_options
def inspect_command(file: Path | None, removed: bool, reading: ReadOptions) -> None:
    """Show chapters, speakers and what was removed, as readable tables."""
    from audiobook.inspect import removed_table, summary_tables
    from audiobook.pipeline import load_script

    script = load_script(file, reading, command_settings())
    click.echo(removed_table(script) if removed else summary_tables(script))


def write_script_file(path: Path, text: str) -> None:
    """Never leave a half-written file behind (the build's temp, fsync and rename)."""
    from audiobook.bookfolder import write_text_atomically

    check_output_file(path)
    try:
        write_text_atomically(path, text)
    except OSError as e:
        raise UserError(f"{path}: cannot write ({e.strerror})") from e


class FiniteFloat(click.FloatRange):
    """A FloatRange that refuses nan and inf, which its bounds let through (nan compares
    false with both) and which later failed as a traceback (issue 10)."""

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value} is not a finite number", param, ctx)
        return number


def checked_cache(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """--cache must be a folder, or a place one can be made: not under a file (issue 10)."""
    if value is not None:
        check_folder_to_make(value, "--cache")
    return value


def command_settings(
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    draft: bool = False,
    check_cache: bool = False,
) -> Settings:
    """This command's Settings, from its options and the environment (options first: see
    Settings.from_environment). With `check_cache`, a cache folder the options did not name
    (AUDIOBOOK_CACHE, XDG_CACHE_HOME, ~/.cache) is checked as --cache is."""
    config = Settings.from_environment(cache_dir=cache_dir, jobs=jobs, draft=draft)
    if check_cache and cache_dir is None:
        check_folder_to_make(config.cache_dir, "the cache")
    return config


@contextmanager
def written_to(path: Path) -> Iterator[None]:
    """OSError while writing `path` as one line naming it: a full disk or a folder we may
    not write in says so (errors.disk_errors_as_user_errors), anything else its reason."""
    try:
        with disk_errors_as_user_errors(path):
            yield
    except OSError as e:
        raise UserError(f"{e.filename or path}: cannot write ({e.strerror or e})") from e


FORMAT_HELP = (
    "Comma-separated: mp3, m4b, opus, vtt, m3u8, epub (EPUB 3 read-along), "
    "daisy (DAISY 2.02), or all."
)


def rate_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--rate",
        type=FiniteFloat(0.5, 3.0),
        default=1.0,
        show_default=True,
        help="Speed of reading, e.g. 2 for twice as fast (the voices speak faster).",
    )(f)


def draft_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--draft",
        is_flag=True,
        help="A quick listen: classic voices (flite, espeak-ng, RHVoice …), fast to make, "
        "wherever the cast offers them, instead of the natural neural ones.",
    )(f)


def cast_options(f):  # type: ignore[no-untyped-def]
    f = draft_option(f)
    f = click.option(
        "--cache",
        "cache_dir",
        type=click.Path(path_type=Path, file_okay=False),
        callback=checked_cache,
        help="Synthesis cache folder (default ~/.cache/audiobook, or $AUDIOBOOK_CACHE).",
    )(f)
    f = click.option(
        "--engine", help="Speak every voice with this engine (espeak-ng, flite, ...)."
    )(f)
    return click.option(
        "--cast",
        "cast_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Cast file (TOML) saying who speaks with which voice; none: chosen automatically.",
    )(f)


class ProgressBars:
    """Two tqdm bars, segments synthesised and chapters written, fed from worker threads."""

    def __init__(self) -> None:
        import threading

        self.bars: dict[str, object] = {}
        self.lock = threading.Lock()

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        with self.lock:
            bar = self.bars.get(stage)
            if bar is None:
                bar = self.bars[stage] = tqdm(
                    total=total,
                    desc=f"{stage:>8}",
                    unit=stage[:-1],
                    position=len(self.bars),
                    leave=True,
                    dynamic_ncols=True,
                    disable=None,  # no bars when stderr is not a terminal (logs, CI)
                )
            bar.total = total  # type: ignore[attr-defined]
            bar.update(done - bar.n)  # type: ignore[attr-defined]

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()  # type: ignore[attr-defined]


def format_duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


@cli.command("build")
@input_argument
@cast_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Output folder; the book goes into OUT/Author/Title/.",
)
@click.option("--format", "formats", default="mp3", show_default=True, help=FORMAT_HELP)
@click.option("--chapters", help="Chapters to build, e.g. 2-5 or 1,3,7-9; default: all.")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel jobs; default: one per core.")
@click.option(
    "--cover",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Cover image (JPEG or PNG), embedded and copied into the book folder; "
    "default: an e-book's own cover.",
)
@click.option("--no-cover", is_flag=True, help="No cover, not even an e-book's own.")
@rate_option
@reading_options
def build_command(
    file: Path | None,
    cast_path: Path | None,
    engine: str | None,
    out_dir: Path,
    formats: str,
    chapters: str | None,
    jobs: int | None,
    cover: Path | None,
    no_cover: bool,
    rate: float,
    reading: ReadOptions,
    cache_dir: Path | None,
    draft: bool,
) -> None:
    """Build FILE (default: the built-in example) into tagged chapter audio files."""
    from audiobook.build import BuildOptions
    from audiobook.pipeline import build

    config = command_settings(cache_dir=cache_dir, jobs=jobs, draft=draft, check_cache=True)
    if cover is not None and no_cover:
        raise click.UsageError("--cover and --no-cover: give one")
    options = BuildOptions(out_dir, formats, chapters, cover, not no_cover, config)
    progress = ProgressBars()
    try:
        result = build(
            file,
            options,
            cast_path=cast_path,
            engine=engine,
            reading=reading,
            progress=progress,
            rate=rate,
        )
    finally:
        progress.close()
    for path in result.written:
        click.echo(f"wrote {path}")
    click.echo(
        f"{len(result.written)} files written, {len(result.unchanged)} unchanged, "
        f"in {result.folder}"
    )
    click.echo(
        f"{result.chapters} chapters, {format_duration(result.audio_s)} of audio "
        f"in {format_duration(result.wall_s)} ({result.real_time_factor:.0f}x real time)"
    )


@cli.command("preview")
@input_argument
@cast_options
@click.option("--chapter", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--seconds", type=FiniteFloat(min=1), default=30.0, show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the sample here (.wav, .mp3, .opus ...) instead of playing it.",
)
@rate_option
@reading_options
def preview_command(
    file: Path | None,
    cast_path: Path | None,
    engine: str | None,
    chapter: int,
    seconds: float,
    out: Path | None,
    rate: float,
    reading: ReadOptions,
    cache_dir: Path | None,
    draft: bool,
) -> None:
    """Play (or write) the opening seconds of a chapter, to try a cast quickly."""
    import tempfile

    from audiobook import processes
    from audiobook.casting import reading_for_cast, resolve_cast
    from audiobook.pipeline import load_script
    from audiobook.preview import make_preview

    if out is None and processes.find_player() is None:
        out = Path("preview.wav")  # nothing to play it with: keep it for the user
    if out is not None:
        check_output_file(out, "--out")
    config = command_settings(cache_dir=cache_dir, draft=draft, check_cache=True)
    script = load_script(file, reading_for_cast(cast_path, reading), config)
    cast = resolve_cast(script, cast_path, engine, rate, config=config)
    if out is not None:
        with written_to(out):
            length = make_preview(
                script, cast, out, chapter=chapter, seconds=seconds, config=config
            )
        click.echo(f"wrote {out} ({length:.1f} s of chapter {chapter})")
        return
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "preview.wav"
        length = make_preview(script, cast, sample, chapter=chapter, seconds=seconds, config=config)
        click.echo(f"playing {length:.1f} s of chapter {chapter}")
        processes.play(sample)


@cli.command("voices")
@click.option("--engine", "engine_name", help="Only this engine's voices.")
@click.option("--language", help="Only voices whose language starts with this, e.g. en.")
@click.option(
    "--measure",
    is_flag=True,
    help="Time each voice listed on this machine (a few seconds each; Kokoro's longer).",
)
def voices_command(engine_name: str | None, language: str | None, measure: bool) -> None:
    """List every voice of every installed speech engine, and the engines missing here."""
    from audiobook.engines import ENGINES, get_engine
    from audiobook.voicelist import format_listing, list_voices

    if engine_name is not None and engine_name not in ENGINES:
        get_engine(engine_name)  # the error lists the engines there are
    listing = list_voices(engine_name, language, measure=measure, config=command_settings())
    for line in format_listing(listing):
        click.echo(line)


@cli.command("cast")
@click.argument("file", type=click.Path(path_type=Path))  # reading says what is wrong with it
@click.option(
    "--cast",
    "cast_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check this cast file against FILE and print it as it resolves on this machine.",
)
@click.option("--engine", help="Cast only voices of this engine (espeak-ng, flite, ...).")
@draft_option
@reading_options
def cast_command(
    file: Path, cast_path: Path | None, engine: str | None, draft: bool, reading: ReadOptions
) -> None:
    """Print the cast FILE would get, as TOML to edit and pass back with --cast."""
    from audiobook.casting import cast_to_toml, reading_for_cast, resolve_cast
    from audiobook.pipeline import load_script

    config = command_settings(draft=draft)
    script = load_script(file, reading_for_cast(cast_path, reading), config)
    cast = resolve_cast(script, cast_path, engine, config=config)
    click.echo(cast_to_toml(cast), nl=False)


def show_command_line_error(e: click.ClickException) -> None:
    """One line, `error: …`, for a mistake on the command line; `audiobook` alone, the help."""
    if isinstance(e, click.exceptions.NoArgsIsHelpError):
        e.show()
    else:
        click.echo(f"error: {command_line_error(e)}", err=True)


def command_line_error(e: click.ClickException) -> str:
    """click's complaint about the command line as one line, without its usage lines:
    "--jobs: 'x' is not a valid integer range", "missing argument 'FILE'"."""
    param = e.param if isinstance(e, click.BadParameter) and e.param_hint is None else None
    if param is None or isinstance(e, click.MissingParameter):
        text = e.format_message()
    elif isinstance(param, click.Argument):
        text = f"{param.human_readable_name}: {sentence_case(e.message)}"
    else:  # the option as a user writes it, not click's quoted "'-o' / '--out'"
        text = f"{max(param.opts, key=len)}: {sentence_case(e.message)}"
    return sentence_case(" ".join(text.split()).removesuffix("."))


def sentence_case(text: str) -> str:
    """ "No such option" -> "no such option", as our errors read; "ID3 tag" is left alone."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def main() -> None:
    """Entry point: one line per user error, exit status 2; tracebacks only with --verbose."""
    from audiobook import interrupts

    interrupts.install()  # SIGTERM, SIGHUP unwind like Ctrl-C
    options: dict[str, object] = {}  # ctx.obj: the group's parsed options, e.g. "verbose"
    try:
        cli.main(standalone_mode=False, obj=options)
    except (click.exceptions.Abort, KeyboardInterrupt) as e:  # click aborts on Ctrl-C
        message, status = interrupts.outcome(e)  # 130, 143 for SIGTERM, 129 for SIGHUP
        click.echo(f"error: {message}", err=True)
        sys.exit(status)
    except click.ClickException as e:
        show_command_line_error(e)
        sys.exit(2)
    except UserError as e:
        if options.get("verbose"):
            raise
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except AudiobookError as e:
        if options.get("verbose"):
            raise
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
