"""Typography of the prose: CJK–Latin spacing, punctuation widths (autocorrect), quotes and
brackets in pairs, repeated punctuation, ellipses and dashes.

The rules are pure functions over one string (`findings`, `pair_findings`), shared by the
check and by `culture fix`; they only ever see the text readers see (`content/prose.py`),
never YAML syntax, code, URLs or ids.

Decisions (the editors' guide says the same):
- A number next to Chinese needs no space (`1958年7月` and `1958 年 7 月` both pass); a Latin
  word does (`中文 English`). A number with a short unit counts as a number (`220kV线路`).
- A single `—` or `–` between numbers, or before a number, marks a range (`1953—1958`,
  `1958年—1960年`, GB/T 15834 一字线) and passes; elsewhere one `—` is reported as a
  dash that should be `——`, but not fixed (it may be a range between places).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import autocorrect_py

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.prose import Prose, corpus_prose
from build_tools.diagnostics import Diagnostic, diagnostic

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# Punctuation of Chinese text (full-width forms, curly quotes, dashes, ellipsis).
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’…—·"
_CJK = re.compile(f"[{CJK}]")
_CHINESE = re.compile(f"[{CJK}{CJK_PUNCT}]")


@dataclass(frozen=True, slots=True)
class Finding:
    """`text[start:end]` (== old) should read `new`; `fixable` when that is always right."""

    start: int
    end: int
    code: str
    old: str
    new: str
    fixable: bool
    why: str = ""  # the rule in a few words, for the message


# -- autocorrect: spacing, punctuation width, letter width ---------------------------------

# Only these make autocorrect change anything: ASCII, full-width letters and digits, and a
# space next to full-width punctuation. Most Chinese text has one of them; the rest is
# skipped without a call.
# (Digits alone are not enough: what autocorrect does to them, spacing, we do not want.)
_AUTOCORRECT_WORTH = re.compile(
    r"[!-/:-~０-９Ａ-Ｚａ-ｚ]| [，。、；：！？）》”]|[，。、；：！？（《“] "
)
_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_HALF_ALNUM = {
    c: c - 0xFEE0 for r in ("０９", "ＡＺ", "ａｚ") for c in range(ord(r[0]), ord(r[1]) + 1)
}
_ASCII_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")
# What a number looks like next to Chinese: digits with separators, maybe a short unit.
_NUMBER = re.compile(r"[+\-±]?\d(?:[\d.,:．：/\-–—~～]*\d)?[%‰]?(?:[A-Za-zµΩ°℃]{1,3}\d?)?")


def _autocorrect_findings(text: str) -> list[Finding]:
    if not _AUTOCORRECT_WORTH.search(text):
        return []
    fixed = autocorrect_py.format_for(text, "text")
    if fixed == text:
        return []
    # Its own output is not always final (Ａ级 → A级 → A 级); one fix should be enough.
    for _ in range(2):
        again = autocorrect_py.format_for(fixed, "text")
        if again == fixed:
            break
        fixed = again
    old_lines, new_lines = text.split("\n"), fixed.split("\n")
    if len(old_lines) != len(new_lines):
        return []  # autocorrect never changes line breaks; if it did, trust nothing
    found: list[Finding] = []
    offset = 0
    for old, new in zip(old_lines, new_lines, strict=True):
        if old != new:
            found.extend(_line_changes(text, offset, old, new))
        offset += len(old) + 1
    return found


def _line_changes(text: str, offset: int, old: str, new: str) -> Iterator[Finding]:
    # Matched as if full-width letters and digits were half-width, so that ５米 → 5 米 is a
    # width and a space, each said and fixed on its own.
    matcher = difflib.SequenceMatcher(None, old.translate(_HALF_ALNUM), new, autojunk=False)
    for i1, i2, j1, j2 in _changes(matcher.get_opcodes(), old, new):
        was, now = old[i1:i2], new[j1:j2]
        start, end = offset + i1, offset + i2
        if not was.strip() and not now.strip():
            if now and _number_spacing(old, i1):
                continue  # 1958年7月: both ways pass
            why = "中文与英文之间加一个空格" if now else "全角标点前后、这两个字之间不加空格"
            found = Finding(start, end, "W-TYPO-SPACING", was, now, True, why)
        elif _FULLWIDTH_ALNUM.search(was):
            found = Finding(start, end, "W-TYPO-WIDTH", was, now, True, "字母和数字用半角")
        elif _ASCII_PUNCT.search(was):
            found = Finding(start, end, "W-TYPO-PUNCTUATION", was, now, True, "中文里用全角标点")
        else:
            found = Finding(
                start, end, "W-TYPO-PUNCTUATION", was, now, True, "数字和英文中用半角标点"
            )
        yield found


def _changes(
    opcodes: Iterable[tuple[str, int, int, int, int]], old: str, new: str
) -> Iterator[tuple[int, int, int, int]]:
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            yield i1, i2, j1, j2
            continue
        for k in range(i2 - i1):
            if old[i1 + k] != new[j1 + k]:
                yield i1 + k, i1 + k + 1, j1 + k, j1 + k + 1


def _number_spacing(line: str, at: int) -> bool:
    """Whether a space autocorrect would put at `line[at]` stands between Chinese and a
    number (which needs none)."""
    before, after = line[:at], line[at:]
    # The word on the side that is not Chinese.
    word = before[_word_start(before) :] if _CJK.match(after[:1]) else after[: _word_end(after)]
    return _NUMBER.fullmatch(word) is not None


def _word_start(before: str) -> int:
    i = len(before)
    while i > 0 and not before[i - 1].isspace() and not _CHINESE.match(before[i - 1]):
        i -= 1
    return i


def _word_end(after: str) -> int:
    i = 0
    while i < len(after) and not after[i].isspace() and not _CHINESE.match(after[i]):
        i += 1
    return i


# -- our own rules ---------------------------------------------------------------------------

_HAN = f"[{CJK}]"
_NEAR = f"[{CJK}{CJK_PUNCT}]"
# Repeated sentence punctuation, in either width (。。 is here; 。。。 is an ellipsis).
_REPEAT = re.compile(
    r"[，,]{2,}|[、]{2,}|[；;]{2,}|[：:]{2,}|[！!]{2,}|[？?]{2,}|(?<!。)。。(?!。)"
)
_ELLIPSIS = re.compile(r"\.{3,}|。{3,}|(?<!…)…(?!…)|\.{2}(?!\.)|·{3,}")
_DOUBLE_HYPHEN = re.compile(r"-{2,}|－{2,}")
_LONE_DASH = re.compile(r"(?<![—])[—―](?![—―])")
_HALF_STOP = re.compile(f"(?<={_HAN}) *([,.:;!?]) *(?=[{CJK}“‘《（])")
# Half-width brackets in Chinese text: 中文(English)说明, (中文). The spaces outside go too.
_HALF_PARENS = re.compile(r"( *)\(([^()\n]*)\)( *)")
# A decimal point or a time written full width: 3．5米, 8：30.
_WIDE_IN_NUMBER = re.compile(r"(?<=\d)[．：](?=\d)")


def _near_chinese(text: str, start: int, end: int) -> bool:
    before = text[start - 1 : start] if start else ""
    after = text[end : end + 1]
    return bool(_CHINESE.match(before) or _CHINESE.match(after))


# What any of our own rules needs to see; most Chinese prose has none of it.
_OWN_WORTH = re.compile(r"[!-/:-@\[-`{-~…·．－]|(?<![—―])[—―](?![—―])|[，、；：！？]{2}|。。|\d：")


def _own_findings(text: str) -> Iterator[Finding]:
    if not _OWN_WORTH.search(text):
        return
    for m in _REPEAT.finditer(text):
        run = m.group()
        if not (_near_chinese(text, m.start(), m.end()) or any(ord(c) > 0x7F for c in run)):
            continue  # "Wow!!" in English
        keep = next((c for c in run if ord(c) > 0x7F), run[0])
        if keep in ",;:!?":
            keep = chr(ord(keep) + 0xFEE0)
        yield Finding(m.start(), m.end(), "W-TYPO-REPEAT", run, keep, True, "标点不重复使用")
    for m in _ELLIPSIS.finditer(text):
        if not _near_chinese(text, m.start(), m.end()):
            continue  # "Wait..." in English
        why = "省略号写作“……”（两个“…”）"
        yield Finding(m.start(), m.end(), "W-TYPO-ELLIPSIS", m.group(), "……", True, why)
    for m in _DOUBLE_HYPHEN.finditer(text):
        if not _near_chinese(text, m.start(), m.end()):
            continue
        why = "破折号写作“——”（两个“—”）"
        yield Finding(m.start(), m.end(), "W-TYPO-DASH", m.group(), "——", True, why)
    for m in _LONE_DASH.finditer(text):
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        if after.isdigit() or (before.isascii() and before.isalpha() and after.isascii()):
            continue  # 1953—1958, 1958年—1960年; an English dash
        if not _near_chinese(text, m.start(), m.end()):
            continue
        why = "破折号写作“——”（两个“—”）；若表示起止（如“北京—上海”），可以忽略"
        yield Finding(m.start(), m.end(), "W-TYPO-DASH", m.group(), "——", False, why)
    for m in _HALF_STOP.finditer(text):
        full = "。" if m.group(1) == "." else chr(ord(m.group(1)) + 0xFEE0)
        why = "中文里用全角标点"
        yield Finding(m.start(), m.end(), "W-TYPO-PUNCTUATION", m.group(), full, True, why)
    for m in _HALF_PARENS.finditer(text):
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        chinese_out = bool(_CHINESE.match(before)), bool(_CHINESE.match(after))
        if not (any(chinese_out) or _CJK.search(m.group(2))):
            continue
        why = "中文里的括号用全角"
        start = m.start() if chinese_out[0] or not before else m.start(2) - 1
        old = text[start : m.start(2)]
        yield Finding(start, m.start(2), "W-TYPO-PUNCTUATION", old, "（", True, why)
        end = m.end() if chinese_out[1] or not after else m.end(2) + 1
        old = text[m.end(2) : end]
        yield Finding(m.end(2), end, "W-TYPO-PUNCTUATION", old, "）", True, why)
    for m in _WIDE_IN_NUMBER.finditer(text):
        half = chr(ord(m.group()) - 0xFEE0)
        why = "数字中用半角标点"
        yield Finding(m.start(), m.end(), "W-TYPO-PUNCTUATION", m.group(), half, True, why)


# -- quotes and brackets ---------------------------------------------------------------------

PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "〈": "〉", "【": "】", "「": "」", "『": "』"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
# Half-width marks that end up closing (or opening) a Chinese pair: “…" （…) (…）.
HALF = {'"': ("“", "”"), "(": ("（", "）"), ")": ("（", "）")}


_PAIR_MARK = re.compile('[“”‘’（）《》〈〉【】「」『』()"]')


def pair_findings(text: str) -> list[Finding]:
    """Quotes and brackets that are not closed, closed by another kind, or closed by a
    half-width mark."""
    found: list[Finding] = []
    stack: list[tuple[int, str]] = []  # (offset, opener): Chinese openers, ASCII ( and "
    for m in _PAIR_MARK.finditer(text):
        i, ch = m.start(), m.group()
        if ch in "“‘" and stack and stack[-1][1] == ch:
            # “你好“: the closing quote typed as an opening one (a quote inside uses ‘’).
            stack.pop()
            why = f"后一个“{ch}”应是“{PAIRS[ch]}”"
            found.append(Finding(i, i + 1, "W-TYPO-PAIR", ch, PAIRS[ch], False, why))
        elif ch in PAIRS:
            stack.append((i, ch))
        elif ch == "’" and _apostrophe(text, i):
            continue  # O’Brien, Children’s
        elif ch in CLOSERS:
            found.extend(_close(text, stack, i, ch))
        elif ch == "(":
            stack.append((i, ch))
        elif ch == ")":
            if stack and stack[-1][1] == "(":
                stack.pop()
            elif stack and stack[-1][1] == "（":
                at, _ = stack.pop()
                found.append(_mixed(text, at, i, "）"))
        elif ch == '"':
            if stack and stack[-1][1] == '"':
                at, _ = stack.pop()
                found.extend(_half_quotes(text, at, i))
            elif stack and stack[-1][1] == "“":
                at, _ = stack.pop()
                found.append(_mixed(text, at, i, "”"))
            else:
                stack.append((i, ch))
    for at, opener in stack:
        if opener in PAIRS:
            found.append(_unpaired(text, at, f"“{opener}”没有对应的“{PAIRS[opener]}”"))
    return found


def _half_quotes(text: str, at: int, i: int) -> list[Finding]:
    """ "传家宝" in Chinese text: both quotes full-width (English inside "…" is left)."""
    if not _CJK.search(text[at + 1 : i]):
        return []
    why = "中文里的引号用全角“”"
    return [
        Finding(at, at + 1, "W-TYPO-PUNCTUATION", '"', "“", True, why),
        Finding(i, i + 1, "W-TYPO-PUNCTUATION", '"', "”", True, why),
    ]


def _apostrophe(text: str, i: int) -> bool:
    before, after = text[i - 1 : i], text[i + 1 : i + 2]
    return before.isascii() and before.isalpha() and after.isascii() and after.isalpha()


def _close(text: str, stack: list[tuple[int, str]], i: int, closer: str) -> Iterator[Finding]:
    opener = CLOSERS[closer]
    if stack and stack[-1][1] == opener:
        stack.pop()
        return
    if stack and stack[-1][1] == '"' and closer == "”":
        at, _ = stack.pop()
        yield _mixed(text, at, i, "“", fix_opener=True)
        return
    if stack and stack[-1][1] == "(" and closer == "）":
        at, _ = stack.pop()
        yield _mixed(text, at, i, "（", fix_opener=True)
        return
    if any(o == opener for _, o in stack):
        # Something opened inside was never closed: report it, then close this pair.
        while stack and stack[-1][1] != opener:
            at, inner = stack.pop()
            if inner in PAIRS:
                yield _unpaired(text, at, f"“{inner}”没有对应的“{PAIRS[inner]}”")
        stack.pop()
        return
    if stack and stack[-1][1] in PAIRS:
        at, other = stack.pop()
        why = f"“{other}”与“{closer}”不是一对"
        yield Finding(at, i + 1, "W-TYPO-PAIR", text[at : i + 1], "", False, why)
        return
    yield _unpaired(text, i, f"“{closer}”前面没有对应的“{opener}”")


def _mixed(text: str, at: int, i: int, full: str, fix_opener: bool = False) -> Finding:
    """A Chinese pair with one half-width side: fix that side."""
    where = at if fix_opener else i
    why = f"“{text[at]}”与“{text[i]}”不是一对，中文里都用全角"
    return Finding(where, where + 1, "W-TYPO-PAIR", text[where], full, True, why)


def _unpaired(text: str, at: int, why: str) -> Finding:
    return Finding(at, at + 1, "W-TYPO-PAIR", text[at], "", False, why)


# -- all rules -------------------------------------------------------------------------------


# A web address written out in the text (Markdown only links it when asked to).
_URL = re.compile(r"(?:https?://|ftp://|www\.)[!-~]+")


_ANY_WORTH = re.compile("|".join(p.pattern for p in (_AUTOCORRECT_WORTH, _OWN_WORTH, _PAIR_MARK)))


def findings(text: str, pairs: bool = True) -> list[Finding]:
    """Every typography problem in one text, in order, none overlapping another (our own
    rules first: where they and autocorrect see the same characters, ours say it better).
    Nothing inside a web address, or right by it, is reported."""
    if not _ANY_WORTH.search(text):
        return []  # plain Chinese prose, most of it: one search instead of all the rules
    own = list(_own_findings(text))
    if pairs:
        own.extend(pair_findings(text))
    found = _without_overlaps(own, _autocorrect_findings(text))
    if "://" in text or "www." in text:
        urls = [m.span() for m in _URL.finditer(text)]
        # Nor the space right by one: a link's end is where the space is.
        found = [f for f in found if not any(s - 1 <= f.start and f.end <= e + 1 for s, e in urls)]
    return found


def _without_overlaps(first: Iterable[Finding], then: Iterable[Finding]) -> list[Finding]:
    """`first` without overlaps among them, and those of `then` that overlap none of
    them (`then`'s never overlap one another: they come from one diff)."""
    kept: list[Finding] = []
    for found in sorted(first, key=_order):
        if not any(_overlap(found, k) for k in kept):
            kept.append(found)
    own = list(kept)
    kept.extend(f for f in then if not any(_overlap(f, k) for k in own))
    return sorted(kept, key=_order)


def _order(found: Finding) -> tuple[int, int]:
    return (found.start, found.end)


def _overlap(a: Finding, b: Finding) -> bool:
    if a.start == a.end or b.start == b.end:  # an insertion touches what is at its place
        return b.start <= a.start <= b.end if a.start == a.end else a.start <= b.start <= a.end
    return a.start < b.end and b.start < a.end


def fixed_text(text: str, found: Sequence[Finding]) -> str:
    """`text` with the fixable findings applied (they never overlap)."""
    out, last = [], 0
    for f in sorted(found, key=_order):
        if f.fixable and f.start >= last:
            out.append(text[last : f.start])
            out.append(f.new)
            last = f.end
    out.append(text[last:])
    return "".join(out)


# -- the check -------------------------------------------------------------------------------


def prose_findings(corpus: Corpus) -> Iterator[tuple[Prose, Finding]]:
    """Every finding of the corpus with the prose it is in. Quotes and brackets of one
    Markdown paragraph are paired across its code spans and images (“`make`”)."""
    group: list[Prose] = []
    for prose in corpus_prose(corpus):
        for found in findings(prose.text, pairs=not prose.markdown):
            yield prose, found
        if prose.markdown:
            if group and not _same_paragraph(group[-1], prose):
                yield from _group_pairs(group)
                group = []
            group.append(prose)
        elif group:
            yield from _group_pairs(group)
            group = []
    yield from _group_pairs(group)


def _same_paragraph(last: Prose, prose: Prose) -> bool:
    return (
        last.path == prose.path
        and last.field == prose.field
        and 0 <= prose.pieces[0].line - last.pieces[-1].line <= 1
    )


def _group_pairs(group: Sequence[Prose]) -> Iterator[tuple[Prose, Finding]]:
    if not group:
        return
    # A separator that pairs with nothing, so a pair never seems to join across it oddly.
    joined = "\x00".join(p.text for p in group)
    starts, offset = [], 0
    for prose in group:
        starts.append(offset)
        offset += len(prose.text) + 1
    for found in pair_findings(joined):
        index = max(i for i, s in enumerate(starts) if s <= found.start)
        prose, base = group[index], starts[index]
        if found.end - base > len(prose.text):  # a mismatch spanning two runs: not fixable
            found = replace(found, end=found.start + 1, old=found.old[:1], new="", fixable=False)
        yield prose, replace(found, start=found.start - base, end=found.end - base)


def message(text: str, found: Finding) -> str:
    """What a proofreader would write in the margin: the text around, and the fix."""
    start = max(_line_start(text, found.start), found.start - 6)
    end = min(_line_end(text, found.end), found.end + 6)
    # Never cut a Latin word or a number in half.
    while (
        start > _line_start(text, found.start)
        and text[start - 1 : start + 1].isascii()
        and (text[start - 1 : start + 1].isalnum())
    ):
        start -= 1
    while (
        end < _line_end(text, found.end)
        and text[end - 1 : end + 1].isascii()
        and (text[end - 1 : end + 1].isalnum())
    ):
        end += 1
    before, after = text[start : found.start], text[found.end : end]
    shown = before + found.old + after
    if found.code == "W-TYPO-PAIR" and not found.fixable:
        return f"“{shown}”中的引号或括号不成对：{found.why}"
    if not found.fixable:
        return f"“{shown}”是否应写作“{before}{found.new}{after}”：{found.why}"
    return f"“{shown}”应写作“{before}{found.new}{after}”：{found.why}"


def _line_start(text: str, at: int) -> int:
    return max(text.rfind("\n", 0, at), text.rfind("\x00", 0, at)) + 1


def _line_end(text: str, at: int) -> int:
    ends = [i for i in (text.find("\n", at), text.find("\x00", at)) if i >= 0]
    return min(ends) if ends else len(text)


def check_typography(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for prose, found in prose_findings(corpus):
        yield diagnostic(found.code, prose.location(found.start), message(prose.text, found))
