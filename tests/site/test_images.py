"""The site's image catalogue (site/images.py): only what the resolver accepted and the
inspection found whole is published, under a URL from its place in the content folder;
a bad image never stops a build; nothing is written outside the site, and an image
outside the tree is never published, even by a plain `mkdocs build`."""

from __future__ import annotations

import hashlib
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from build_tools.content.media import MediaResolver
from build_tools.site.images import ImageCatalog
from tests.content.test_media import jpeg_bytes, png_bytes
from tests.sitetools import site_project


def _content(tmp_path: Path) -> tuple[MediaResolver, ImageCatalog, Path]:
    root = tmp_path / "project"
    (root / "stories/media/red").mkdir(parents=True)
    (root / "stories/red").mkdir()
    resolver = MediaResolver(root, root / "stories")
    return resolver, ImageCatalog(root / "stories", tmp_path / "cache"), root


def _png_with_too_little_data(width: int = 100, height: int = 100) -> bytes:
    """A PNG whose chunks and checksums are all fine (so inspection passes) but whose
    pixel data stops short: only decoding it finds out."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )


def test_urls_come_from_the_place_in_the_content_folder(tmp_path):
    resolver, catalog, root = _content(tmp_path)
    (root / "stories/media/red/a.jpg").write_bytes(jpeg_bytes((1600, 1000)))
    (root / "stories/red/b.png").write_bytes(png_bytes((300, 200)))
    (root / "stories/media/red/a.png").write_bytes(png_bytes((300, 200)))
    a = catalog.publish(resolver.resolve("stories/red/x.md", "../media/red/a.jpg"))
    b = catalog.publish(resolver.resolve("stories/red/x.md", "b.png"))
    a_png = catalog.publish(resolver.resolve("stories/red/x.md", "../media/red/a.png"))
    assert a is not None and b is not None and a_png is not None
    assert [v.url for v in a.variants] == ["media/red/a-480.jpg", "media/red/a-1200.jpg"]
    assert (a.default.width, a.default.height) == (1200, 750)
    assert [v.url for v in b.variants] == ["media/other/red/b-300.png"]
    assert re.fullmatch(r"media/red/a-[0-9a-f]{8}-300\.png", a_png.default.url)  # not a-300.png
    urls = [v.url for img in (a, b, a_png) for v in img.variants]
    assert len(set(urls)) == len(urls)
    assert not any(str(tmp_path) in u or u.startswith("/") for u in urls)


def test_refused_and_broken_images_are_not_published_and_never_raise(tmp_path):
    resolver, catalog, root = _content(tmp_path)
    (tmp_path / "outside.jpg").write_bytes(jpeg_bytes())
    (root / "stories/media/link.jpg").symlink_to(tmp_path / "outside.jpg")
    (root / "stories/media/note.png").write_text("不是图片", encoding="utf-8")
    (root / "stories/media/short.png").write_bytes(_png_with_too_little_data())
    for src in ("../../outside.jpg", "../media/link.jpg", "../media/note.png", "http://x/a.png"):
        assert catalog.publish(resolver.resolve("stories/red/x.md", src)) is None, src
    # a path given directly is held to the same rule
    assert catalog.publish(root / "stories/media/link.jpg") is None
    assert catalog.problems == []  # those are the check's to report, with file and line
    # passes inspection, fails when resized: skipped, said once, the build goes on
    assert catalog.publish(resolver.resolve("stories/red/x.md", "../media/short.png")) is None
    [problem] = catalog.problems
    assert "stories/media/short.png" in problem and "无法缩放" in problem
    site = tmp_path / "site"
    assert catalog.write(site) == 0


def test_write_refuses_a_target_outside_the_site(tmp_path):
    resolver, catalog, root = _content(tmp_path)
    (root / "stories/media/red/a.jpg").write_bytes(jpeg_bytes((600, 400)))
    assert catalog.publish(resolver.resolve("stories/red/x.md", "../media/red/a.jpg"))
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / "media").symlink_to(elsewhere, target_is_directory=True)
    assert catalog.write(site) == 0
    assert list(elsewhere.rglob("*")) == []
    assert catalog.problems and "网站文件夹之外" in catalog.problems[0]


def _files(folder: Path, *skip: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not any(p.is_relative_to(s) for s in skip)
    }


def test_a_plain_mkdocs_build_never_publishes_an_image_outside_the_tree(tmp_path):
    project = site_project(tmp_path / "p")
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg_bytes((900, 600)))
    linked = tmp_path / "linked.jpg"
    linked.write_bytes(jpeg_bytes((700, 500)))
    (project / "stories/media/portrait.jpg").symlink_to(linked)
    story = project / "stories/red/first-shovel.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace(
            "src: ../media/dot.png", "src: ../../../secret.jpg", 1
        ),
        encoding="utf-8",
    )
    person = project / "stories/craftsmen/wang-jian-guo.md"
    person.write_text(
        person.read_text(encoding="utf-8").replace("../media/dot.png", "../media/portrait.jpg"),
        encoding="utf-8",
    )
    before = _files(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The check runs in every entry point: the content errors are said (and abort the
    # build at its end, as MkDocs does with logged errors), but the pages are written.
    assert "E-IMAGE-OUTSIDE" in result.stderr
    assert "Traceback" not in result.stderr
    site = project / "site"
    published = _files(site)
    assert "stories/first-shovel/index.html" in published
    secrets = {hashlib.sha1(p.read_bytes()).hexdigest() for p in (secret, linked)}
    assert not secrets & set(published.values()), "an outside file was copied into the site"
    assert not [name for name in published if re.search(r"secret|portrait|linked", name)]
    # nothing was written anywhere but the site and the build's cache
    after = _files(tmp_path, site, project / ".cache")
    assert after == before
    # the pictures are simply missing; the body image inside the tree is still there
    page = (site / "stories/first-shovel/index.html").read_text(encoding="utf-8")
    assert "secret" not in page and "东山坡旧照" not in page
    assert "media/dot-8.png" in page
    profile = (site / "craftsmen/wang-jian-guo/index.html").read_text(encoding="utf-8")
    assert "portrait" not in profile and "linked" not in profile
