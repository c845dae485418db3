"""Web-sized image variants: resized with Pillow, EXIF (and with it GPS) stripped.

Pages ask the catalogue for an image while they are generated, with the `MediaRef` the
corpus' resolver gave them. Only files the resolver accepted and `media.inspect` found
whole are published; the size comes from that inspection. The variants are made then,
from a cache keyed on the source's size and mtime (an unchanged photo is resized once),
so an image that cannot be resized is known before the page is written: the page shows no
picture and the build goes on. `write()` links the variants into the site after the
build and refuses any target outside it. Originals are never published.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageOps

from build_tools.content import media

log = logging.getLogger("mkdocs.plugins.culture")

WIDTHS = (480, 1200)
# Pillow's format → how a variant is saved (a GIF's first frame becomes a PNG).
_OUTPUT = {
    "JPEG": ("JPEG", ".jpg"),
    "MPO": ("JPEG", ".jpg"),
    "PNG": ("PNG", ".png"),
    "WEBP": ("WEBP", ".webp"),
    "GIF": ("PNG", ".png"),
}
_URL_UNSAFE = re.compile(r"[\s#?%\\]+")


@dataclass(frozen=True, slots=True)
class Variant:
    width: int
    height: int
    url: str  # site-relative, e.g. media/red/headframe-480.jpg


@dataclass(frozen=True, slots=True)
class PublishedImage:
    variants: tuple[Variant, ...]  # smallest first

    @property
    def default(self) -> Variant:
        return self.variants[-1]

    @property
    def small(self) -> Variant:
        return self.variants[0]


@dataclass(slots=True)
class ImageCatalog:
    content_dir: Path
    cache_dir: Path
    # What could not be published for a reason the check cannot see (a resize that
    # failed, a target outside the site), in Chinese; each is also logged as a warning.
    problems: list[str] = field(default_factory=list)
    _jobs: dict[str, Path] = field(default_factory=dict)  # url → cached variant
    _owners: dict[str, Path] = field(default_factory=dict)  # url stem → source
    _known: dict[Path, PublishedImage | None] = field(default_factory=dict)
    _content: Path = field(init=False)

    def __post_init__(self) -> None:
        self._content = Path(os.path.realpath(self.content_dir))

    def publish(self, image: media.MediaRef | Path) -> PublishedImage | None:
        """The variants an image will have on the site; None when it is not published
        (refused by the resolver, not a usable image, or it could not be resized).

        A `Path` must be one the resolver accepted; anything outside the content folder
        is refused here too."""
        source = self._source(image)
        if source is None:
            return None
        if source not in self._known:
            self._known[source] = self._plan(source)
        return self._known[source]

    def _source(self, image: media.MediaRef | Path) -> Path | None:
        if isinstance(image, media.MediaRef):
            return image.path if image.ok else None
        real = Path(os.path.realpath(image))
        return real if real.is_relative_to(self._content) and real.is_file() else None

    def _plan(self, source: Path) -> PublishedImage | None:
        info = media.inspect_file(source)
        if isinstance(info, media.ImageProblem):
            return None  # the check reports it, with the file and line that use it
        fmt, suffix = _OUTPUT[info.format]
        stem = self._stem(source)
        variants, jobs = [], {}
        for w in sorted({min(w, info.width) for w in WIDTHS}):
            url = f"media/{stem}-{w}{suffix}"
            try:
                jobs[url] = self._cached(source, w, suffix, fmt)
            except Exception as exc:  # a decoder can raise anything on a damaged file
                self._problem(f"图片“{self._shown(source)}”无法缩放（{exc}），网页上不显示这张图片")
                return None
            variants.append(Variant(w, max(1, round(info.height * w / info.width)), url))
        self._jobs |= jobs
        return PublishedImage(tuple(variants))

    def _stem(self, source: Path) -> str:
        """The URL of a file comes from where it is inside the content folder (its
        media/ folder, or elsewhere in it), never from where the project is on disk."""
        relative = source.relative_to(self._content)
        if relative.parts[0] == "media" and len(relative.parts) > 1:
            stem = Path(*relative.parts[1:]).with_suffix("").as_posix()
        else:
            stem = "other/" + relative.with_suffix("").as_posix()
        stem = _URL_UNSAFE.sub("-", stem)
        owner = self._owners.setdefault(stem, source)
        if owner != source:  # a.jpg and a.png, or two names made alike above
            digest = hashlib.sha1(relative.as_posix().encode()).hexdigest()[:8]
            stem = f"{stem}-{digest}"
            self._owners[stem] = source
        return stem

    def _shown(self, source: Path) -> str:
        return f"{self.content_dir.name}/{source.relative_to(self._content).as_posix()}"

    def _problem(self, message: str) -> None:
        self.problems.append(message)
        log.warning(message)

    def write(self, site_dir: Path) -> int:
        """Link every variant that a page asked for into the site; returns how many."""
        site = Path(os.path.realpath(site_dir))
        written = 0
        for url, cached in self._jobs.items():
            target = Path(os.path.normpath(site / url))
            if not target.is_relative_to(site):
                self._problem(f"图片文件“{url}”会写到网站文件夹之外，已拒绝")
                continue
            if not Path(os.path.realpath(target.parent)).is_relative_to(site):
                self._problem(f"图片文件“{url}”会写到网站文件夹之外（经过符号链接），已拒绝")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # never write through a link left in the site
            try:
                os.link(cached, target)
            except OSError:
                shutil.copyfile(cached, target)
            written += 1
        return written

    def _cached(self, source: Path, width: int, suffix: str, fmt: str) -> Path:
        stat = source.stat()
        key = hashlib.sha1(
            f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{width}".encode()
        ).hexdigest()
        cached = self.cache_dir / f"{key}{suffix}"
        if not cached.is_file():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(cached.name + ".part")
            try:
                _resize(source, width, partial, fmt)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            partial.replace(cached)
        return cached


def _resize(source: Path, width: int, target: Path, fmt: str) -> None:
    with warnings.catch_warnings():
        # `media.inspect` has judged the size; a bomb here is an error, never a warning.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        with PILImage.open(source) as img:
            _draft(img, width)
            img = ImageOps.exif_transpose(img)  # keep the picture upright once EXIF is gone
            if img.width > width:
                img = img.resize(
                    (width, max(1, round(img.height * width / img.width))), PILImage.LANCZOS
                )
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            options: dict[str, object] = {"optimize": True}
            if fmt == "JPEG":
                options |= {"quality": 82, "progressive": True}
            # No `exif=`, no `info` passed on: EXIF, GPS and comments are not written.
            img.save(target, fmt, **options)


def _draft(img: PILImage.Image, width: int) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 of its size when that is still at least as
    large as the variant (then resized as before): a fraction of the work and memory."""
    if img.format not in ("JPEG", "MPO"):
        return
    orientation = img.getexif().get(0x0112, 1)
    shown_width = img.height if orientation in (5, 6, 7, 8) else img.width
    scale = width / shown_width
    if scale < 1:
        img.draft(img.mode, (math.ceil(img.width * scale), math.ceil(img.height * scale)))
