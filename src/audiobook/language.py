"""The language a text is written in, so that voices that speak it can read it."""

from __future__ import annotations

import functools
import logging

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
# Below this many characters a guess is noise: a title, a line of dialogue.
MIN_CHARS_TO_DETECT = 200
SAMPLE_CHARS = 20_000  # enough for a sure answer, taken from the middle of long texts


@functools.cache
def _identifier():  # type: ignore[no-untyped-def]
    """py3langid's model, loaded once (its import alone takes a third of a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language; English when the text is too short to tell.

    py3langid (a maintained langid.py) is deterministic and ships its model in the wheel:
    no download, no network, 97 languages.
    """
    if len(text) < MIN_CHARS_TO_DETECT:
        return DEFAULT_LANGUAGE
    start = max(0, len(text) // 2 - SAMPLE_CHARS // 2) if len(text) > SAMPLE_CHARS else 0
    sample = text[start : start + SAMPLE_CHARS]
    try:
        identifier = _identifier()
    except ImportError:  # an install without it still reads English
        log.warning(
            "py3langid is not installed: the text is taken to be English (pip install py3langid)"
        )
        return DEFAULT_LANGUAGE
    code, probability = identifier.classify(sample)
    if probability < 0.5:
        return DEFAULT_LANGUAGE
    return str(code)
