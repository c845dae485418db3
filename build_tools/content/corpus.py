"""The linked corpus: every item of every kind, with the relations between them.

The loader fills it; `link()` then builds what needs the whole picture (alias tables,
hall tours, unit trees). Outputs and checks read the corpus, never `stories/`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.content.media import MediaRef, MediaResolver
from build_tools.content.model import (
    Body,
    Collection,
    Craftsman,
    Hall,
    Item,
    Panel,
    Story,
    Theme,
    Unit,
)
from build_tools.content.terms import Terms


@dataclass(slots=True)
class Corpus:
    root: Path  # project root; paths in origins are relative to it
    content_dir: Path
    units: dict[str, Unit] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)  # by Chinese name
    stories: dict[str, Story] = field(default_factory=dict)
    craftsmen: dict[str, Craftsman] = field(default_factory=dict)
    halls: dict[str, Hall] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    # Items whose file exists but did not validate: references to them are not reported
    # a second time as unknown. Keys are (kind, id); a panel's id is "hall/panel".
    broken: set[tuple[str, str]] = field(default_factory=set)
    # The broken items that could be read in part: the fields that validated (the others
    # are None). Reference and collection checks read them, so one error does not hide
    # the others; outputs never see them (`items()`, `stories` etc. are valid items only).
    partial: dict[tuple[str, str], Item] = field(default_factory=dict)
    # Bodies of items whose front matter did not validate (or could not be parsed at all):
    # still checked for HTML and images.
    unvalidated_bodies: list[tuple[str, Body]] = field(default_factory=list)
    terms: Terms | None = None  # the standard-wording dictionary terms.yml, when there is one
    files: int = 0
    # What every file the corpus was loaded from said: its path (as in `Origin.path`, the
    # key of each item's file) → a hex hash of its bytes. Pages are fingerprinted with it.
    digests: dict[str, str] = field(default_factory=dict)
    # The files whose own findings are wanted (`culture check --changed`); None for all.
    # Checks that read one file at a time may leave the others out; links and
    # references always see the whole corpus.
    scope: frozenset[str] | None = None
    _aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    _partial_aliases: dict[tuple[str, str], str] = field(default_factory=dict)
    _media: MediaResolver | None = None

    # -- building ----------------------------------------------------------------------
    def link(self) -> None:
        for hall in self.halls.values():
            hall.panels.sort(key=lambda p: p.tour_key)
        self._aliases = {
            kind: {alias: item.id for item in items for alias in getattr(item, "aliases", [])}
            for kind, items in (
                ("story", self.stories.values()),
                ("craftsman", self.craftsmen.values()),
                ("collection", self.collections.values()),
                ("hall", self.halls.values()),
            )
        }
        self._aliases["panel"] = {
            f"{panel.hall}/{alias}": f"{panel.hall}/{panel.id}"
            for panel in self.panels()
            for alias in panel.aliases
        }
        self._partial_aliases = {
            (kind, alias): item_id
            for (kind, item_id), item in self.partial.items()
            for alias in getattr(item, "aliases", None) or []
        }

    # -- looking things up -------------------------------------------------------------
    def media(self, written_in: str, src: str) -> MediaRef:
        """The file a media `src` written in `written_in` points at (the one resolver)."""
        return self._resolver().resolve(written_in, src)

    def contains(self, path: Path) -> bool:
        """Whether a content file or folder, symlinks followed, is inside the content
        folder (the same rule as for media)."""
        return self._resolver().inside(path)

    def _resolver(self) -> MediaResolver:
        if self._media is None:
            self._media = MediaResolver(self.root, self.content_dir)
        return self._media

    def panels(self) -> Iterator[Panel]:
        for hall in self.halls.values():
            yield from hall.panels

    def items(self) -> Iterator[Item]:
        yield from self.stories.values()
        yield from self.craftsmen.values()
        yield from self.halls.values()
        yield from self.panels()
        yield from self.collections.values()

    def story_or_craftsman(self, item_id: str) -> Story | Craftsman | None:
        return self.stories.get(item_id) or self.craftsmen.get(item_id)

    def find_item(self, item_id: str) -> Story | Craftsman | None:
        """The story or craftsman with this id, or that used to have it (aliases)."""
        found = self.story_or_craftsman(item_id)
        if found is None:
            current = self.alias_target("story", item_id) or self.alias_target("craftsman", item_id)
            found = self.story_or_craftsman(current) if current else None
        return found

    def alias_target(self, kind: str, old_id: str) -> str | None:
        """The current id of an item that used to be called `old_id`."""
        return self._aliases.get(kind, {}).get(old_id)

    def is_broken(self, kind: str, item_id: str) -> bool:
        """Whether `item_id` (or an old id of a partial item) names a file that did not
        load: reported at that file, not again where it is referenced."""
        return (kind, item_id) in self.broken or (kind, item_id) in self._partial_aliases

    # -- for checks: everything that loaded, valid or partial ---------------------------
    def loaded(self, kind: str) -> Iterator[Item]:
        """Valid and partial items of one kind, for checks only. A partial item's fields
        that did not validate are None."""
        if kind == "panel":
            yield from self.panels()
        else:
            yield from self._valid(kind).values()
        for (item_kind, _), item in self.partial.items():
            if item_kind == kind:
                yield item

    def find_loaded(self, item_id: str) -> Story | Craftsman | None:
        """`find_item`, partial items included (for checks: a collection listing a story
        whose front matter is broken still learns that the story is a draft)."""
        found = self.find_item(item_id)
        if found is not None:
            return found
        for kind in ("story", "craftsman"):
            partial = self.partial.get((kind, self._partial_aliases.get((kind, item_id), item_id)))
            if isinstance(partial, Story | Craftsman):
                return partial
        return None

    def _valid(self, kind: str) -> Mapping[str, Item]:
        by_kind: dict[str, Mapping[str, Item]] = {
            "story": self.stories,
            "craftsman": self.craftsmen,
            "hall": self.halls,
            "collection": self.collections,
        }
        return by_kind[kind]

    def theme_slugs(self) -> dict[str, Theme]:
        return {theme.slug: theme for theme in self.themes.values()}

    def unit_names(self) -> dict[str, list[str]]:
        return {unit.id: unit.names() for unit in self.units.values()}
