"""Links between pages: `urls.relative` says what posixpath.relpath said, faster."""

from __future__ import annotations

import itertools
import posixpath
import random

import pytest

from build_tools.site import urls


def _relpath(from_url: str, to_url: str) -> str:
    """The implementation `relative` replaced (issue #14), kept as the reference."""
    if from_url == to_url:
        return "./"
    target = posixpath.relpath("/" + to_url, "/" + (from_url or "."))
    if to_url.endswith("/") or to_url == "":
        target = target.rstrip("/") + "/"
    return "./" if target in (".", "./") else target


# The shapes our pages and files have, and some they never have (the reference copes).
SHAPES = [
    "",
    "stories/",
    "stories/first-shovel/",
    "stories/page/2/",
    "craftsmen/wang-jian-guo/",
    "halls/main-hall/",
    "halls/main-hall/a-01/",
    "themes/hard-work/",
    "units/mine-1/page/3/",
    "decades/1950s/",
    "problems/",
    "search/",
    "assets/images/first-shovel/cover-720.jpg",
    "assets/images/first-shovel/cover-360.webp",
    "feed.xml",
    "404.html",
    "stories/first-shovel",
    "stories//first-shovel/",
    "./stories/",
    "stories/./a/",
    "stories/../craftsmen/",
    "../outside/",
    "a/b/c/d/e/",
    "a/b/x/",
    "stories/#top",
]


@pytest.mark.parametrize(("from_url", "to_url"), list(itertools.product(SHAPES, repeat=2)))
def test_relative_says_what_relpath_said(from_url, to_url):
    assert urls.relative(from_url, to_url) == _relpath(from_url, to_url)


def test_relative_agrees_on_random_urls():
    rng = random.Random(14)
    segments = ["a", "b", "stories", "x-1", "..", ".", "", "page", "2", "i.jpg"]
    for _ in range(20_000):
        from_url, to_url = (
            "/".join(rng.choice(segments) for _ in range(rng.randint(0, 5))) + rng.choice(["", "/"])
            for _ in range(2)
        )
        assert urls.relative(from_url, to_url) == _relpath(from_url, to_url), (from_url, to_url)


def test_typical_links():
    assert urls.relative("stories/a/", "stories/b/") == "../b/"
    assert urls.relative("", "stories/a/") == "stories/a/"
    assert urls.relative("stories/a/", "") == "../../"
    assert urls.relative("stories/a/", "stories/a/") == "./"
    assert urls.relative("halls/h/p/", "assets/images/x.jpg") == "../../../assets/images/x.jpg"
