"""Standard wording: the terms dictionary stories/terms.yml and units' former names.

Every literal pattern of the dictionary and every former name of a unit (`aliases` in
units.yml) go into one Aho–Corasick automaton, built once per dictionary and unit list
and kept for the next run in this process; each text is then read once, however many
entries there are. The dictionary's regular expressions are tried only on the texts that
one pattern made of all of them finds something in.

A unit's former name is right where the text speaks of the time before the rename, so it
is not reported (W-TERM-UNIT) when:
- it is written as a former name: right after 原、前身、当时的、当年的、时称、旧称;
- the same sentence also names the unit as it is called now (“红旗煤矿（今第一煤矿）”);
- the text is about a time before the rename, as far as it says: the last year written
  before the name in the same text (“1987年，她分到中心选煤厂”), else the first one after
  it in the same sentence, else the `year` of the list entry it is in (an honour, an
  achievement), else the story's `date`, else (a profile, a panel) the earliest time any
  text of the item speaks of. Years are written 1987年 or 1987年6月, decades 八十年代.
  Without a rename date (`renamed` in units.yml) no time is before it;
- it is units.yml itself.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ahocorasick_rs import MATCHKIND_LEFTMOST_LONGEST, AhoCorasick

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.dates import PartialDate
from build_tools.content.model import Item, Unit
from build_tools.content.prose import Prose, corpus_prose, item_prose
from build_tools.content.terms import Term, Terms, covered
from build_tools.diagnostics import Diagnostic, diagnostic

# Matchers built in this process (tests count them: one per dictionary, not per run).
builds = 0
_KEPT = 4
_matchers: OrderedDict[tuple[object, ...], Matcher] = OrderedDict()

# Written right before a former name, these mark it as one: 原东山煤矿, 当时的矿务局运输处.
FORMER_MARKERS = ("原", "前身", "当时的", "当年的", "时称", "旧称", "曾用名")
_SENTENCE_END = "。！？!?；;\n"
# A year (1987年, 1987年6月) or a decade of the last century (上世纪五十年代, 八十年代).
_YEAR = re.compile(
    r"(?<!\d)(?P<year>1[89]\d\d|20\d\d)年(?:(?P<month>1[0-2]|0?[1-9])月)?"
    r"|(?:上个?世纪|二十世纪|20世纪)?(?P<decade>[一二三四五六七八九])十年代"
)
_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")}


@dataclass(frozen=True, slots=True)
class FormerName:
    """A unit's former name, as the check needs it."""

    written: str
    name: str  # what the unit is called now
    short: str | None
    renamed: PartialDate | None  # since when (None: not known)


def check_terms(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    matcher = matcher_for(corpus.terms, corpus.units.values())
    if matcher.empty:
        return
    for prose in corpus_prose(corpus):
        yield from matcher.scan(prose)


def matcher_for(terms: Terms | None, units: Iterable[Unit]) -> Matcher:
    """The matcher for this dictionary and these units, built once for the both of them."""
    global builds
    former = _former_names(units)
    key = (terms.digest if terms else None, *former)
    found = _matchers.pop(key, None)
    if found is None:
        builds += 1
        found = Matcher(terms.entries if terms else (), former)
    _matchers[key] = found
    while len(_matchers) > _KEPT:
        _matchers.popitem(last=False)
    return found


def _former_names(units: Iterable[Unit]) -> list[FormerName]:
    """Former names that name one unit and are no unit's current name."""
    units = list(units)
    current = {n for u in units for n in (u.name, u.short) if n}
    owners: dict[str, list[Unit]] = {}
    for unit in units:
        for alias in unit.aliases:
            owners.setdefault(alias, []).append(unit)
    return [
        FormerName(alias, found[0].name, found[0].short, found[0].renamed)
        for alias, found in sorted(owners.items())
        if len(found) == 1 and alias not in current
    ]


class Matcher:
    def __init__(self, entries: Iterable[Term], former: Iterable[FormerName]) -> None:
        literals: list[str] = []
        self.targets: list[Term | FormerName] = []
        self.regexes: list[tuple[Term, re.Pattern[str]]] = []
        for term in entries:
            for pattern in term.patterns:
                if pattern.regex is not None:
                    self.regexes.append((term, pattern.regex))
                elif pattern.literal is not None:
                    literals.append(pattern.literal)
                    self.targets.append(term)
        taken = set(literals)  # the dictionary's own entry wins over a unit's former name
        for name in former:
            if name.written not in taken:
                literals.append(name.written)
                self.targets.append(name)
        self.automaton = (
            AhoCorasick(literals, matchkind=MATCHKIND_LEFTMOST_LONGEST) if literals else None
        )
        # One pattern of all the regular expressions: most texts hold none of them.
        self.any_regex = (
            re.compile("|".join(f"(?:{regex.pattern})" for _, regex in self.regexes))
            if self.regexes
            else None
        )

    @property
    def empty(self) -> bool:
        return self.automaton is None and self.any_regex is None

    def scan(self, prose: Prose) -> Iterator[Diagnostic]:
        text = prose.text
        if self.automaton is not None:
            for index, start, end in self.automaton.find_matches_as_indexes(text):
                target = self.targets[index]
                if isinstance(target, FormerName):
                    yield from self._former(prose, start, end, target)
                else:
                    yield from self._term(prose, start, end, target, None)
        if self.any_regex is not None and self.any_regex.search(text):
            for term, regex in self.regexes:
                for match in regex.finditer(text):
                    yield from self._term(prose, match.start(), match.end(), term, match)

    @staticmethod
    def _term(
        prose: Prose, start: int, end: int, term: Term, match: re.Match[str] | None
    ) -> Iterator[Diagnostic]:
        better = term.replacement(prose.text, start, end, match)
        if better is None:
            return
        message = f"“{prose.text[start:end]}”应写作“{better}”"
        if term.note:
            message += f"：{term.note}"
        yield diagnostic(term.code, prose.location(start), message)

    @staticmethod
    def _former(prose: Prose, start: int, end: int, name: FormerName) -> Iterator[Diagnostic]:
        if isinstance(prose.owner, Unit) or is_historical(prose, start, end, name):
            return
        old, now = name.written, name.name
        message = f"“{old}”应写作“{now}”：“{old}”是单位的旧名称"
        if name.renamed is not None:
            message += f"，{name.renamed.zh()}起改称“{now}”"
        message += f"；写改名以前的事，可写作“原{old}”或“{old}（今{now}）”"
        if name.renamed is None:
            message += "，并在 units.yml 中为这个单位写上改名日期 renamed"
        yield diagnostic("W-TERM-UNIT", prose.location(start), message)


def is_historical(prose: Prose, start: int, end: int, name: FormerName) -> bool:
    """Whether the former name at `text[start:end]` is written of the time it was right."""
    text = prose.text
    if text[:start].endswith(FORMER_MARKERS):
        return True
    first, last = _sentence(text, start, end)
    for current in (name.name, name.short):
        if current and covered(text, start, end, current):
            continue  # the old name holds the new one (老一矿, 一矿): that is not naming it
        if current and _outside(text, first, last, current, start, end):
            return True
    if name.renamed is None:
        return False
    when = narrative_date(prose, start, last)
    return when is not None and _not_after(when, name.renamed)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    first = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    ends = [at for ch in _SENTENCE_END if (at := text.find(ch, end)) >= 0]
    return first, min(ends, default=len(text))


def _outside(text: str, first: int, last: int, word: str, start: int, end: int) -> bool:
    """Whether `word` is written in `text[first:last]` apart from `text[start:end]`."""
    at = text.find(word, first, last)
    while at >= 0:
        if at + len(word) <= start or at >= end:
            return True
        at = text.find(word, at + 1, last)
    return False


def narrative_date(prose: Prose, start: int, sentence_end: int) -> PartialDate | None:
    """The time the text at `start` is about, as far as it says (see the module's doc)."""
    before = None
    for match in _YEAR.finditer(prose.text, 0, start):
        before = match
    if before is None:
        before = _YEAR.search(prose.text, start, sentence_end)
    if before is not None:
        return _written_date(before)
    return _entry_year(prose) or _item_date(prose) or _earliest_year(prose)


def _written_date(match: re.Match[str]) -> PartialDate:
    if match.group("decade"):
        return PartialDate(1900 + 10 * _DIGITS[match.group("decade")])
    month = match.group("month")
    return PartialDate(int(match.group("year")), int(month) if month else None)


def _entry_year(prose: Prose) -> PartialDate | None:
    """The `year` of the list entry a field belongs to (`honors.2.title`)."""
    parts = prose.field.split(".")
    if len(parts) < 3 or not parts[1].isdigit() or prose.owner is None:
        return None
    entries = prose.owner.__dict__.get(parts[0])
    if not isinstance(entries, list) or int(parts[1]) >= len(entries):
        return None
    year = getattr(entries[int(parts[1])], "year", None)
    return PartialDate(year) if isinstance(year, int) and not isinstance(year, bool) else None


def _item_date(prose: Prose) -> PartialDate | None:
    date = prose.owner.__dict__.get("date") if prose.owner is not None else None
    return date if isinstance(date, PartialDate) else None


def _earliest_year(prose: Prose) -> PartialDate | None:
    """For an item with no date of its own (a profile, a panel): the earliest time any of
    its texts speaks of, where its story begins."""
    owner = prose.owner
    if not isinstance(owner, Item):
        return None
    key = id(owner)
    if key not in _earliest:
        if len(_earliest) > 1000:
            _earliest.clear()
        found = [_written_date(m) for text in item_prose(owner) for m in _YEAR.finditer(text.text)]
        _earliest[key] = (owner, min(found) if found else None)
    return _earliest[key][1]


_earliest: dict[int, tuple[Item, PartialDate | None]] = {}  # the owner is kept: ids stay its


def _not_after(when: PartialDate, renamed: PartialDate) -> bool:
    """Whether `when` is before the rename, compared at the precision both have; the
    same year (or month) is given the benefit of the doubt, the rename day itself is not."""
    common = min(_precision(when), _precision(renamed))
    a, b = when.sort_key[:common], renamed.sort_key[:common]
    return a < b or (a == b and common < 3)


def _precision(date: PartialDate) -> int:
    return 3 if date.day else 2 if date.month else 1
