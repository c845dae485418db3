"""What the site shows next to what: listings by theme, unit and decade, backlinks,
related stories. Built once per build over the items the build may show."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection, Craftsman, Hall, Item, Panel, Story
from build_tools.content.taxonomies import TAXONOMIES, Taxonomy, Term

# Candidates looked at per shared theme, nearest in time first; keeps related-story
# ranking linear in the corpus instead of quadratic.
_NEAREST_PER_THEME = 12


def name_key(text: str) -> str:
    """Sort Chinese names the way a reader expects: by pinyin."""
    return " ".join(lazy_pinyin(text))


@dataclass(slots=True)
class SiteIndex:
    corpus: Corpus
    audience: Audience
    stories: list[Story] = field(default_factory=list)  # chronological
    craftsmen: list[Craftsman] = field(default_factory=list)  # by pinyin
    collections: list[Collection] = field(default_factory=list)
    # taxonomy name → term key → the items carrying it, in their listing order
    groups: dict[str, dict[str, list[Item]]] = field(default_factory=dict)
    # taxonomy name → term key → term, in the order readers see them
    terms: dict[str, dict[str, Term]] = field(default_factory=dict)
    backlinks: dict[str, list[Item]] = field(default_factory=dict)
    _by_person: dict[str, list[Story]] = field(default_factory=dict)
    _theme_keys: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    _rolled: dict[tuple[str, str], list[Item]] = field(default_factory=dict)
    _children: dict[str, defaultdict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, corpus: Corpus, audience: Audience) -> SiteIndex:
        index = cls(corpus, audience)
        index.stories = sorted(
            (s for s in corpus.stories.values() if index.visible(s)), key=lambda s: (s.date, s.id)
        )
        index.craftsmen = sorted(
            (c for c in corpus.craftsmen.values() if index.visible(c)),
            key=lambda c: name_key(c.name),
        )
        index.collections = [c for c in corpus.collections.values() if index.visible(c)]
        listed: dict[type[Item], list[Item]] = {Story: index.stories, Craftsman: index.craftsmen}
        for taxonomy in TAXONOMIES:
            terms = {term.key: term for term in taxonomy.terms(corpus)}
            members: dict[str, list[Item]] = {key: [] for key in terms}
            for item in listed[taxonomy.kind]:
                for key in taxonomy.of(item):
                    if key in members:
                        members[key].append(item)
            index.terms[taxonomy.name], index.groups[taxonomy.name] = terms, members
        by_person: defaultdict[str, list[Story]] = defaultdict(list)
        backlinks: defaultdict[str, list[Item]] = defaultdict(list)
        for story in index.stories:
            for person in (*story.craftsmen, *story.people):
                by_person[person].append(story)
            for cid in dict.fromkeys(story.craftsmen):
                backlinks[cid].append(story)
        for panel in corpus.panels():
            if index.visible(panel):
                for rid in dict.fromkeys(panel.related):
                    backlinks[rid].append(panel)
        index.backlinks, index._by_person = dict(backlinks), dict(by_person)
        return index

    def members(self, taxonomy: Taxonomy, key: str) -> list[Item]:
        """The items a term's page lists: those carrying the term and, for a taxonomy
        that rolls up (units), those carrying any term below it."""
        own = self.groups[taxonomy.name].get(key, [])
        if not taxonomy.rollup:
            return own
        found = self._rolled.get((taxonomy.name, key))
        if found is None:
            below = self.below(taxonomy, key)
            found = [i for k in below for i in self.groups[taxonomy.name].get(k, [])]
            if len(below) > 1:
                found.sort(key=_listing_order)
            self._rolled[(taxonomy.name, key)] = found
        return found

    def children(self, taxonomy: Taxonomy, key: str) -> list[str]:
        """The terms directly under a term (the units whose parent it is)."""
        children = self._children.get(taxonomy.name)
        if children is None:
            children = self._children[taxonomy.name] = defaultdict(list)
            for term in self.terms[taxonomy.name].values():
                if term.parent is not None:
                    children[term.parent].append(term.key)
        return children.get(key, [])

    def below(self, taxonomy: Taxonomy, key: str) -> list[str]:
        """The term and every term under it (safe against cycles)."""
        found: list[str] = []
        todo = [key]
        while todo:
            current = todo.pop()
            if current not in found:
                found.append(current)
                todo.extend(self.children(taxonomy, current))
        return found

    def carried(self, taxonomy: Taxonomy, item: Item) -> list[Term]:
        """The terms an item carries (for chips and search filters)."""
        terms = self.terms[taxonomy.name]
        return [terms[k] for k in taxonomy.of(item) if k in terms]

    # Views some outputs read by name.
    @property
    def by_person(self) -> dict[str, list[Story]]:
        """Person (craftsman id or name) → the stories about them, chronological."""
        return self._by_person

    @property
    def by_theme(self) -> dict[str, list[Story]]:
        return self.groups["theme"]  # type: ignore[return-value]

    def visible(self, item: object) -> bool:
        """The audience rule (content/audience.py), asked for every item shown."""
        return self.audience.shows(item)

    def story(self, item_id: str) -> Story | None:
        found = self.corpus.stories.get(item_id) or self.corpus.find_item(item_id)
        return found if isinstance(found, Story) and self.visible(found) else None

    def craftsman(self, item_id: str) -> Craftsman | None:
        found = self.corpus.craftsmen.get(item_id) or self.corpus.find_item(item_id)
        return found if isinstance(found, Craftsman) and self.visible(found) else None

    def item(self, item_id: str) -> Story | Craftsman | None:
        return self.story(item_id) or self.craftsman(item_id)

    def panels(self, hall: Hall) -> list[Panel]:
        return [p for p in hall.panels if self.visible(p)]

    def related(self, story: Story, limit: int = 5) -> list[Story]:
        """Stories sharing people first, then themes, then unit; nearer in time breaks ties."""
        # Keyed by object, not by `.id`: a model's id is a slow attribute, and this runs
        # for every story page of every build.
        scores: defaultdict[int, float] = defaultdict(float)
        candidates: dict[int, Story] = {}
        for person in (*story.craftsmen, *story.people):
            for other in self._by_person.get(person, [])[:200]:
                scores[id(other)] += 3
                candidates[id(other)] = other
        for theme in dict.fromkeys(story.themes):
            stories = self.by_theme.get(theme, [])
            if theme not in self._theme_keys:
                self._theme_keys[theme] = [s.date.sort_key for s in stories]
            for other in _nearest(stories, self._theme_keys[theme], story, _NEAREST_PER_THEME):
                scores[id(other)] += 1
                candidates[id(other)] = other
        unit = story.unit
        if unit:
            for key, other in candidates.items():
                if other.unit == unit:
                    scores[key] += 0.5
        scores.pop(id(story), None)
        year = story.date.year
        ranked = sorted(
            scores,
            key=lambda k: (-scores[k], abs(candidates[k].date.year - year), candidates[k].id),
        )
        return [candidates[k] for k in ranked[:limit]]


def _listing_order(item: Item) -> tuple[object, ...]:
    if isinstance(item, Story):
        return (item.date, item.id)
    return (name_key(item.title), item.id)


def _nearest(
    stories: list[Story], keys: list[tuple[int, int, int]], story: Story, count: int
) -> list[Story]:
    """The `count` stories closest in date to `story` in a chronological list."""
    if len(stories) <= count:
        return stories
    at = bisect.bisect_left(keys, story.date.sort_key)
    low, high = max(0, at - count // 2), min(len(stories), at + count // 2 + 1)
    return stories[low:high]
