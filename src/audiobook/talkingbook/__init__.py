"""Talking books for readers who cannot see the page: EPUB 3 with Media Overlays, DAISY 2.02.

Both formats pair the text with the audio that speaks it, so a reader can move by part,
book, chapter, section and printed page, and follow the words on a braille display or in
large print while they are read. `layout` turns a build's chapters into that pairing once;
`epub` and `daisy` only write it out in their own markup.
"""

from audiobook.talkingbook.layout import (
    Item,
    NavPoint,
    PageBreak,
    Phrase,
    TalkingChapter,
    navigation_points,
    page_breaks,
    split_like,
    talking_chapters,
)

__all__ = [
    "Item",
    "NavPoint",
    "PageBreak",
    "Phrase",
    "TalkingChapter",
    "navigation_points",
    "page_breaks",
    "split_like",
    "talking_chapters",
]
