"""Settings (issue 10): one frozen value built by the CLI from its options and the
environment; the one place that reads the environment, each variable still working."""

from __future__ import annotations

import ast
import dataclasses
import os
from pathlib import Path

import pytest

from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.errors import UserError
from audiobook.machine import available_cores
from audiobook.pipeline import load_script, text_to_script
from audiobook.settings import SHIPPED_VOICES_DIR, Settings
from tests.conftest import run_cli

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "audiobook"
VARIABLES = {
    "AUDIOBOOK_CACHE": "/env/cache",
    "XDG_CACHE_HOME": "/env/xdg",
    "AUDIOBOOK_VOICES": "/env/voices",
    "AUDIOBOOK_WORDLIST": "/env/words.txt",
    "RHVOICE_VOICES": f"/env/rh1{os.pathsep}/env/rh2",
}
needs_espeak = pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="no espeak-ng")

# An OCR'd line break inside a word neither half of which the system's lists know.
BROKEN_WORD = "A Title\n\nThe machine was a zorb-\nwidget that nobody in the town had ever seen.\n"


# ---------------------------------------------------------------- each variable


def test_every_variable_is_read() -> None:
    config = Settings.from_environment({**VARIABLES, "HOME": "/home/someone"})
    assert config == Settings(
        cache_dir=Path("/env/cache"),
        voices_dir=Path("/env/voices"),
        word_list=Path("/env/words.txt"),
        rhvoice_voices=(Path("/env/rh1"), Path("/env/rh2")),
    )


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"HOME": "/h"}, "/h/.cache/audiobook"),
        ({"HOME": "/h", "XDG_CACHE_HOME": "/x"}, "/x/audiobook"),
        ({"HOME": "/h", "XDG_CACHE_HOME": "relative"}, "/h/.cache/audiobook"),  # XDG: absolute
        ({"HOME": "/h", "XDG_CACHE_HOME": "/x", "AUDIOBOOK_CACHE": "/a"}, "/a"),
        ({"HOME": "/h", "AUDIOBOOK_CACHE": "~/c"}, "/h/c"),
        ({"HOME": "/h", "AUDIOBOOK_CACHE": "~"}, "/h"),
        ({"HOME": "/h", "AUDIOBOOK_CACHE": "", "XDG_CACHE_HOME": ""}, "/h/.cache/audiobook"),
    ],
)
def test_the_cache_folder(environ: dict[str, str], expected: str) -> None:
    assert Settings.from_environment(environ).cache_dir == Path(expected)


def test_empty_variables_count_as_unset() -> None:
    empty = dict.fromkeys(VARIABLES, "")
    assert Settings.from_environment({**empty, "HOME": "/h"}) == Settings(
        cache_dir=Path("/h/.cache/audiobook")
    )
    assert Settings.from_environment({"RHVOICE_VOICES": os.pathsep}).rhvoice_voices == ()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("cache_dir", Path("/option/cache")),
        ("voices_dir", Path("/option/voices")),
        ("word_list", Path("/option/words.txt")),
        ("rhvoice_voices", (Path("/option/rh"),)),
    ],
)
def test_an_option_beats_its_variable_which_beats_the_default(option: str, value: object) -> None:
    default = getattr(Settings(cache_dir=Path("/h/.cache/audiobook")), option)
    from_variable = getattr(Settings.from_environment(VARIABLES), option)
    assert from_variable != default
    assert getattr(Settings.from_environment({"HOME": "/h"}), option) == default
    assert getattr(Settings.from_environment(VARIABLES, **{option: value}), option) == value


def test_jobs_come_from_the_option_and_machine_caps_them() -> None:
    assert Settings.from_environment({}, jobs=1).workers == 1
    assert Settings.from_environment({}).jobs is None
    assert Settings().workers == available_cores()
    # capping, and its one warning: tests/test_machine.py (machine keeps who was warned)
    with pytest.raises(UserError, match="--jobs must be at least 1"):
        _ = Settings(jobs=0).workers


def test_library_defaults_read_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller that passes nothing gets the same Settings whatever is set."""
    for name, value in VARIABLES.items():
        monkeypatch.setenv(name, value)
    config = Settings()
    assert config.cache_dir == Path.home() / ".cache" / "audiobook"
    assert config.voices_dir == SHIPPED_VOICES_DIR
    assert (config.word_list, config.rhvoice_voices, config.jobs) == (None, (), None)
    assert Settings.from_environment().cache_dir == Path("/env/cache")  # the CLI's way


def test_settings_are_frozen_and_hashable() -> None:
    config = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.jobs = 2  # type: ignore[misc]
    assert hash(config) == hash(Settings(cache_dir=config.cache_dir))


# ---------------------------------------------------------------- one reader


ENVIRONMENT_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_uses(tree: ast.Module) -> list[ast.AST]:
    """Every `os.environ`, `os.getenv` … and `from os import environ` in a module."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ):
            found.append(node)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [node for alias in node.names if alias.name in ENVIRONMENT_NAMES]
    return found


def test_only_settings_from_environment_reads_the_environment() -> None:
    """Issue 10: four modules read the environment, one of them at import time."""
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        uses = environment_uses(tree)
        checked += 1
        if path.name != "settings.py":
            if path.name == "neural_worker.py":  # sets a switch for its own library, reads none
                uses = [
                    u for u in uses if not (isinstance(u, ast.Attribute) and u.attr == "putenv")
                ]
            assert not uses, f"{path.relative_to(PACKAGE)}:{uses[0].lineno} reads the environment"
            continue
        [method] = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name == "from_environment"
        ]
        assert uses, "settings.py no longer reads the environment: is this test still right?"
        inside = set(map(id, environment_uses(ast.Module(body=[method], type_ignores=[]))))
        assert all(id(use) in inside for use in uses), "read outside from_environment"
    assert checked > 50


@pytest.mark.parametrize(
    "source",
    ["import os\nos.environ.get('X')", "import os\nos.getenv('X')", "from os import environ"],
)
def test_the_reader_check_sees_every_form(source: str) -> None:
    assert environment_uses(ast.parse(source))


# ---------------------------------------------------------------- each value reaches its user


def test_the_word_list_reaches_the_cleaning_rules(tmp_path: Path) -> None:
    """AUDIOBOOK_WORDLIST's words decide a line-break hyphen: both halves words, it stays."""
    words = tmp_path / "words.txt"
    words.write_text("zorb\nwidget\n", "utf-8")

    def read(word_list: Path | None) -> str:
        script = text_to_script(BROKEN_WORD, layout="ocr", word_list=word_list)
        return script.chapters[0].segments[-1].text

    assert "zorbwidget" in read(None)
    assert "zorb-widget" in read(words)
    assert "zorbwidget" in read(None)  # bound for that one call only


def test_the_size_limit_is_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "book.txt"
    path.write_text(BROKEN_WORD, "utf-8")
    assert load_script(path, config=Settings(max_input_bytes=len(BROKEN_WORD)))
    with pytest.raises(UserError, match="files up to 10 bytes are read"):
        load_script(path, config=Settings(max_input_bytes=10))


def test_audiobook_wordlist_through_the_cli(tmp_path: Path) -> None:
    book = tmp_path / "book.txt"
    book.write_text(BROKEN_WORD, "utf-8")
    words = tmp_path / "words.txt"
    words.write_text("zorb\nwidget\n", "utf-8")
    args = ("script", str(book), "--layout", "ocr")
    with_list = run_cli(*args, env={"AUDIOBOOK_WORDLIST": str(words)})
    without = run_cli(*args, env={"AUDIOBOOK_WORDLIST": ""})
    assert with_list.returncode == without.returncode == 0, with_list.stderr + without.stderr
    assert "zorb-widget" in with_list.stdout
    assert "zorbwidget" in without.stdout


def test_audiobook_voices_through_the_cli(tmp_path: Path) -> None:
    """AUDIOBOOK_VOICES=DIR reads the casts and lexicon of another folder (README)."""
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "lexicon.toml").write_text('[lexicon]\nZorbwidget = "Zorb widget"\n', "utf-8")
    book = tmp_path / "book.txt"
    book.write_text("A Title\n\nThe Zorbwidget hummed.\n", "utf-8")
    result = run_cli("cast", str(book), env={"AUDIOBOOK_VOICES": str(voices)})
    assert result.returncode == 0, result.stderr
    assert 'Zorbwidget = "Zorb widget"' in result.stdout
    result = run_cli("cast", str(book), env={"AUDIOBOOK_VOICES": ""})
    assert result.returncode == 0, result.stderr
    assert "Zorbwidget" not in result.stdout


@needs_espeak
def test_the_cache_option_beats_audiobook_cache_which_beats_xdg(tmp_path: Path) -> None:
    book = tmp_path / "book.txt"
    book.write_text("A Title\n\nIt was cold.\n", "utf-8")
    env = {"AUDIOBOOK_CACHE": str(tmp_path / "env"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    preview = ("preview", str(book), "--engine", "espeak-ng", "--seconds", "1")
    done = run_cli(*preview, "--out", str(tmp_path / "a.wav"), env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env" / "clips").is_dir()
    assert not (tmp_path / "xdg").exists()
    option = tmp_path / "option"
    done = run_cli(*preview, "--out", str(tmp_path / "b.wav"), "--cache", str(option), env=env)
    assert done.returncode == 0, done.stderr
    assert (option / "clips").is_dir()
    done = run_cli(*preview, "--out", str(tmp_path / "c.wav"), env={**env, "AUDIOBOOK_CACHE": ""})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "xdg" / "audiobook" / "clips").is_dir()


def test_audiobook_cache_under_a_file_is_one_line_and_nothing_is_made(tmp_path: Path) -> None:
    """As --cache is checked first (issue 10), so is a cache the environment names."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), env={"AUDIOBOOK_CACHE": str(blocker / "x")})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: the cache {blocker / 'x'}: {blocker} is a file, not a folder"
    ]
    assert not out.exists()
