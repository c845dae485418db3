"""Web-sized image variants: resized with Pillow, EXIF (and with it GPS) stripped.

Pages ask the catalogue for an image while they are generated; that only reads the
image's header for its size. The plugin writes the variants after the build, from a
cache keyed on the source's size and mtime, so an unchanged photo is resized once.
Originals are never published.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageOps

WIDTHS = (480, 1200)
_FORMATS = {
    ".jpg": ("JPEG", ".jpg"),
    ".jpeg": ("JPEG", ".jpg"),
    ".png": ("PNG", ".png"),
    ".webp": ("WEBP", ".webp"),
    ".gif": ("PNG", ".png"),
}


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
    _jobs: dict[str, tuple[Path, int]] = field(default_factory=dict)  # url → (source, width)
    _known: dict[Path, PublishedImage | None] = field(default_factory=dict)

    def publish(self, source: Path) -> PublishedImage | None:
        """The variants an image will have on the site; None when it cannot be read."""
        source = source.resolve()
        if source not in self._known:
            self._known[source] = self._plan(source)
        return self._known[source]

    def _plan(self, source: Path) -> PublishedImage | None:
        fmt = _FORMATS.get(source.suffix.lower())
        if fmt is None or not source.is_file():
            return None
        try:
            with PILImage.open(source) as img:
                width, height = _oriented_size(img)
        except OSError:
            return None
        stem = self._stem(source)
        widths = sorted({min(w, width) for w in WIDTHS})
        variants = []
        for w in widths:
            url = f"media/{stem}-{w}{fmt[1]}"
            variants.append(Variant(w, max(1, round(height * w / width)), url))
            self._jobs[url] = (source, w)
        return PublishedImage(tuple(variants))

    def _stem(self, source: Path) -> str:
        try:
            relative = source.relative_to((self.content_dir / "media").resolve())
            return relative.with_suffix("").as_posix()
        except ValueError:
            digest = hashlib.sha1(str(source).encode()).hexdigest()[:10]
            return f"other/{source.stem}-{digest}"

    def write(self, site_dir: Path) -> int:
        """Write every variant that a page asked for; returns how many."""
        for url, (source, width) in self._jobs.items():
            target = site_dir / url
            target.parent.mkdir(parents=True, exist_ok=True)
            cached = self._cached(source, width, target.suffix)
            try:
                os.link(cached, target)
            except OSError:
                shutil.copyfile(cached, target)
        return len(self._jobs)

    def _cached(self, source: Path, width: int, suffix: str) -> Path:
        stat = source.stat()
        key = hashlib.sha1(
            f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{width}".encode()
        ).hexdigest()
        cached = self.cache_dir / f"{key}{suffix}"
        if not cached.is_file():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(cached.name + ".part")
            _resize(source, width, partial, _FORMATS[source.suffix.lower()][0])
            partial.replace(cached)
        return cached


def _oriented_size(img: PILImage.Image) -> tuple[int, int]:
    orientation = img.getexif().get(0x0112, 1)
    width, height = img.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _resize(source: Path, width: int, target: Path, fmt: str) -> None:
    with PILImage.open(source) as img:
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
