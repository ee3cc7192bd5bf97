"""Every external program (ffmpeg, ffprobe, speech engines) is run from here.

What ffmpeg and ffprobe are asked is in audiobook.ffmpeg; this module only runs programs.
Each is killed when the function running it is interrupted, and by a stop signal whichever
thread runs it (interrupts.watching); none starts after a stop signal.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from audiobook import interrupts
from audiobook.errors import AudiobookError, UserError

log = logging.getLogger(__name__)

NO_SPACE_MESSAGE = os.strerror(errno.ENOSPC)  # "No space left on device", as programs print it

INSTALL_HINTS = {
    "ffmpeg": "install it with: apt-get install ffmpeg",
    "ffprobe": "install it with: apt-get install ffmpeg",
    "espeak-ng": "install it with: apt-get install espeak-ng",
    "flite": "install it with: apt-get install flite",
    "RHVoice-test": "install it with: apt-get install rhvoice rhvoice-english (Debian non-free)",
}


def require_program(name: str) -> str:
    """Full path of a program on PATH, or a user error saying how to install it."""
    path = shutil.which(name)
    if path is None:
        hint = INSTALL_HINTS.get(name, "install it and make sure it is on PATH")
        raise UserError(f"{name}: not installed or not on PATH; {hint}")
    return path


def run(
    args: list[str],
    *,
    input_bytes: bytes | None = None,
    timeout_s: float | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run a program to completion; its stderr goes into the error when it fails."""
    program = require_program(args[0])
    log.debug("running %s", " ".join(args))
    try:
        result = _capture([program, *args[1:]], input_bytes, timeout_s, cwd)
    except subprocess.TimeoutExpired as e:
        raise AudiobookError(f"{args[0]} did not finish within {timeout_s:g} s") from e
    if result.returncode != 0 or _ran_out_of_space(result.stderr):
        interrupts.check()  # killed by a stop signal: that is the news, not its failure
        raise failure(args[0], result.returncode, result.stderr)
    return result


def _ran_out_of_space(stderr: bytes) -> bool:
    """ffmpeg exits 0 when the disk fills as it writes a file's trailer, leaving it cut
    short; only its stderr tells."""
    return NO_SPACE_MESSAGE.encode() in stderr


def _capture(
    command: list[str], input_bytes: bytes | None, timeout_s: float | None, cwd: Path | None
) -> subprocess.CompletedProcess[bytes]:
    """subprocess.run(command, capture_output=True), the program watched for stop signals.

    Like subprocess.run it kills the program on a timeout or an exception (Ctrl-C) and
    waits for it; stdin is inherited unless there is input.
    """
    interrupts.check()
    stdin = subprocess.PIPE if input_bytes is not None else None
    process = subprocess.Popen(
        command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
    )
    with process, interrupts.watching(process):
        try:
            stdout, stderr = process.communicate(input_bytes, timeout=timeout_s)
        except BaseException:
            process.kill()  # Popen's exit waits for it
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def failure(program: str, returncode: int, stderr: bytes) -> Exception:
    """The error for a program that failed: its last line of stderr, or its exit status.

    A program that ran out of disk space gives an OSError(ENOSPC), as writing the file
    ourselves would have, so the caller can say which disk is full
    (errors.disk_errors_as_user_errors).
    """
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    detail = lines[-1] if lines else f"exit status {returncode}"
    if any(NO_SPACE_MESSAGE in line for line in lines):
        return OSError(errno.ENOSPC, f"{program} failed: {detail}")
    return AudiobookError(f"{program} failed: {detail}")


def run_streaming(
    args: list[str], chunks: Iterable[bytes], *, timeout_s: float | None = None
) -> None:
    """Run a program fed from an iterator of bytes, so the input never sits whole in memory.

    stdout is discarded (the program writes its own output file); stderr goes to a temporary
    file rather than a pipe, so a chatty program can never block while we are writing to it.
    """
    program = require_program(args[0])
    log.debug("running %s (streamed input)", " ".join(args))
    interrupts.check()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [program, *args[1:]],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        assert process.stdin is not None
        try:
            with interrupts.watching(process):
                try:
                    for chunk in chunks:
                        process.stdin.write(chunk)
                except BrokenPipeError:
                    pass  # the program stopped reading; its exit status and stderr say why
                finally:
                    try:
                        process.stdin.close()
                    except BrokenPipeError:
                        pass
                returncode = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired as e:
            process.kill()
            process.wait()
            raise AudiobookError(f"{args[0]} did not finish within {timeout_s:g} s") from e
        except BaseException:
            process.kill()  # the input failed (or we were interrupted): don't leave it running
            process.wait()
            raise
        stderr.seek(0)
        complaints = stderr.read()
        if returncode != 0 or _ran_out_of_space(complaints):
            interrupts.check()  # killed by a stop signal
            raise failure(args[0], returncode, complaints)


# Command-line audio players tried in turn to play a preview, with their quiet options.
PLAYERS: tuple[tuple[str, list[str]], ...] = (
    ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "error"]),
    ("paplay", []),
    ("aplay", ["-q"]),
)


def find_player() -> list[str] | None:
    """The first audio player on PATH as a command prefix, or None."""
    for name, options in PLAYERS:
        if shutil.which(name):
            return [name, *options]
    return None


def play(path: Path) -> None:
    """Play an audio file (WAV plays everywhere) and wait until it ends."""
    player = find_player()
    if player is None:
        raise UserError("no audio player found (ffplay, paplay or aplay); use --out FILE")
    run([*player, str(path)])


def version_text(program: str, flag: str = "--version") -> str:
    """What `program --version` prints (stdout and stderr), whatever its exit status.

    Some engines (flite) print their version and then exit with status 1.
    """
    path = require_program(program)
    log.debug("running %s %s", program, flag)
    try:
        result = _capture([path, flag], None, 30, None)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise AudiobookError(f"{program} {flag} failed: {e}") from e
    return (result.stdout + result.stderr).decode("utf-8", "replace")
