"""Command line. The only place that prints, and the only place that catches our errors."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from audiobook import __version__
from audiobook.errors import AudiobookError, UserError

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


INPUT_HELP = "A text file (.txt/.md), a script (.json) or an edited .fountain; none: the example."


def input_argument(f):  # type: ignore[no-untyped-def]
    return click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=True))(f)


def metadata_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--title", help="Book title, when the text does not give one.")(f)
    return click.option("--author", help="Author, when the text does not give one.")(f)


@cli.command("script")
@input_argument
@click.option("--json", "as_json", is_flag=True, help="Print the script as JSON (the default).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "fountain"]),
    default="json",
    help="json (the contract) or fountain (a screenplay to edit by hand).",
)
@click.option("--removed", is_flag=True, help="Include what cleaning removed (JSON only).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file."
)
@metadata_options
def script_command(
    file: Path | None,
    as_json: bool,
    fmt: str,
    removed: bool,
    output: Path | None,
    title: str | None,
    author: str | None,
) -> None:
    """Print the reviewable script of FILE: chapters, segments, speakers."""
    from audiobook.pipeline import load_script
    from audiobook.script_io import script_to_fountain, script_to_json

    script = load_script(file, title=title, author=author)
    if as_json:
        fmt = "json"
    text = (
        script_to_fountain(script)
        if fmt == "fountain"
        else script_to_json(script, with_removed=removed)
    )
    if output is None:
        click.echo(text)
    else:
        write_text_atomically(output, text if text.endswith("\n") else text + "\n")


@cli.command("inspect")
@input_argument
@click.option("--removed", is_flag=True, help="List everything cleaning removed, by line.")
@metadata_options
def inspect_command(
    file: Path | None, removed: bool, title: str | None, author: str | None
) -> None:
    """Show chapters, speakers and what was removed, as readable tables."""
    from audiobook.inspect import removed_table, summary_tables
    from audiobook.pipeline import load_script

    script = load_script(file, title=title, author=author)
    click.echo(removed_table(script) if removed else summary_tables(script))


def write_text_atomically(path: Path, text: str) -> None:
    """Never leave a half-written file behind: write beside it, then rename."""
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise UserError(f"{path}: cannot write here ({e.strerror})") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        raise UserError(f"{path}: cannot write ({e.strerror})") from e


def main() -> None:
    """Entry point: one line per user error, exit status 2; tracebacks only with --verbose."""
    verbose = "-v" in sys.argv[1:] or "--verbose" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    except UserError as e:
        if verbose:
            raise
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except AudiobookError as e:
        if verbose:
            raise
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
