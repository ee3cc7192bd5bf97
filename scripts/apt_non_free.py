"""Add Debian's non-free component to the machine's own Debian apt sources, for RHVoice.

    python3 scripts/apt_non_free.py CODENAME FILE...            # change the files in place
    python3 scripts/apt_non_free.py --print CODENAME FILE...    # print them changed instead

`scripts/install.sh --rhvoice` runs it on /etc/apt/sources.list.d/debian.sources (deb822)
and /etc/apt/sources.list (one-line style). Each entry for the release CODENAME (its suites
`bookworm`, `bookworm-updates`, `bookworm-security` …) that lists `main` gets `non-free`
added to its components, so apt reads non-free from the mirrors the machine already uses;
no host name is written (issue 10: it wrote deb.debian.org, whatever the machine's mirror).
Entries for other releases or archives, comments and layout are left as they are; a file
already with non-free is left untouched. Exit status 1, with a message, when no file has an
entry for CODENAME, so the caller can say what to do by hand. Standard library only: it runs
before the project's virtual environment exists.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

COMPONENT = "non-free"


def for_release(suite: str, codename: str) -> bool:
    """ "bookworm", "bookworm-updates", "bookworm-security": the release's own suites."""
    return suite == codename or suite.startswith(codename + "-")


def add_to_components(components: list[str]) -> list[str] | None:
    """The components with non-free added, or None when there is nothing to add."""
    if "main" not in components or COMPONENT in components:
        return None
    return [*components, COMPONENT]


def deb822_with_non_free(text: str, codename: str) -> tuple[str, int]:
    """deb822 sources (`Types:`, `URIs:`, `Suites:`, `Components:` stanzas between blank
    lines): non-free added to the Components of each stanza for the release; the text and
    how many stanzas were for the release."""
    lines = text.splitlines(keepends=True)
    stanzas: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        if line.strip():
            stanzas[-1].append(i)
        elif stanzas[-1]:
            stanzas.append([])
    found = 0
    for stanza in stanzas:
        fields = {}
        for i in stanza:
            m = re.match(r"([A-Za-z-]+):\s*(.*?)\s*$", lines[i])
            if m and not lines[i].startswith("#"):
                fields[m.group(1).lower()] = (i, m.group(2))
        if "components" not in fields or "suites" not in fields:
            continue
        if not any(for_release(s, codename) for s in fields["suites"][1].split()):
            continue
        found += 1
        at, value = fields["components"]
        added = add_to_components(value.split())
        if added is not None:
            key = lines[at].split(":", 1)[0]
            ending = "\n" if lines[at].endswith("\n") else ""
            lines[at] = f"{key}: {' '.join(added)}{ending}"
    return "".join(lines), found


ONE_LINE_RE = re.compile(
    r"^(?P<head>\s*deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?\S+\s+)(?P<suite>\S+)(?P<components>[^#\n]*)"
    r"(?P<tail>.*)$"
)


def one_line_with_non_free(text: str, codename: str) -> tuple[str, int]:
    """One-line sources (`deb [options] URI suite component…`): non-free added to each line
    for the release; the text and how many lines were for the release."""
    out, found = [], 0
    for line in text.splitlines(keepends=True):
        m = ONE_LINE_RE.match(line.rstrip("\n"))
        if m is None or not for_release(m.group("suite"), codename):
            out.append(line)
            continue
        found += 1
        added = add_to_components(m.group("components").split())
        if added is None:
            out.append(line)
            continue
        tail = m.group("tail")
        ending = "\n" if line.endswith("\n") else ""
        rebuilt = f"{m.group('head')}{m.group('suite')} {' '.join(added)}"
        out.append(f"{rebuilt}{' ' + tail if tail else ''}{ending}")
    return "".join(out), found


def with_non_free(path: Path, text: str, codename: str) -> tuple[str, int]:
    if path.suffix == ".sources":
        return deb822_with_non_free(text, codename)
    return one_line_with_non_free(text, codename)


def replace_file(path: Path, text: str) -> None:
    """Write `text` over `path` whole (a temporary beside it, renamed), keeping its mode."""
    mode = path.stat().st_mode & 0o7777
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    printing = argv[:1] == ["--print"]
    args = argv[1:] if printing else argv
    if len(args) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: apt_non_free.py [--print] CODENAME FILE...", file=sys.stderr)
        return 2
    codename, paths = args[0], [Path(p) for p in args[1:]]
    found = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        changed, entries = with_non_free(path, text, codename)
        found += entries
        if printing:
            sys.stdout.write(changed)
        elif changed != text:
            replace_file(path, changed)
            print(f"added {COMPONENT} to the {codename} entries of {path}")
    if not found:
        names = " ".join(map(str, paths))
        print(
            f"error: no Debian {codename} entries in {names}; add {COMPONENT} to your apt "
            "sources by hand",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
