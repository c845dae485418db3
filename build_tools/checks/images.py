"""Images: a caption on each; a file inside `stories/` that exists and is a whole image in
a web format, of a size a build can handle.

Where the file is comes from the corpus' one resolver, what it is from `media.inspect`:
the site and the booklet ask the same two questions, so what passes here is what they use.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.checks.bodies import markdown_texts
from build_tools.config import Settings
from build_tools.content import media
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import images as body_images
from build_tools.content.model import Image, field_value
from build_tools.diagnostics import Diagnostic, Location, diagnostic

IMAGE_FIELDS = ("cover", "photo", "image")  # collections have `cover` too


def image_problems(corpus: Corpus, written_in: str, src: str, where: Location) -> list[Diagnostic]:
    """What is wrong with an image `src` written in `written_in` (nothing when usable)."""
    found = media.diagnose(corpus.media(written_in, src), where, corpus.content_dir.name)
    return [found] if found is not None else []


def check_images(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for item in corpus.items():
        if corpus.scope is not None and item.origin.path not in corpus.scope:
            continue
        for field in IMAGE_FIELDS:
            image: Image | None = field_value(item, field)
            if image is not None:
                where = item.origin.at(field, "src")
                yield from image_problems(corpus, item.origin.path, image.src, where)
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
            yield from image_problems(corpus, path, found.text, where)
