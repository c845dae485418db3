"""Incremental builds give the very site a full build gives.

Each edit an editor makes (a title, a theme's name, a unit's name, a collection's items,
a date that reorders listings, a new story, a deleted one, a replaced picture, a broken
file) is followed by a generation that reuses the previous one; its pages must be
exactly those of a generation from scratch, and the pages that show the edit must be
among those made again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from build_tools import pipeline
from build_tools.site.build import build_site
from build_tools.site.images import ImageCatalog
from build_tools.site.pages import Generation, SiteOptions, generate
from tests.sitetools import site_project

PREVIEW = SiteOptions()


def _generate(root: Path, previous: Generation | None) -> Generation:
    checked = pipeline.run(root)
    images = ImageCatalog(checked.corpus.content_dir, root / ".cache" / "images")
    return generate(
        checked.corpus,
        PREVIEW,
        images,
        problems=checked.by_file(),
        previous=previous,
    )


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return site_project(tmp_path / "project")


def _picture(path: Path, size: tuple[int, int]) -> None:
    """The same file name, another picture (of another size)."""
    from PIL import Image

    Image.new("RGB", size, (180, 30, 30)).save(path)


def _story(project: Path, name: str) -> Path:
    return project / "stories" / "red" / f"{name}.md"


EDITS = {
    "title": lambda p: _replace(_story(p, "first-shovel"), "title: 第一锹土", "title: 第一锹新土"),
    "theme name": lambda p: [
        _replace(p / "stories/themes.yml", "name: 艰苦创业", "name: 艰苦奋斗"),
        *(
            _replace(f, "艰苦创业", "艰苦奋斗", -1)
            for f in sorted((p / "stories").rglob("*.md"))
            if "艰苦创业" in f.read_text(encoding="utf-8")
        ),
    ],
    "unit name": lambda p: _replace(p / "stories/units.yml", "name: 第一煤矿", "name: 东山煤矿"),
    "collection items": lambda p: _replace(
        p / "stories/collections/red-memory.yml", "  - night-shift\n", ""
    ),
    "date": lambda p: _replace(_story(p, "first-shovel"), "date: 1958-07", "date: 1990-01"),
    "new story": lambda p: (p / "stories/red/new-one.md").write_text(
        "---\ntitle: 新来的故事\ndate: 2001-05\nunit: mine-1\nthemes: [安全生产]\n"
        "summary: 一篇新写的故事。\nstatus: published\n---\n\n正文。\n",
        encoding="utf-8",
    ),
    "deleted story": lambda p: _story(p, "night-shift").unlink(),
    "picture": lambda p: _picture(p / "stories/media/dot.png", (24, 12)),
    "broken file": lambda p: _replace(_story(p, "first-shovel"), "unit: mine-1", "unit: mine-9"),
    "body": lambda p: _replace(_story(p, "first-shovel"), "还是一片荒地", "还是一片荒草地"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_incremental_generation_equals_a_full_one(project, edit):
    first = _generate(project, None)
    again = _generate(project, first)
    assert again.markdown == first.markdown
    assert again.rendered == 0  # nothing changed: nothing made again

    EDITS[edit](project)
    incremental = _generate(project, again)
    full = _generate(project, None)
    assert incremental.markdown == full.markdown
    changed = {p for p, md in full.markdown.items() if first.markdown.get(p) != md}
    assert changed, "the edit shows somewhere"
    remade = {p for p, made in incremental.pages.items() if made is not again.pages.get(p)}
    assert changed <= remade | (set(first.markdown) - set(full.markdown))


def test_one_title_edit_remakes_only_the_pages_that_show_it(project):
    first = _generate(project, None)
    EDITS["title"](project)
    second = _generate(project, first)
    remade = {p for p, made in second.pages.items() if made is not first.pages.get(p)}
    showing = {p for p, md in second.markdown.items() if "第一锹新土" in md}
    assert "stories/first-shovel/index.md" in showing
    assert showing <= remade
    # pages made every time (home, indexes, search) aside, the others are kept as they were
    others = {p for p in remade - showing if second.pages[p].files is not None}
    assert others == set()
    assert second.kept > 0


def test_an_edited_template_makes_every_page_that_uses_it_again(project):
    """A project's override (or an upgrade of ours) changes the markup, not the context:
    the pages must still show it, not the Markdown the last build made."""
    from importlib import resources

    overrides = project / "overrides"
    overrides.mkdir()
    template = overrides / "story.md.j2"
    template.write_text(
        resources.files("build_tools.site").joinpath("templates/story.md.j2").read_text("utf-8"),
        encoding="utf-8",
    )
    checked = pipeline.run(project)
    images = ImageCatalog(checked.corpus.content_dir, project / ".cache" / "images")

    def made(previous: Generation | None) -> Generation:
        return generate(checked.corpus, PREVIEW, images, overrides, previous=previous)

    first = made(None)
    _replace(template, "{% block content %}", '{% block content %}<p class="marked">改过</p>')
    second = made(first)
    stories = [p for p in second.markdown if p.startswith("stories/") and p != "stories/index.md"]
    assert stories
    assert all('<p class="marked">改过</p>' in second.markdown[p] for p in stories)
    assert second.markdown == made(None).markdown


def _html(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and p.suffix in (".html", ".xml", ".json", ".md")
        # the search index of a warm build is the cached one and a delta (tested in
        # tests/search): the same results, other files
        and not any(part.startswith("pagefind") for part in p.relative_to(site).parts)
        and p.relative_to(site).as_posix() != "search/parts.json"
    }


def test_a_warm_build_gives_the_site_a_cold_build_gives(project, tmp_path):
    config = project / "mkdocs.yml"
    build_site(config, project / "site")
    EDITS["title"](project)
    EDITS["unit name"](project)
    warm = build_site(config, project / "site")
    assert (project / ".cache" / "html").is_dir()  # the rendered pages were kept
    cold_project = tmp_path / "cold"
    shutil.copytree(project, cold_project, ignore=shutil.ignore_patterns(".cache", "site"))
    cold = build_site(cold_project / "mkdocs.yml", cold_project / "site")
    ours, theirs = _html(warm), _html(cold)
    assert ours.keys() == theirs.keys()
    different = [p for p in ours if ours[p] != theirs[p]]
    assert different == []
    story = (warm / "stories/first-shovel/index.html").read_text(encoding="utf-8")
    assert "第一锹新土" in story and "东山煤矿" in story


def test_a_damaged_cache_is_rebuilt_not_trusted(project):
    config = project / "mkdocs.yml"
    build_site(config, project / "site")
    kept = project / ".cache" / "pages" / "generation.pickle"
    assert kept.is_file()
    kept.write_bytes(b"\x80\x05not a pickle")
    EDITS["title"](project)
    site = build_site(config, project / "site")
    assert "第一锹新土" in (site / "stories/first-shovel/index.html").read_text(encoding="utf-8")


def test_removed_story_leaves_no_page_behind_in_a_warm_build(project):
    config = project / "mkdocs.yml"
    build_site(config, project / "site")
    EDITS["deleted story"](project)
    # the collection lists it: drop it there too, as an editor would
    _replace(project / "stories/collections/red-memory.yml", "  - night-shift\n", "")
    site = build_site(config, project / "site")
    assert not (site / "stories/night-shift").exists()
    assert not re.search("night-shift", (site / "stories/index.html").read_text("utf-8"))


def test_a_planted_cache_is_never_used(project):
    """A merge request that commits files under .cache/ (a rendered page of its own, a
    pickle that would run code) gets a cold build, with a warning, and nothing of it."""
    import pickle
    import subprocess

    from build_tools.site import incremental

    config = project / "mkdocs.yml"
    build_site(config, project / "site")
    entries = sorted((project / ".cache" / "html").rglob("*.html"))
    assert entries
    page = project / "site/stories/first-shovel/index.html"
    # the entry of that page, as whoever knows how keys are made could compute it
    planted = next(e for e in entries if e.read_bytes() == page.read_bytes())
    planted.write_text("<script>steal()</script>", encoding="utf-8")

    class Boom:
        def __reduce__(self):
            return (exec, ("import pathlib; pathlib.Path('pwned').write_text('x')",))

    (project / ".cache/pages/generation.pickle").write_bytes(pickle.dumps(Boom()))
    # not trusted even outside git (a pickle that is not ours is refused)
    assert incremental.load_generation(project / ".cache", "production") is None
    assert not (project / "pwned").exists()

    for command in (["init", "-q"], ["add", "-f", ".cache"]):
        subprocess.run(["git", "-C", str(project), *command], check=True)
    site = build_site(config, project / "site")
    html = (site / "stories/first-shovel/index.html").read_text(encoding="utf-8")
    assert "steal()" not in html and "第一锹土" in html
    assert not (project / "pwned").exists()


def test_a_cache_folder_pointing_out_of_the_project_is_not_used(project, tmp_path):
    from build_tools import cachedir

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".cache").symlink_to(elsewhere)
    assert cachedir.problem(project, project / ".cache") is not None
    build_site(project / "mkdocs.yml", project / "site")
    assert list(elsewhere.iterdir()) == []  # nothing written there


def test_the_old_site_is_removed_after_the_swap(project):
    """The old site goes to the cache's trash and is removed there by a process of its
    own (with whatever an interrupted removal left)."""
    import time

    config = project / "mkdocs.yml"
    build_site(config, project / "site")
    left = project / ".cache" / "trash" / "site-interrupted"
    (left / "old" / "stories").mkdir(parents=True)
    build_site(config, project / "site")
    trash = project / ".cache" / "trash"
    deadline = time.monotonic() + 60
    while list(trash.glob("site-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(trash.glob("site-*")) == []
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]
    assert (project / "site/stories/first-shovel/index.html").is_file()
