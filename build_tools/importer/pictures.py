"""Pictures from a submission, re-encoded: only the pixels are kept (no EXIF, no GPS, no
camera or editing history), within a pixel budget, under a name we choose."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 7000 × 5700 photo; anything larger is refused, not decoded
MAX_SIDE = 4000  # kept larger than the site's 1200 px and enough for print at A5


@dataclass(frozen=True, slots=True)
class Encoded:
    data: bytes
    extension: str  # "jpg" or "png"
    width: int
    height: int


class PictureProblem(Exception):
    """Why one picture was left out (Chinese); the rest of the document still imports."""


def reencode(data: bytes) -> Encoded:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise PictureProblem(f"像素太多（{width}×{height}），未导入")
                fmt = image.format or ""
                image.load()
                picture = ImageOps.exif_transpose(image)  # keep how it was shown, drop the tag
    except PictureProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureProblem("像素太多，未导入") from exc
    except UnidentifiedImageError as exc:
        raise PictureProblem("格式无法识别（如 EMF/WMF 矢量图），未导入") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise PictureProblem(f"已损坏，未导入（{exc}）") from exc
    lossless = fmt in ("PNG", "GIF", "BMP", "TIFF")  # drawings and screenshots stay sharp
    if picture.width > MAX_SIDE or picture.height > MAX_SIDE:
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    if lossless:
        # A new image holds nothing but pixels: no text chunks, no EXIF, no ICC.
        if picture.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.mode else "RGB")
        clean = Image.new(picture.mode, picture.size)
        clean.paste(picture)
        if picture.mode == "P":
            clean.putpalette(picture.getpalette() or [])
        clean.save(out, "PNG", optimize=True)
        extension = "png"
    else:
        rgb = picture.convert("RGB")
        clean = Image.new("RGB", rgb.size)
        clean.paste(rgb)
        clean.save(out, "JPEG", quality=90, optimize=True)
        extension = "jpg"
    return Encoded(out.getvalue(), extension, clean.width, clean.height)
