"""Images: a caption on each, one that says what is in the picture; a file inside
`stories/` that exists and is a whole image in a web format, of a size a build can handle.

Where the file is comes from the corpus' one resolver, what it is from `media.inspect`:
the site and the booklet ask the same two questions, so what passes here is what they use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from build_tools.checks.bodies import markdown_texts
from build_tools.config import Settings
from build_tools.content import media
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import images as body_images
from build_tools.content.model import Image, field_value
from build_tools.diagnostics import Diagnostic, Location, diagnostic

IMAGE_FIELDS = ("cover", "photo", "image")  # collections have `cover` too

# Captions that name the medium, not the picture ("图片", "image2"), and camera file names
# ("IMG_1234", "DSC0001.JPG"): a screen reader reads them aloud, and print shows them.
_PLACEHOLDER_WORDS = "图片说明|示意图|图片|照片|插图|截图|配图|图|image|img|photo|picture|pic"
_PLACEHOLDER = re.compile(
    rf"(?:(?:{_PLACEHOLDER_WORDS})[\s_\-]*(?:\d+|[一二三四五六七八九十]+)?"
    r"|(?:img|dsc[nf]?|p|pxl|mvimg)[\s_\-]*\d{3,})"
    r"(?:\.(?:jpe?g|png|gif|webp|heic|tiff?))?",
    re.IGNORECASE,
)
# What may surround a placeholder without making it say anything.
_TRIM = " \t\u3000:：.。,，、;；!！"


def is_placeholder(caption: str) -> bool:
    """Whether a caption or alt text only says "a picture" (or is a camera file name)."""
    return _PLACEHOLDER.fullmatch(caption.strip(_TRIM)) is not None


def _placeholder_message(caption: str) -> str:
    return (
        f"图片说明“{caption.strip()}”没有说出图中是什么：读屏软件会把它念给看不见图片的"
        "同事听，印刷时它也是图注。请写明图中是什么，如“1958年东山煤矿的井架”"
    )


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
                if is_placeholder(image.caption):
                    where = item.origin.at(field, "caption")
                    message = _placeholder_message(image.caption)
                    yield diagnostic("W-IMAGE-ALT-PLACEHOLDER", where, message)
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
            elif is_placeholder(found.alt):
                message = _placeholder_message(found.alt)
                yield diagnostic("W-IMAGE-ALT-PLACEHOLDER", where, message)
            yield from image_problems(corpus, path, found.text, where)
