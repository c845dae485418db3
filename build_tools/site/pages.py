"""Page generation: a plain function from the corpus to `{path: Markdown}`.

Python decides what goes on a page (which stories, in which order, what links where);
the Jinja templates in `templates/` decide how it looks. A project overrides a template
by putting one of the same name in `docs/overrides/culture/`. Every value from content
is escaped by the templates (autoescape); bodies arrive already rendered without raw HTML.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Collection as Collection_
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from build_tools.config import Settings
from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import count_characters
from build_tools.content.markdown import images as images_of
from build_tools.content.media import MediaRef
from build_tools.content.model import (
    PANEL_KIND_LABELS,
    Collection,
    Craftsman,
    Hall,
    Image,
    Item,
    Panel,
    Story,
)
from build_tools.content.taxonomies import BY_NAME, HONOR_LEVELS, TAXONOMIES, Taxonomy, Term
from build_tools.content.tour import Tour, narration_seconds, tour
from build_tools.diagnostics import Diagnostic
from build_tools.print import narration, qr
from build_tools.site import urls
from build_tools.site.images import ImageCatalog, PublishedImage
from build_tools.site.relations import SiteIndex, name_key
from build_tools.site.render import BodyRenderer

_LISTING = {Story: "story_list.md.j2", Craftsman: "craftsmen.md.j2"}


@dataclass(frozen=True, slots=True)
class SiteOptions:
    audience: Audience = Audience.PRODUCTION  # who the site is for (content/audience.py)
    page_size: int = 40  # items per page of a long listing
    home_latest: int = 6
    home_craftsmen: int = 6
    related: int = 5
    unit_craftsmen: int = 6  # shown on a unit page; the rest on its craftsmen page
    settings: Settings = field(default_factory=Settings)  # budgets and speaking rate
    # The intranet address the panels' QR codes point at (print/qr.py); None when
    # mkdocs.yml has none that can be printed: the panel pages then show no code.
    site_url: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str | None  # None: shown as plain text


@dataclass(frozen=True, slots=True)
class Picture:
    src: str
    srcset: str
    width: int
    height: int
    caption: str
    credit: str | None


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    url: str
    meta: str
    summary: str
    badge: str | None
    picture: Picture | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class TermEntry:
    """A term on its taxonomy's index page."""

    link: Link
    term: Term
    count: int
    years: list[tuple[int, int]]  # (year, stories) for taxonomies listed by year
    highlights: list[Card]
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Facet:
    label: str
    options: list[tuple[Link, int]]


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    count: int
    previous: str | None
    next: str | None
    pages: list[tuple[int, str]]


@dataclass(frozen=True, slots=True)
class StopView:
    """A panel on a hall's tour, as the hall page and the 讲解模式 page show it."""

    number: str
    title: str
    url: str
    anchor: str  # its section on the 讲解模式 page
    badge: str | None
    characters: int  # reading length, counted as the budget counts it
    over_budget: int  # characters over the budget; 0 within it
    duration: str  # narration time: 45 秒, 1 分 20 秒; "—" without narration
    narration: tuple[str, ...]  # its paragraphs


@dataclass(frozen=True, slots=True)
class ZoneView:
    id: str
    title: str
    description: str | None
    stops: tuple[StopView, ...]
    characters: int
    duration: str


@dataclass(frozen=True, slots=True)
class TourView:
    zones: tuple[ZoneView, ...]
    stops: int
    narrated: int  # stops with narration
    minutes: int  # the whole narration, rounded up
    duration: str


@dataclass(frozen=True, slots=True)
class QrView:
    """A panel's QR code (the very one printed on it) for staff to test."""

    svg: Markup  # made by print/qr.py from our own URL, never from content
    url: str


def _duration(seconds: int) -> str:
    """A narration time as the script prints it (45 秒, 1 分 20 秒); "—" for none."""
    return narration.duration(seconds) if seconds > 0 else "—"


def _paragraphs(text: str | None) -> tuple[str, ...]:
    """A narration's paragraphs, as the script prints them."""
    return tuple(narration.paragraphs(text)) if text else ()


def _qr_view(address: str | None) -> QrView | None:
    if address is None:
        return None
    return QrView(Markup(qr.svg(address, scale=4)), address)


def _yaml_text(value: Any) -> Markup:
    """A front-matter value: HTML-escaped once (Material prints titles unescaped),
    then quoted for YAML."""
    return Markup(json.dumps(str(escape(str(value))), ensure_ascii=False))


_ATOMS = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True, slots=True)
class Deferred:
    """A costly value of a page (a body, a picture), made only if the page is rendered."""

    depends: object  # what the value is made from, for the page's fingerprint
    make: Callable[[], Any]


# What a page depends on besides the files its values were read from, for reuse
# without making its context: the image files it published ("m", path, stamp), and the
# ids it looked up ("r", kind, id, what they resolved to).
Fact = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Made:
    """One page as generated: kept for the next generation."""

    fingerprint: str
    markdown: str
    files: frozenset[str] | None  # the files it read; None: made again every time
    facts: frozenset[Fact]
    media: tuple[str, ...]  # image files it published, in order


@dataclass(slots=True)
class Generation:
    """What one generation made. Handed back as `previous`, a page is reused instead of
    being rendered again: without making its context at all when nothing it depends on
    changed and the corpus has the same shape (the same items in the same listings),
    or else when its fingerprint is the same."""

    pages: dict[str, Made]
    shared: str = ""  # templates, options, the files every page reads (units, themes)
    shape: str = ""  # which items are listed where, in which order
    files: dict[str, tuple[object, ...]] = field(default_factory=dict)  # path → stamp
    rendered: int = 0
    fingerprinted: int = 0  # reused by fingerprint, its context made
    kept: int = 0  # reused without its context

    @property
    def markdown(self) -> dict[str, str]:
        return {path: made.markdown for path, made in self.pages.items()}


@cache
def _environment(overrides: str | None) -> Environment:
    """The templates, with the project's overrides first; one per process, so a preview
    rebuild does not compile them again (Jinja reloads a template whose file changed)."""
    loaders: list[Any] = [PackageLoader("build_tools.site", "templates")]
    if overrides is not None:
        loaders.insert(0, FileSystemLoader(overrides))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    env.filters["yaml"] = _yaml_text
    return env


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


class _Recording:
    """The image catalogue as the generator uses it: each image a page publishes is
    recorded for that page (to publish it again when the page is reused)."""

    def __init__(self, images: ImageCatalog, generator: _Generator) -> None:
        self.catalog = images
        self.generator = generator

    def publish(self, image: MediaRef | Path) -> PublishedImage | None:
        found = self.catalog.publish(image)
        if found is not None:
            source = image.path if isinstance(image, MediaRef) else image
            if source is not None:
                self.generator.published(Path(source))
        return found


def template_stamp(env: Environment) -> str:
    """A hash of every template the generator may use (its own and the project's
    overrides): a changed template changes every page's fingerprint."""
    digest = hashlib.blake2b(digest_size=16)
    loader = env.loader
    assert loader is not None
    for name in sorted(loader.list_templates()):
        source, _, _ = loader.get_source(env, name)
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    return digest.hexdigest()


class _Generator:
    def __init__(
        self,
        corpus: Corpus,
        options: SiteOptions,
        images: ImageCatalog,
        overrides: Path | None,
        index: SiteIndex | None,
        problems: Mapping[str, Sequence[Diagnostic]] | None = None,
        booklets: Mapping[str, str] | None = None,
        stale: Collection_[str] = (),
        previous: Generation | None = None,
        hall_files: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.corpus = corpus
        self.previous = previous or Generation({})
        self.problems = problems or {}
        self.booklets = booklets or {}
        self.hall_files = hall_files or {}
        self.stale = stale
        self.options = options
        self.images = _Recording(images, self)
        self.index = index or SiteIndex.build(corpus, options.audience)
        self.renderer = BodyRenderer(self.images, corpus.media)  # type: ignore[arg-type]
        self.env = _environment(str(overrides) if overrides and overrides.is_dir() else None)
        self.made = Generation({})
        self._facets: dict[type[Item], list[Facet]] = {}
        self._digests: dict[str, str] = {}
        self._versions: dict[int, tuple[object, ...]] = {}  # id(item): items live as long
        self._related: dict[int, list[Story]] = {}
        # The page being made: the files it read, what else it depends on, the images it
        # published. None: no page has begun (a page made every time).
        self._files: set[str] | None = None
        self._facts: set[Fact] = set()
        self._media: list[str] = []
        self._problem_stamps = {
            path: repr([_problem_view(d) for d in ds]) for path, ds in self.problems.items()
        }
        self._changed: set[str] = set()
        self._keep = False
        self._markup = ""

    def _start(self) -> None:
        """Decide, once, what of the previous generation may be kept (see `begin`)."""
        corpus = self.corpus
        shared_files = sorted(
            {u.origin.path for u in corpus.units.values()}
            | {t.origin.path for t in corpus.themes.values()}
        )
        # What every page's markup depends on besides its context: a changed template or
        # option renders every page again, even one whose context is as it was.
        self._markup = self._hash(template_stamp(self.env), repr(self.options))
        self.made.shared = self._hash(self._markup, [self.stamp(f) for f in shared_files])
        self.made.shape = self.shape()
        # Pages are taken as they were without making their context only when what
        # every page reads and the corpus's shape are those of the previous generation.
        self._keep = (
            self.previous.shared == self.made.shared and self.previous.shape == self.made.shape
        )
        self._changed = self.changed_files() if self._keep else set()

    # -- output --------------------------------------------------------------------------
    def begin(self, url: str) -> bool:
        """Start the page at `url`; False when it was taken as it was last time (nothing
        it depends on changed): then the caller makes nothing for it."""
        source = urls.source_path(url)
        old = self.previous.pages.get(source)
        if (
            self._keep
            and old is not None
            and old.files is not None
            and old.files.isdisjoint(self._changed)
            and all(self._holds(fact) for fact in old.facts)
        ):
            self.made.pages[source] = old
            self.made.kept += 1
            self._replay(old)
            return False
        self._files, self._facts, self._media = set(), set(), []
        return True

    def _holds(self, fact: Fact) -> bool:
        if fact[0] == "m":
            return _file_stamp(Path(str(fact[1]))) == fact[2]
        return self._resolve(str(fact[1]), str(fact[2])) == fact[3]

    def changed_files(self) -> set[str]:
        """The files the previous generation read that read differently now (content,
        problems, last-good state); every one of them is stamped for the next."""
        changed = set()
        for path, stamp in self.previous.files.items():
            now = self.made.files[path] = self.stamp(path)
            if now != stamp:
                changed.add(path)
        return changed

    def _replay(self, old: Made) -> None:
        for path in old.media:
            self.images.publish(Path(path))

    def emit(
        self,
        url: str,
        template: str,
        item: Item | None = None,
        *,
        lazy: Mapping[str, Deferred] | None = None,
        **context: Any,
    ) -> None:
        """Render `template` for the page at `url`, unless the page shows exactly what it
        showed last time (same fingerprint): then its Markdown is taken as it was, and
        the `lazy` values (the costly ones: bodies, pictures) are never made.

        A page started with `begin()` records what it depends on, to be kept next time
        without making its context; any other page is made every time."""
        path = item.origin.path if item is not None else None
        if item is not None:
            context.setdefault("badge", self.badge(item))
            self.version(item)
        context |= {
            "page_url": url,
            "problems": [_problem_view(d) for d in self.problems.get(path, ())] if path else [],
            "stale": path in self.stale,
        }
        lazy = lazy or {}
        fingerprint = self._hash(
            self._markup,
            template,
            url,
            self._stamp(context),
            [(k, v.depends) for k, v in lazy.items()],
        )
        source = urls.source_path(url)
        old = self.previous.pages.get(source)
        if old is not None and old.fingerprint == fingerprint:
            text = old.markdown
            self.made.fingerprinted += 1
            self._replay(old)
            media = old.media
        else:
            context |= {name: deferred.make() for name, deferred in lazy.items()}
            href: Callable[[str], str] = partial(urls.relative, url)
            text = self.env.get_template(template).render(href=href, **context)
            self.made.rendered += 1
            media = tuple(self._media)
        files = frozenset(self._files) if self._files is not None else None
        self.made.pages[source] = Made(fingerprint, text, files, frozenset(self._facts), media)
        self._files, self._facts, self._media = None, set(), []

    # -- what pages depend on --------------------------------------------------------------
    def _hash(self, *parts: object) -> str:
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()

    def _stamp(self, value: Any) -> Any:
        kind = type(value)
        if kind in _ATOMS:
            return value
        if kind is list or kind is tuple:
            return tuple([self._stamp(v) for v in value])
        if kind is dict:
            return tuple([(k, self._stamp(v)) for k, v in value.items()])
        if isinstance(value, Item):
            return self.version(value)
        # Markup, and the views of this module: frozen dataclasses of plain values (and of
        # each other), whose repr is all they hold; a model that is no item (a zone).
        return repr(value)

    def depend(self, path: str) -> None:
        """The page being made reads the file at `path` (its items, problems, state)."""
        if self._files is not None:
            self._files.add(path)
        if path not in self.made.files:
            self.made.files[path] = self.stamp(path)

    def stamp(self, path: str) -> tuple[object, ...]:
        """A file as pages see it: its content, its problems, whether it is shown in its
        last good version (preview)."""
        return (self.digest(path), self._problem_stamps.get(path), path in self.stale)

    def version(self, item: Item) -> tuple[object, ...]:
        """An item as far as a page can tell: its file's content hash (a hall also by its
        panels, which the loader attaches to it). The page being made depends on it."""
        found = self._versions.get(id(item))
        if found is None:
            paths = [item.origin.path]
            if isinstance(item, Hall):
                paths += [p.origin.path for p in item.panels]
            found = (type(item).__name__, item.id, *paths, *map(self.digest, paths))
            self._versions[id(item)] = found
        if self._files is not None:
            count = (len(found) - 2) // 2
            for path in found[2 : 2 + count]:
                self.depend(str(path))
        return found

    def digest(self, path: str) -> str:
        known = getattr(self.corpus, "digests", None)
        if known and path in known:
            return str(known[path])
        found = self._digests.get(path)
        if found is None:
            try:
                data = (self.corpus.root / path).read_bytes()
            except OSError:
                data = b""
            found = self._digests[path] = hashlib.blake2b(data, digest_size=16).hexdigest()
        return found

    def published(self, source: Path) -> None:
        """The page being made published the image file `source`."""
        self._media.append(str(source))
        if self._files is not None:
            self._facts.add(("m", str(source), _file_stamp(source)))

    def _resolve(self, kind: str, item_id: str) -> str | None:
        found = self.index.craftsman(item_id) if kind == "craftsman" else self.index.item(item_id)
        return found.id if found is not None else None

    def lookup(self, kind: str, item_id: str) -> Story | Craftsman | None:
        """A referenced story or craftsman (by id or alias), recorded for the page."""
        found = self.index.craftsman(item_id) if kind == "craftsman" else self.index.item(item_id)
        if self._files is not None:
            self._facts.add(("r", kind, item_id, found.id if found is not None else None))
        if found is not None:
            self.version(found)
        return found

    def related(self, story: Story) -> list[Story]:
        found = self._related.get(id(story))
        if found is None:
            found = self._related[id(story)] = self.index.related(story, self.options.related)
        return found

    def shape(self) -> str:
        """Which items the site lists where and in which order: every listing, term,
        backlink, hall tour and related-stories list, by ids. Pages are kept without
        their context only while this is unchanged."""

        def ids(items: Sequence[Item]) -> str:
            return "\0".join(item.id for item in items)

        index = self.index
        parts: list[str] = [ids(index.stories), ids(index.craftsmen), ids(index.collections)]
        for taxonomy in TAXONOMIES:
            # A term's own items; what rolls up into it follows from the terms' tree
            # (in `repr(term)`) and the listings' order above.
            groups = index.groups[taxonomy.name]
            for key, term in index.terms[taxonomy.name].items():
                parts += [repr(term), ids(groups.get(key, []))]
        for key in sorted(index.backlinks):
            parts += [key, ids(index.backlinks[key])]
        for hall in self.corpus.halls.values():
            parts += [hall.id, str(index.visible(hall)), ids(index.panels(hall))]
        for key in sorted(index.by_person):
            parts += [key, ids(index.by_person[key])]
        # What related stories are ranked by (relations.SiteIndex.related).
        for story in index.stories:
            parts.append(repr((story.date.sort_key, story.unit, story.themes)))
        return self._hash(parts)

    def deferred(
        self,
        item: Item,
        make: Callable[[], Any],
        *images: Image | None,
        text: str | None = None,
    ) -> Deferred:
        """A value made from `item`, its `images` and the images of its Markdown `text`:
        it depends on the item's file and on each image file's size and time."""
        srcs = [i.src for i in images if i is not None]
        if text:
            srcs += [found.text for found in images_of(text)]
        stamps: list[object] = []
        for src in srcs:
            ref = self.corpus.media(item.origin.path, src)
            stamp = _file_stamp(ref.path) if ref.ok and ref.path else None
            stamps.append((src, stamp))
        return Deferred((self.version(item), tuple(stamps)), make)

    # -- shared view pieces ----------------------------------------------------------------
    def badge(self, item: Item) -> str | None:
        return self.options.audience.badge(item)

    def picture(self, image: Image | None, item: Item, page_url: str) -> Picture | None:
        if image is None:
            return None
        published = self.images.publish(self.corpus.media(item.origin.path, image.src))
        if published is None:
            return None
        return self._picture(published, page_url, image.caption, image.credit)

    def _picture(
        self, published: PublishedImage, page_url: str, caption: str, credit: str | None
    ) -> Picture:
        rel = partial(urls.relative, page_url)
        return Picture(
            src=rel(published.default.url),
            srcset=", ".join(f"{rel(v.url)} {v.width}w" for v in published.variants),
            width=published.default.width,
            height=published.default.height,
            caption=caption,
            credit=credit,
        )

    def unit_link(self, unit_id: str | None) -> Link | None:
        if not unit_id:
            return None
        unit = self.corpus.units.get(unit_id)
        return Link(unit.name, urls.unit(unit)) if unit else None

    def theme_links(self, names: Sequence[str]) -> list[Link]:
        links = []
        for name in dict.fromkeys(names):
            theme = self.corpus.themes.get(name)
            links.append(Link(name, urls.theme(theme) if theme else None))
        return links

    def story_card(self, story: Story, page_url: str, *, picture: bool = False) -> Card:
        self.version(story)
        unit = self.corpus.units.get(story.unit or "")
        meta = " · ".join(x for x in (story.date.zh(), unit.name if unit else "") if x)
        pic = self.picture(story.cover, story, page_url) if picture else None
        return Card(
            story.title,
            urls.story(story),
            meta,
            story.summary,
            self.badge(story),
            pic,
            story.date.year,
        )

    def craftsman_card(self, person: Craftsman, page_url: str) -> Card:
        self.version(person)
        unit = self.corpus.units.get(person.unit)
        meta = " · ".join(x for x in (person.position, unit.name if unit else "") if x)
        pic = self.picture(person.photo, person, page_url)
        return Card(
            person.name, urls.craftsman(person), meta, person.summary, self.badge(person), pic
        )

    def item_card(self, item: Item, page_url: str) -> Card:
        if isinstance(item, Story):
            return self.story_card(item, page_url)
        if isinstance(item, Craftsman):
            return self.craftsman_card(item, page_url)
        assert isinstance(item, Panel)
        hall = self.corpus.halls[item.hall]
        self.version(item)
        self.version(hall)
        return Card(
            f"{item.number} {item.title}",
            urls.panel(item),
            f"{hall.name} · 展板",
            "",
            self.badge(item),
        )

    def body(self, item: Item, page_url: str) -> Markup:
        return self.renderer.render(item.body.markdown, page_url, item.origin.path)

    def markdown_field(self, text: str | None, item: Item, page_url: str) -> Markup | None:
        if not text:
            return None
        return self.renderer.render(text, page_url, item.origin.path)

    def paginate(
        self,
        base: str,
        template: str,
        items: Sequence[Any],
        card: Callable[[Any, str], Card],
        around: Callable[[], dict[str, Any]] | None = None,
        **context: Any,
    ) -> None:
        """A listing in pages of `page_size`; `around` makes, for each page, what it shows
        around the listing (made once the page has begun, so it depends on it)."""
        size = self.options.page_size
        count = max(1, math.ceil(len(items) / size))
        for number in range(1, count + 1):
            url = urls.paged(base, number)
            if not self.begin(url):
                continue
            pager = Pager(
                number,
                count,
                urls.paged(base, number - 1) if number > 1 else None,
                urls.paged(base, number + 1) if number < count else None,
                [(n, urls.paged(base, n)) for n in _page_window(number, count)],
            )
            chunk = items[(number - 1) * size : number * size]
            self.emit(
                url,
                template,
                listing=[card(i, url) for i in chunk],
                pager=pager,
                total=len(items),
                **context,
                **(around() if around is not None else {}),
            )

    # -- pages -----------------------------------------------------------------------------
    def generate(self) -> Generation:
        self._start()
        self.home()
        self.stories()
        self.taxonomies()
        self.craftsmen()
        self.halls()
        self.collections()
        self.emit("search/", "search.md.j2")
        if self.options.audience is Audience.PREVIEW:
            self.problem_list()
        return self.made

    def problem_list(self) -> None:
        """Preview only: every diagnostic of the run, by file, each file linked to the
        page of the item written in it (when the item has one)."""
        pages: dict[str, Link] = {
            item.origin.path: Link(item.title, urls.of(item))
            for item in self.corpus.items()
            if self.options.audience.shows(item)
        }
        content = self.corpus.content_dir.name
        pages[f"{content}/units.yml"] = Link("单位", "units/")
        pages[f"{content}/themes.yml"] = Link("主题", "themes/")
        found = sorted(self.problems.items())
        self.emit(
            urls.PROBLEMS,
            "problems.md.j2",
            groups=[(f, pages.get(f), [_problem_view(d) for d in ds]) for f, ds in found],
            errors=sum(d.severity == "error" for _, ds in found for d in ds),
            warnings=sum(d.severity == "warning" for _, ds in found for d in ds),
        )

    def home(self) -> None:
        latest = sorted(
            self.index.stories, key=lambda s: (s.published or s.date, s.date, s.id), reverse=True
        )[: self.options.home_latest]
        featured = sorted(self.index.craftsmen, key=lambda c: (-len(c.honors), name_key(c.name)))[
            : self.options.home_craftsmen
        ]
        themes = [
            (theme, len(self.index.by_theme.get(name, [])))
            for name, theme in self.corpus.themes.items()
        ]
        self.emit(
            urls.home(),
            "home.md.j2",
            latest=[self.story_card(s, "", picture=True) for s in latest],
            featured=[self.craftsman_card(c, "") for c in featured],
            themes=[(Link(t.name, urls.theme(t)), n) for t, n in themes if n],
            counts={
                "stories": len(self.index.stories),
                "craftsmen": len(self.index.craftsmen),
                "halls": len(self.corpus.halls),
                "collections": len(self.index.collections),
            },
            halls=[Link(h.name, urls.hall(h)) for h in self.corpus.halls.values()],
            collections=[Link(c.title, urls.collection(c)) for c in self.index.collections],
        )

    def stories(self) -> None:
        self.paginate(
            "stories/",
            "story_list.md.j2",
            self.index.stories,
            self.story_card,
            title="红色故事",
            description="按年代先后排列。也可以按主题、单位或时间线浏览。",
            kind="stories",
        )
        for story in self.index.stories:
            self.story(story)

    def story(self, story: Story) -> None:
        url = urls.story(story)
        if not self.begin(url):
            return
        people: list[Link] = []
        for cid in story.craftsmen:
            person = self.lookup("craftsman", cid)
            people.append(Link(person.name, urls.craftsman(person)) if person else Link(cid, None))
        people += [Link(name, None) for name in story.people]
        self.emit(
            url,
            "story.md.j2",
            item=story,
            story=story,
            date=story.date.zh(),
            unit=self.unit_link(story.unit),
            themes=self.theme_links(story.themes),
            people=people,
            lazy={
                "cover": self.deferred(
                    story,
                    lambda: self.picture(story.cover, story, url),
                    story.cover,
                ),
                "body": self.deferred(
                    story,
                    lambda: self.body(story, url),
                    text=story.body.markdown,
                ),
            },
            related=[self.story_card(s, url) for s in self.related(story)],
        )

    def taxonomies(self) -> None:
        """Every taxonomy's term pages and index page, from the one table
        (content/taxonomies.py)."""
        for taxonomy in TAXONOMIES:
            entries: dict[str, TermEntry] = {}
            for term in self.index.terms[taxonomy.name].values():
                members = self.index.members(taxonomy, term.key)
                if not members and not taxonomy.empty_pages:
                    continue
                url = taxonomy.url(term)
                entries[term.key] = self.term_entry(taxonomy, term, members)
                self.paginate(
                    url,
                    _LISTING[taxonomy.kind],
                    members,
                    self.story_card if taxonomy.kind is Story else self.craftsman_card,
                    title=taxonomy.title.format(label=term.label),
                    description=taxonomy.lead.format(
                        description=term.description, count=len(members)
                    ),
                    kind=taxonomy.name,
                    group_by_year=taxonomy.chronicle,
                    facets=self.facets(taxonomy.kind),
                    active=term.label if taxonomy.facet else None,
                    around=partial(self.term_neighbours, taxonomy, term, url),
                )
            if taxonomy.index:
                self.emit(
                    taxonomy.base,
                    taxonomy.index,
                    terms=_tree_order(entries),
                    title=taxonomy.label,
                )

    def term_entry(self, taxonomy: Taxonomy, term: Term, members: Sequence[Item]) -> TermEntry:
        years: dict[int, int] = {}
        highlights: list[Card] = []
        if taxonomy.chronicle:
            for item in members:
                year = item.date.year  # type: ignore[attr-defined]
                years[year] = years.get(year, 0) + 1
            picked = members[:: max(1, len(members) // 4)][:4]
            highlights = [self.story_card(s, taxonomy.base) for s in picked]  # type: ignore[arg-type]
        return TermEntry(
            Link(term.label, taxonomy.url(term)),
            term,
            len(members),
            sorted(years.items()),
            highlights,
        )

    def term_neighbours(self, taxonomy: Taxonomy, term: Term, url: str) -> dict[str, Any]:
        """What a term page shows around its listing: the terms above and below it, and
        the first items of the other kind filed under the same term (a unit's people)."""
        terms = self.index.terms[taxonomy.name]
        parent = terms.get(term.parent) if term.parent else None
        children = [terms[key] for key in self.index.children(taxonomy, term.key)]
        found: dict[str, Any] = {
            "parent": Link(parent.label, taxonomy.url(parent)) if parent else None,
            "children": [Link(c.label, taxonomy.url(c)) for c in children],
        }
        if taxonomy.also:
            other = BY_NAME[taxonomy.also]
            people = self.index.members(other, term.key)
            found |= {
                "people": [
                    self.craftsman_card(p, url)  # type: ignore[arg-type]
                    for p in people[: self.options.unit_craftsmen]
                ],
                "people_total": len(people),
                "people_url": other.url(term),
            }
        return found

    def facets(self, kind: type[Item]) -> list[Facet]:
        """The filters above a listing of `kind`: every faceted taxonomy's terms."""
        found = self._facets.get(kind)
        if found is None:
            found = self._facets[kind] = [
                Facet(
                    taxonomy.label,
                    [
                        (Link(term.label, taxonomy.url(term)), len(members))
                        for term in self.index.terms[taxonomy.name].values()
                        if (members := self.index.members(taxonomy, term.key))
                        or taxonomy.empty_pages
                    ],
                )
                for taxonomy in TAXONOMIES
                if taxonomy.facet and taxonomy.kind is kind
            ]
        return found

    def craftsmen(self) -> None:
        self.paginate(
            "craftsmen/",
            "craftsmen.md.j2",
            self.index.craftsmen,
            self.craftsman_card,
            title="工匠风采",
            active=None,
            facets=self.facets(Craftsman),
        )
        for person in self.index.craftsmen:
            self.craftsman(person)

    def craftsman(self, person: Craftsman) -> None:
        url = urls.craftsman(person)
        if not self.begin(url):
            return
        honors = sorted(person.honors, key=lambda h: (HONOR_LEVELS.index(h.level), -h.year))
        self.emit(
            url,
            "craftsman.md.j2",
            item=person,
            person=person,
            unit=self.unit_link(person.unit),
            honors_by_level=[
                (level, [h for h in honors if h.level == level])
                for level in HONOR_LEVELS
                if any(h.level == level for h in honors)
            ],
            patents=sorted(person.patents, key=lambda p: (p.year or 0, p.number)),
            achievements=sorted(person.achievements, key=lambda a: a.year),
            lazy={
                "photo": self.deferred(
                    person,
                    lambda: self.picture(person.photo, person, url),
                    person.photo,
                ),
                "body": self.deferred(
                    person,
                    lambda: self.body(person, url),
                    text=person.body.markdown,
                ),
            },
            appears_in=[self.item_card(i, url) for i in self.index.backlinks.get(person.id, [])],
        )

    def halls(self) -> None:
        halls = list(self.corpus.halls.values())
        self.emit(
            "halls/",
            "halls.md.j2",
            halls=[(h, Link(h.name, urls.hall(h)), len(self.index.panels(h))) for h in halls],
        )
        for hall in halls:
            self.hall(hall)
            self.hall_guide(hall)
            panels = self.index.panels(hall)
            titles = {z.id: z.title for z in hall.zones}
            for i, panel in enumerate(panels):
                self.panel(
                    hall,
                    panel,
                    titles,
                    panels[i - 1] if i else None,
                    panels[i + 1] if i + 1 < len(panels) else None,
                )

    def tour_view(self, hall: Hall) -> TourView:
        """The hall's tour as its pages show it (content/tour.py counts and times it)."""
        found: Tour = tour(self.corpus, hall, self.options.audience, self.options.settings)
        zones = []
        for z in found.zones:
            stops = tuple(
                StopView(
                    number=s.panel.number,
                    title=s.panel.title,
                    url=urls.panel(s.panel),
                    anchor=f"stop-{s.panel.id}",
                    badge=self.badge(s.panel),
                    characters=s.characters,
                    over_budget=max(0, s.characters - s.budget),
                    duration=_duration(s.seconds),
                    narration=_paragraphs(s.panel.narration),
                )
                for s in z.stops
            )
            characters = sum(s.characters for s in z.stops)
            zones.append(
                ZoneView(
                    z.zone.id,
                    z.zone.title,
                    z.zone.description,
                    stops,
                    characters,
                    _duration(z.seconds),
                )
            )
        return TourView(
            zones=tuple(zones),
            stops=len(found.stops),
            narrated=sum(1 for s in found.stops if s.seconds),
            minutes=math.ceil(found.seconds / 60),
            duration=_duration(found.seconds),
        )

    def hall(self, hall: Hall) -> None:
        """The hall's page: its tour at a glance (it shows every panel: it depends on
        them all) and the files made for it (`hall_files`)."""
        url = urls.hall(hall)
        files = self.hall_files.get(hall.id, {})
        if self.begin(url):
            self.emit(
                url,
                "hall.md.j2",
                item=hall,
                hall=hall,
                opened=hall.opened.zh() if hall.opened else None,
                lazy={
                    "intro": self.deferred(
                        hall,
                        partial(self.markdown_field, hall.intro, hall, url),
                        text=hall.intro,
                    )
                },
                tour=self.tour_view(hall),
                guide=urls.hall_guide(hall),
                files={name: files[name] for name in urls.HALL_FILES if name in files},
            )

    def hall_guide(self, hall: Hall) -> None:
        """讲解模式: every narration of the hall in tour order, for a guide's phone."""
        url = urls.hall_guide(hall)
        if self.begin(url):
            view = self.tour_view(hall)
            stops = [(zone.title, stop) for zone in view.zones for stop in zone.stops]
            self.emit(
                url,
                "hall_guide.md.j2",
                item=hall,
                hall=Link(hall.name, urls.hall(hall)),
                tour=view,
                # each stop with its zone's title and the stops before and after it
                stops=[
                    (
                        zone,
                        stop,
                        stops[i - 1][1] if i else None,
                        stops[i + 1][1] if i + 1 < len(stops) else None,
                    )
                    for i, (zone, stop) in enumerate(stops)
                ],
            )

    def panel(
        self,
        hall: Hall,
        panel: Panel,
        zones: dict[str, str],
        previous: Panel | None,
        following: Panel | None,
    ) -> None:
        url = urls.panel(panel)
        if not self.begin(url):
            return
        related = [item for rid in panel.related if (item := self.lookup("item", rid)) is not None]
        for neighbour in (previous, following):
            if neighbour is not None:
                self.version(neighbour)
        base = self.options.site_url
        address = qr.panel_url(base, panel) if base else None
        self.emit(
            url,
            "panel.md.j2",
            item=panel,
            hall=Link(hall.name, urls.hall(hall)),
            panel=panel,
            kind_label=PANEL_KIND_LABELS[panel.panel_kind],
            zone=zones.get(panel.zone, panel.zone),
            lazy={
                "image": self.deferred(
                    panel,
                    lambda: self.picture(panel.image, panel, url),
                    panel.image,
                ),
                "body": self.deferred(
                    panel,
                    lambda: self.body(panel, url),
                    text=panel.body.markdown,
                ),
                # The code printed on the panel, shown so that staff can test it.
                "qr": Deferred(address, partial(_qr_view, address)),
            },
            narration=_paragraphs(panel.narration),
            narration_time=_duration(
                narration_seconds(count_characters(panel.narration or ""), self.options.settings)
            ),
            qr_note=address is None and self.options.audience is Audience.PREVIEW,
            related=[self.item_card(i, url) for i in related],
            previous=Link(f"{previous.number} {previous.title}", urls.panel(previous))
            if previous
            else None,
            next=Link(f"{following.number} {following.title}", urls.panel(following))
            if following
            else None,
        )

    def collections(self) -> None:
        collections = self.index.collections
        self.emit(
            "collections/",
            "collections.md.j2",
            collections=[(c, Link(c.title, urls.collection(c))) for c in collections],
        )
        for collection in collections:
            self.collection(collection)

    def collection(self, collection: Collection) -> None:
        url = urls.collection(collection)
        if not self.begin(url):
            return
        items = [item for iid in collection.items if (item := self.lookup("item", iid)) is not None]
        self.emit(
            url,
            "collection.md.j2",
            item=collection,
            collection=collection,
            edition=collection.edition.zh() if collection.edition else None,
            lazy={
                "foreword": self.deferred(
                    collection,
                    lambda: self.markdown_field(collection.foreword, collection, url),
                    text=collection.foreword,
                )
            },
            booklet=self.booklets.get(collection.id),
            items=[self.item_card(i, url) for i in items],
        )


@dataclass(frozen=True, slots=True)
class ProblemView:
    """A diagnostic as the preview shows it next to an item's title."""

    severity: str  # error / warning
    label: str  # 错误 / 警告
    code: str
    where: str  # 第 12 行第 3 列
    message: str


def _problem_view(d: Diagnostic) -> ProblemView:
    loc = d.location
    where = f"第 {loc.line} 行" + (f"第 {loc.column} 列" if loc.column else "") if loc.line else ""
    label = "错误" if d.severity == "error" else "警告"
    return ProblemView(str(d.severity), label, d.code, where, d.message)


def _tree_order(entries: dict[str, TermEntry]) -> list[TermEntry]:
    """Terms as readers see them: each followed by the terms below it, indented."""
    children: dict[str | None, list[str]] = {}
    for key, entry in entries.items():
        parent = entry.term.parent if entry.term.parent in entries else None
        children.setdefault(parent, []).append(key)
    ordered: list[TermEntry] = []
    seen: set[str] = set()
    todo = [(key, 0) for key in reversed(children.get(None, []))]
    while todo:
        key, depth = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        entry = entries[key]
        ordered.append(replace(entry, depth=depth))
        todo.extend((child, depth + 1) for child in reversed(children.get(key, [])))
    return ordered


def _page_window(number: int, count: int, width: int = 2) -> Iterator[int]:
    shown = {1, count, *range(number - width, number + width + 1)}
    return iter(sorted(n for n in shown if 1 <= n <= count))


def generate(
    corpus: Corpus,
    options: SiteOptions,
    images: ImageCatalog,
    overrides: Path | None = None,
    index: SiteIndex | None = None,
    *,
    problems: Mapping[str, Sequence[Diagnostic]] | None = None,
    booklets: Mapping[str, str] | None = None,
    stale: Collection_[str] = (),
    previous: Generation | None = None,
    hall_files: Mapping[str, Mapping[str, str]] | None = None,
) -> Generation:
    """Every generated page of the site (`.markdown`: `{virtual docs path: Markdown}`),
    with what each was made from.

    `index` is the site's relations, when the caller has built them already;
    `problems` the diagnostics by file, shown on each item's page (preview only);
    `booklets` the URL of each collection's PDF that was made; `hall_files` the
    URLs of each hall's files that were made (`urls.HALL_FILES`); `stale` the files
    whose items are shown in their last good version (preview); `previous` what the
    last generation made: a page that shows what it showed then is taken from it
    instead of being rendered again."""
    return _Generator(
        corpus, options, images, overrides, index, problems, booklets, stale, previous, hall_files
    ).generate()


def collection_page(
    corpus: Corpus,
    options: SiteOptions,
    images: ImageCatalog,
    overrides: Path | None,
    index: SiteIndex,
    collection: Collection,
    *,
    problems: Mapping[str, Sequence[Diagnostic]] | None = None,
    booklets: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """One collection's page again, once its booklet is known to exist or not:
    `(virtual docs path, Markdown)`."""
    generator = _Generator(corpus, options, images, overrides, index, problems, booklets)
    generator.collection(collection)
    return next((path, made.markdown) for path, made in generator.made.pages.items())


def hall_page(
    corpus: Corpus,
    options: SiteOptions,
    images: ImageCatalog,
    overrides: Path | None,
    index: SiteIndex,
    hall: Hall,
    *,
    problems: Mapping[str, Sequence[Diagnostic]] | None = None,
    hall_files: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[str, str]:
    """One hall's page again, once its files are known to exist or not:
    `(virtual docs path, Markdown)`."""
    generator = _Generator(
        corpus, options, images, overrides, index, problems, hall_files=hall_files
    )
    generator.hall(hall)
    return next((path, made.markdown) for path, made in generator.made.pages.items())


def redirects(corpus: Corpus, options: SiteOptions) -> dict[str, str]:
    """Old URL → current URL for every alias of an item the build shows."""
    found: dict[str, str] = {}
    for item in corpus.items():
        if not options.audience.shows(item):
            continue
        for alias in getattr(item, "aliases", []):
            if isinstance(item, Panel):
                old = f"halls/{item.hall}/{alias}/"
            else:
                old = urls.of(item).rsplit("/", 2)[0] + f"/{alias}/"
            found[old] = urls.of(item)
    return found
