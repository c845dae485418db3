"""Images: a caption on each, files that exist, inside `stories/`, in a web format."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from build_tools.checks.bodies import markdown_texts
from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import images as body_images
from build_tools.content.model import Image
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.suggest import closest, did_you_mean

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def resolve_image(corpus: Corpus, source_path: str, src: str) -> Path | None:
    """The file an image `src` written in `source_path` points at, if inside the content."""
    if "://" in src or src.startswith(("//", "/", "data:")):
        return None
    file = Path(os.path.normpath(corpus.root / Path(source_path).parent / src))
    content = Path(os.path.normpath(corpus.content_dir.resolve()))
    try:
        file.resolve().relative_to(content)
    except ValueError:
        return None
    return file


def _image_problems(corpus: Corpus, path: str, src: str, where: Location) -> Iterator[Diagnostic]:
    if "://" in src or src.startswith(("//", "data:")):
        message = (
            f"图片“{src}”是外部网址：内网网站不能从外部加载图片，请把图片放进 stories/media/ 再引用"
        )
        yield diagnostic("E-IMAGE-OUTSIDE", where, message)
        return
    file = resolve_image(corpus, path, src)
    if file is None:
        message = f"图片路径“{src}”指到了 {corpus.content_dir.name}/ 之外；图片要放在 {corpus.content_dir.name}/media/ 中，路径相对于当前文件"
        yield diagnostic("E-IMAGE-OUTSIDE", where, message)
        return
    if not file.is_file():
        folder = file.parent
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        options = closest(file.name, names)
        hint = did_you_mean(options) or f"（路径相对于 {path}）"
        yield diagnostic("E-IMAGE-MISSING", where, f"找不到图片文件“{src}”{hint}")
        return
    if file.suffix.lower() not in IMAGE_SUFFIXES:
        message = f"不支持的图片格式“{file.suffix}”：请转换为 JPEG 或 PNG"
        yield diagnostic("E-IMAGE-FORMAT", where, message)


def check_images(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for item in corpus.items():
        for field in ("cover", "photo", "image"):
            image: Image | None = getattr(item, field, None)
            if image is not None:
                where = item.origin.at(field, "src")
                yield from _image_problems(corpus, item.origin.path, image.src, where)
    for craftsman in corpus.craftsmen.values():
        if craftsman.photo is None:
            message = f"工匠“{craftsman.name}”还没有照片（photo），人物页和印刷品上会缺少照片"
            yield diagnostic("W-PHOTO-MISSING", craftsman.origin.at(), message)
    for path, body in markdown_texts(corpus):
        for found in body_images(body.markdown):
            where = Location(path, body.line + found.line - 1, found.column)
            if not found.alt:
                message = "正文图片缺少说明文字：请写成 ![图片说明](路径)，说明既是替代文字也是图注"
                yield diagnostic("E-IMAGE-ALT", where, message)
            yield from _image_problems(corpus, path, found.text, where)
