"""Media files: covers wide enough, files not too heavy, none unused, names a URL keeps.

Every image reference (the image fields of every item, partial ones included, and the
images of every Markdown text) is resolved by the corpus' one resolver; what is found
about a file is said where it is referenced, so the line to change is the one named.
Files under `media/` that nothing references are said at the file itself (line 0).

A file the resolver refuses (outside the content folder, symlinks included) is reported
by `checks/images.py` and never looked at here: not opened, not even stat'ed.
Every code here belongs to the `media` family and to nothing else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from build_tools.checks.bodies import markdown_texts
from build_tools.checks.images import IMAGE_FIELDS
from build_tools.config import Settings
from build_tools.content import media
from build_tools.content.corpus import Corpus
from build_tools.content.load import WORD_SUFFIXES
from build_tools.content.markdown import images as body_images
from build_tools.content.model import Image, field_value
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.scaffold import make_id

COVER_MIN_WIDTH = 800  # px: the site shows a story's cover across the page
HEAVY_BYTES = 10 * 1024 * 1024  # 10 MB: every clone and every build carries the original
COVER_FIELDS = ("cover",)  # stories and collections; photos and panel images are not covers
# What a file name may hold and still be the same in a URL, a shell and every OS.
SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
KINDS = ("story", "craftsman", "panel", "hall", "collection")


@dataclass(frozen=True, slots=True)
class Reference:
    ref: media.MediaRef
    where: Location
    cover: bool


def references(corpus: Corpus) -> Iterator[Reference]:
    """Every image reference of the corpus, in file order within each kind."""
    for kind in KINDS:
        for item in corpus.loaded(kind):
            for field in IMAGE_FIELDS:
                image: Image | None = field_value(item, field)
                if image is not None:
                    ref = corpus.media(item.origin.path, image.src)
                    yield Reference(ref, item.origin.at(field, "src"), field in COVER_FIELDS)
    for path, body in markdown_texts(corpus, everything=True):  # what is used: all of it
        for found in body_images(body.markdown):
            where = Location(path, body.line + found.line - 1, found.column)
            yield Reference(corpus.media(path, found.text), where, False)


def check_media(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    used: set[Path] = set()
    for reference in references(corpus):
        ref = reference.ref
        if not ref.ok or ref.path is None:
            continue  # refused or missing: reported by checks/images.py
        used.add(ref.path)
        yield from _referenced(reference, ref.path)
    yield from _unused(corpus, used)


def _referenced(reference: Reference, path: Path) -> Iterator[Diagnostic]:
    src, where = unquote(reference.ref.src), reference.where
    renamed = suggested_name(src)
    if renamed is not None:
        message = (
            f"图片路径“{src}”中有空格、中文或其他特殊字符，网址中会被转义，容易出错；"
            f"建议把文件（或文件夹）改名，路径改为“{renamed}”"
        )
        yield diagnostic("W-MEDIA-NAME", where, message)
    size = path.stat().st_size
    if size > HEAVY_BYTES:
        message = (
            f"图片“{src}”有 {size / 1024 / 1024:.1f} MB，超过 10 MB：仓库会越来越大，"
            "检查和生成网站也会变慢；请缩小到长边 3000 像素左右再放进来"
        )
        yield diagnostic("W-MEDIA-HEAVY", where, message)
    if reference.cover:
        info = media.inspect_file(path)  # cached: checks/images.py has opened it already
        if isinstance(info, media.ImageInfo) and info.width < COVER_MIN_WIDTH:
            message = (
                f"封面图片“{src}”只有 {info.width} 像素宽，题图至少需要 {COVER_MIN_WIDTH} "
                "像素宽，否则网页上会发虚；请换一张更大的原图"
            )
            yield diagnostic("W-MEDIA-COVER-SMALL", where, message)


def _unused(corpus: Corpus, used: set[Path]) -> Iterator[Diagnostic]:
    folder = corpus.content_dir / "media"
    if folder.is_symlink() or not folder.is_dir():
        return  # a media folder linked from elsewhere is refused by the resolver anyway
    for parent, dirs, names in os.walk(folder):  # never into symlinked folders
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(names):
            file = Path(parent) / name
            if name.startswith((".", "_")) or file.suffix.lower() in WORD_SUFFIXES:
                continue  # hidden, or a Word file (the loader says how to import it)
            if not corpus.contains(file):
                continue  # a symlink out of the content folder: not followed
            if Path(os.path.realpath(file)) in used:
                continue
            written = file.relative_to(corpus.content_dir).as_posix()
            rel = _project_path(corpus, file)
            location = Location(rel)
            message = (
                f"“{rel}”没有被任何条目引用，网站和印刷品都不会用到它："
                "不需要就删掉，需要就在条目中引用它（路径相对于引用它的文件）"
            )
            yield diagnostic("W-MEDIA-UNUSED", location, message)
            renamed = suggested_name(written)
            if renamed is not None:
                message = (
                    f"文件名“{written}”中有空格、中文或其他特殊字符，网址中会被转义，"
                    f"容易出错；建议改名为“{renamed}”"
                )
                yield diagnostic("W-MEDIA-NAME", location, message)


def _project_path(corpus: Corpus, file: Path) -> str:
    """As every diagnostic names a file: relative to the project root."""
    try:
        return file.relative_to(corpus.root).as_posix()
    except ValueError:  # a content folder outside the project: named from its own name
        return f"{corpus.content_dir.name}/{file.relative_to(corpus.content_dir).as_posix()}"


def suggested_name(path: str) -> str | None:
    """The path with every unsafe name made a slug (照片 1.jpg → zhao-pian-1.jpg), or None
    when all its names are safe."""
    parts = PurePosixPath(path).parts
    if all(p in (".", "..") or SAFE_NAME.fullmatch(p) for p in parts):
        return None
    return "/".join(p if p in (".", "..") or SAFE_NAME.fullmatch(p) else _slug(p) for p in parts)


def _slug(name: str) -> str:
    stem, suffix = os.path.splitext(name)
    if not SAFE_NAME.fullmatch(suffix or "."):
        stem, suffix = name, ""
    return (make_id(stem) or "image") + suffix.lower()
