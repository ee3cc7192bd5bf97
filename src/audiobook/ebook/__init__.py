"""Reading e-books (EPUB, HTML, Word .docx, PDF) into plain, typed blocks.

Each format's reader turns a file into an `Ebook` (audiobook.ebook.model): sections in
reading order, each a list of `EbookBlock`s, plus what was deliberately not read and why.
`audiobook.ebook.formats` is their registry, `audiobook.ebook.structure` makes chapters of
an Ebook for the text half. Readers are imported only when a file of their kind is read,
so importing this package loads none of their libraries.
"""
