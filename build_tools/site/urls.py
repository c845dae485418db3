"""URLs come from ids and never move. Every link between pages is made here."""

from __future__ import annotations

from functools import lru_cache

from build_tools.content.model import Collection, Craftsman, Hall, Item, Panel, Story, Theme, Unit
from build_tools.content.taxonomies import BY_NAME

PROBLEMS = "problems/"  # the preview's list of everything `culture check` found


def home() -> str:
    return ""


def story(item: Story | str) -> str:
    return f"stories/{item if isinstance(item, str) else item.id}/"


def craftsman(item: Craftsman | str) -> str:
    return f"craftsmen/{item if isinstance(item, str) else item.id}/"


def hall(item: Hall | str) -> str:
    return f"halls/{item if isinstance(item, str) else item.id}/"


def hall_guide(item: Hall | str) -> str:
    """A hall's 讲解模式 page: every narration in tour order, for a guide's phone."""
    return f"{hall(item)}guide/"


# A hall's files for the exhibition contractor and the guides, made by `culture build`.
HALL_FILES = ("panels.pdf", "narration.pdf", "inventory.csv")
# Names under a hall's URL the site uses itself: no panel (and no old id) may take one.
HALL_RESERVED = frozenset({"guide"})


def hall_file(item: Hall | str, name: str) -> str:
    """Where one of a hall's `HALL_FILES` is in the site."""
    assert name in HALL_FILES, name
    return f"{hall(item)}{name}"


def panel(item: Panel) -> str:
    return f"halls/{item.hall}/{item.id}/"


def collection(item: Collection | str) -> str:
    return f"collections/{item if isinstance(item, str) else item.id}/"


# Term pages live where their taxonomy says (content/taxonomies.py).
def theme(item: Theme) -> str:
    return f"{BY_NAME['theme'].base}{item.slug}/"


def unit(item: Unit | str) -> str:
    return f"{BY_NAME['unit'].base}{item if isinstance(item, str) else item.id}/"


def decade(year: int) -> str:
    return f"{BY_NAME['decade'].base}{year // 10 * 10}s/"


def of(item: Item) -> str:
    """The URL of any item page."""
    if isinstance(item, Story):
        return story(item)
    if isinstance(item, Craftsman):
        return craftsman(item)
    if isinstance(item, Panel):
        return panel(item)
    if isinstance(item, Hall):
        return hall(item)
    if isinstance(item, Collection):
        return collection(item)
    raise TypeError(item)


def paged(base: str, number: int) -> str:
    """Page `number` (1-based) of a listing at `base`."""
    return base if number == 1 else f"{base}page/{number}/"


def source_path(url: str) -> str:
    """The (virtual) Markdown file MkDocs turns into `url` with directory URLs."""
    return f"{url}index.md"


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, relative so that the site works
    from any sub-path (the intranet may serve it under /culture/)."""
    # What posixpath.relpath("/" + to_url, "/" + from_url) says, with the trailing slash
    # of a directory URL kept, computed on cached path segments: pages ask 200,000 times.
    if from_url == to_url:
        return "./"
    start, path = _segments(from_url), _segments(to_url)
    common, most = 0, min(len(start), len(path))
    while common < most and start[common] == path[common]:
        common += 1
    ups = len(start) - common
    if not ups and common == len(path):
        return "./"
    target = "/".join((*[".."] * ups, *path[common:]))
    return target + "/" if to_url.endswith("/") or to_url == "" else target


@lru_cache(maxsize=1 << 16)
def _segments(url: str) -> tuple[str, ...]:
    """The segments of `/url` normalised as posixpath.normpath does (`.` and empty ones
    dropped, `..` taking one back, never above the root)."""
    found: list[str] = []
    for segment in url.split("/"):
        if segment == "..":
            if found:
                found.pop()
        elif segment and segment != ".":
            found.append(segment)
    return tuple(found)
