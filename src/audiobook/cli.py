"""Command line. The only place that prints, and the only place that catches our errors."""

from __future__ import annotations

import logging
import sys

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
