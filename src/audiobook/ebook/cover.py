"""An e-book's cover as a file the outputs can embed (MP3, M4B and Opus art, the book
folder, talking books): JPEG and PNG as they are, stored once by content in the cache."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from audiobook import ffmpeg
from audiobook.bookfolder import write_atomically
from audiobook.ebook.model import Cover
from audiobook.errors import UserError

log = logging.getLogger(__name__)

COVER_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png"}
SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def cover_file(cover: Cover, cache_dir: Path, source: str) -> Path | None:
    """The cover saved under `cache_dir/covers`, named by its content; None (and a warning
    saying how to give one) when it is not a JPEG or PNG image."""
    media_type = next((t for sig, t in SIGNATURES.items() if cover.data.startswith(sig)), None)
    if media_type is None:
        log.warning(
            "%s: the cover (%s, %s) is not a JPEG or PNG image and is left out; "
            "give one with --cover",
            source,
            cover.path,
            cover.media_type,
        )
        return None
    digest = hashlib.sha256(cover.data).hexdigest()[:24]
    dest = cache_dir / "covers" / f"{digest}{COVER_SUFFIXES[media_type]}"
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_atomically([dest], lambda temps: temps[0].write_bytes(cover.data))
    try:
        ffmpeg.decode_image(dest)
    except UserError as e:
        log.warning(
            "%s: the cover (%s) is left out: %s", source, cover.path, str(e).split(": ", 1)[-1]
        )
        return None
    return dest
