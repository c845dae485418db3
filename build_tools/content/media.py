"""Where a media file is, and whether it is an image we can use: one home for the check,
the site, the search and print.

A `src` is written relative to the file that uses it and must stay inside the content
folder, symlinks included: the resolved path is compared, not the written one. No output
computes a media path itself; each asks `Corpus.media(...)` and gets a `MediaRef`.

`inspect(ref)` then says what the file is (size, format) or what is wrong with it, from
its header first (the pixel count is judged before anything is decoded) and then from a
cheap decode. The answer is cached per file, size and mtime, so the check, the pages and
the booklet of one build (and every rebuild of the preview) open each image once.
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.suggest import closest, did_you_mean

# One pixel limit for the whole pipeline. Pillow's own guard (a warning, then an error at
# twice the limit) is set to the same figure, for any open that does not come through here.
MAX_PIXELS = 100_000_000
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS

# Suffix → the formats Pillow may find in such a file (MPO: a camera's JPEG with a preview).
WEB_FORMATS: dict[str, frozenset[str]] = {
    ".jpg": frozenset({"JPEG", "MPO"}),
    ".jpeg": frozenset({"JPEG", "MPO"}),
    ".png": frozenset({"PNG"}),
    ".webp": frozenset({"WEBP"}),
    ".gif": frozenset({"GIF"}),
}
_SUFFIX_FOR = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


class MediaProblem(StrEnum):
    EXTERNAL = "external"  # a URL (http:, //host, data:): nothing is loaded from outside
    OUTSIDE = "outside"  # leaves the content folder (../, an absolute path, a symlink)
    MISSING = "missing"  # no such file


@dataclass(frozen=True, slots=True)
class MediaRef:
    src: str  # as the editor wrote it
    written_in: str  # the file it was written in, relative to the project root
    path: Path | None  # the resolved file inside the content folder; None when refused
    problem: MediaProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(slots=True)
class MediaResolver:
    root: Path  # project root; `written_in` paths are relative to it
    content_dir: Path
    _known: dict[tuple[str, str], MediaRef] = field(default_factory=dict)
    _content: Path = field(init=False)

    def __post_init__(self) -> None:
        self._content = Path(os.path.realpath(self.content_dir))

    def resolve(self, written_in: str, src: str) -> MediaRef:
        key = (written_in, src)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._resolve(written_in, src)
        return found

    def _resolve(self, written_in: str, src: str) -> MediaRef:
        text = src.strip()
        # A Markdown image's src is a URL (markdown-it percent-encodes 照片.jpg); a field's
        # src is a path. The literal path is tried first, then the decoded one, and each
        # is judged on its own (%2E%2E/ decodes to ../).
        candidates = [text]
        if "%" in text and unquote(text) != text:
            candidates.append(unquote(text))
        found = [self._one(written_in, src, c) for c in candidates]
        for wanted in (None, MediaProblem.OUTSIDE):  # usable first, then the graver refusal
            for ref in found:
                if ref.problem is wanted:
                    return ref
        return found[0]

    def _one(self, written_in: str, src: str, text: str) -> MediaRef:
        if "://" in text or text.startswith(("//", "data:")) or ":" in text.split("/", 1)[0]:
            return MediaRef(src, written_in, None, MediaProblem.EXTERNAL)
        if text.startswith("/") or "\\" in text or "\x00" in text:
            return MediaRef(src, written_in, None, MediaProblem.OUTSIDE)
        written = Path(os.path.normpath(self.root / Path(written_in).parent / text))
        real = Path(os.path.realpath(written))
        if not real.is_relative_to(self._content) or not written.is_relative_to(
            Path(os.path.normpath(self.content_dir))
        ):
            return MediaRef(src, written_in, None, MediaProblem.OUTSIDE)
        if not real.is_file():
            return MediaRef(src, written_in, written, MediaProblem.MISSING)
        return MediaRef(src, written_in, real)

    def inside(self, path: Path) -> bool:
        """Whether a file (after following symlinks) is inside the content folder."""
        return Path(os.path.realpath(path)).is_relative_to(self._content)


# -- what an image file is ------------------------------------------------------------------


class ImageFault(StrEnum):
    UNSUPPORTED = "unsupported"  # the suffix is not a web format (.tif, .bmp, .heic)
    MISMATCH = "mismatch"  # the content is another format than the suffix says
    NOT_IMAGE = "not-image"  # no image format recognised at all (a text file named .png)
    CORRUPT = "corrupt"  # recognised, but truncated or damaged
    TOO_LARGE = "too-large"  # more than MAX_PIXELS pixels (a decompression bomb)


_CODES = {
    ImageFault.UNSUPPORTED: "E-IMAGE-FORMAT",
    ImageFault.MISMATCH: "E-IMAGE-BROKEN",
    ImageFault.NOT_IMAGE: "E-IMAGE-BROKEN",
    ImageFault.CORRUPT: "E-IMAGE-BROKEN",
    ImageFault.TOO_LARGE: "E-IMAGE-TOO-LARGE",
}


@dataclass(frozen=True, slots=True)
class ImageInfo:
    width: int  # as the picture is seen: EXIF orientation applied
    height: int
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF, MPO


@dataclass(frozen=True, slots=True)
class ImageProblem:
    fault: ImageFault
    suffix: str = ""
    found: str = ""  # the format found in the file, for MISMATCH
    width: int = 0  # for TOO_LARGE
    height: int = 0

    @property
    def code(self) -> str:
        return _CODES[self.fault]

    def message(self, src: str) -> str:
        """What the editor is told, the same wherever it is said (check, site, booklet)."""
        match self.fault:
            case ImageFault.UNSUPPORTED:
                return f"不支持的图片格式“{self.suffix}”：请转换为 JPEG 或 PNG"
            case ImageFault.MISMATCH:
                right = _SUFFIX_FOR.get(self.found)
                fix = f"请把扩展名改为“{right}”" if right else "请转换为 JPEG 或 PNG"
                return f"图片“{src}”的扩展名是“{self.suffix}”，内容却是 {self.found} 格式；{fix}"
            case ImageFault.NOT_IMAGE:
                return f"“{src}”不是图片文件（无法识别其格式）；请换成真正的 JPEG 或 PNG 图片"
            case ImageFault.CORRUPT:
                return f"图片“{src}”已损坏或不完整，无法读取；请重新导出或重新拷贝原图"
            case ImageFault.TOO_LARGE:
                return (
                    f"图片“{src}”有 {self.width}×{self.height} 像素，超过上限"
                    f" {MAX_PIXELS / 100_000_000:g} 亿像素；请缩小到长边 8000 像素以内"
                )


_seen: dict[Path, tuple[tuple[int, int], ImageInfo | ImageProblem]] = {}
_open_lock = threading.Lock()


def inspect(ref: MediaRef) -> ImageInfo | ImageProblem:
    """What the file a resolved `ref` points at is; only for refs the resolver accepted."""
    if not ref.ok or ref.path is None:
        raise ValueError(f"not a resolved media file: {ref.src!r} ({ref.problem})")
    return inspect_file(ref.path)


def inspect_file(path: Path) -> ImageInfo | ImageProblem:
    """`inspect` for a file already known to be inside the content folder."""
    try:
        stat = path.stat()
    except OSError:
        return ImageProblem(ImageFault.CORRUPT, path.suffix.lower())
    stamp = (stat.st_size, stat.st_mtime_ns)
    known = _seen.get(path)
    if known is None or known[0] != stamp:
        known = _seen[path] = (stamp, _inspect(path))
    return known[1]


def _inspect(path: Path) -> ImageInfo | ImageProblem:
    suffix = path.suffix.lower()
    expected = WEB_FORMATS.get(suffix)
    if expected is None:
        return ImageProblem(ImageFault.UNSUPPORTED, suffix)
    try:
        img = _open_header(path)
    except UnidentifiedImageError:
        return ImageProblem(ImageFault.NOT_IMAGE, suffix)
    except Exception:  # a hostile header can make a decoder raise anything
        return ImageProblem(ImageFault.CORRUPT, suffix)
    with img:
        if img.format not in expected:
            return ImageProblem(ImageFault.MISMATCH, suffix, found=str(img.format))
        width, height = img.size
        if width * height > MAX_PIXELS:
            return ImageProblem(ImageFault.TOO_LARGE, suffix, width=width, height=height)
        turned = _orientation(img) in (5, 6, 7, 8)
        try:
            _decode(img)
        except Exception:  # damaged data raises OSError, SyntaxError, EOFError, …
            return ImageProblem(ImageFault.CORRUPT, suffix)
    return (
        ImageInfo(height, width, str(img.format))
        if turned
        else ImageInfo(width, height, str(img.format))
    )


def _open_header(path: Path) -> PILImage.Image:
    """Pillow reads only the header here. Its bomb guard is off for this one call, so
    that the size can be judged (and named in the message) above, before any decoding."""
    with _open_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        saved = PILImage.MAX_IMAGE_PIXELS
        PILImage.MAX_IMAGE_PIXELS = None
        try:
            return PILImage.open(path)
        finally:
            PILImage.MAX_IMAGE_PIXELS = saved


def _orientation(img: PILImage.Image) -> int:
    # A PNG keeps EXIF anywhere; reading it after the pixel data would mean decoding the
    # whole picture, so only EXIF placed before it counts.
    if img.format == "PNG" and "exif" not in img.info:
        return 1
    try:
        value = img.getexif().get(0x0112, 1)
    except Exception:  # damaged EXIF: the picture itself may still be fine; shown as stored
        return 1
    return value if isinstance(value, int) else 1


def _decode(img: PILImage.Image) -> None:
    """Enough decoding to know the file is whole, cheaply: a JPEG at an eighth of its
    size (every byte of it is still read), a PNG's checksums, other formats in full."""
    if img.format in ("JPEG", "MPO"):
        img.draft(None, (max(1, img.width // 8), max(1, img.height // 8)))
        img.load()
    elif img.format == "PNG":
        img.verify()
    else:
        img.load()


# -- what the editor is told ----------------------------------------------------------------


def diagnose(ref: MediaRef, where: Location, content: str = "stories") -> Diagnostic | None:
    """What is wrong with an image reference, or None when it can be used; the one
    wording for the check, the site and the booklet. `content` names the content folder."""
    src = unquote(ref.src)  # as the editor typed it (a body image's src arrives URL-encoded)
    match ref.problem:
        case MediaProblem.EXTERNAL:
            message = f"图片“{src}”是外部网址：内网网站不能从外部加载图片，请把图片放进 {content}/media/ 再引用"
            return diagnostic("E-IMAGE-OUTSIDE", where, message)
        case MediaProblem.OUTSIDE:
            message = f"图片路径“{src}”指到了 {content}/ 之外；图片要放在 {content}/media/ 中，路径相对于当前文件"
            return diagnostic("E-IMAGE-OUTSIDE", where, message)
        case MediaProblem.MISSING:
            return diagnostic("E-IMAGE-MISSING", where, _missing(ref, src))
    found = inspect(ref)
    if isinstance(found, ImageProblem):
        return diagnostic(found.code, where, found.message(src))
    return None


def _missing(ref: MediaRef, src: str) -> str:
    names: list[str] = []
    if ref.path is not None and ref.path.parent.is_dir():
        names = [p.name for p in ref.path.parent.iterdir()]
    name = unquote(ref.path.name) if ref.path is not None else src
    hint = did_you_mean(closest(name, names)) or f"（路径相对于 {ref.written_in}）"
    return f"找不到图片文件“{src}”{hint}"
