"""`culture import`: Word submissions (.docx) to draft item files.

One stage a module, in the order a file goes through them: `source` (may it be opened:
format, zip bounds, encryption) → `docx` (mammoth's HTML as plain blocks) → `clean` (Word
habits: line breaks, indents, numbering typed by hand, captions) → `fields` (title and the
作者：… 时间：… lines as field values) → `compose` (the front matter of the kind, with
placeholders) → `pictures` (re-encoded, no metadata) and `body` (Markdown) → `write` (a new
file under stories/, never overwriting) → `run` (the check on the new files, the report).
"""
