"""The one media resolver and image inspection (content/media.py): where a `src` points,
what is refused, and what a file really is, from hostile files made here."""

from __future__ import annotations

import io
import os
import struct
import time
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage

from build_tools.content import media
from build_tools.content.media import (
    ImageFault,
    ImageInfo,
    ImageProblem,
    MediaProblem,
    MediaResolver,
)
from build_tools.diagnostics import Location

STORY = "stories/red/a.md"


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width`×`height` 1-bit pixels: a hundred bytes on disk, a bomb
    for anything that decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes(size: tuple[int, int] = (600, 400), exif: PILImage.Exif | None = None) -> bytes:
    out = io.BytesIO()
    img = PILImage.effect_noise(size, 60).convert("RGB")
    img.save(out, "JPEG", quality=90, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    PILImage.effect_noise(size, 60).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "stories/red").mkdir(parents=True)
    (root / "stories/media").mkdir()
    (root / "stories/media/real.png").write_bytes(png_bytes())
    return root


@pytest.fixture
def resolver(project: Path) -> MediaResolver:
    return MediaResolver(project, project / "stories")


# -- where a src points ---------------------------------------------------------------------


def test_a_path_relative_to_the_file_inside_the_tree_resolves(resolver, project):
    ref = resolver.resolve(STORY, "../media/real.png")
    assert ref.ok and ref.path == (project / "stories/media/real.png").resolve()


@pytest.mark.parametrize(
    "src",
    [
        "../../secret.png",
        "../../../etc/passwd",
        "/etc/passwd",
        "..\\..\\x.png",
        "%2E%2E/%2E%2E/x.png",
    ],
)
def test_paths_that_leave_the_tree_are_refused(resolver, project, src):
    (project / "secret.png").write_bytes(png_bytes())
    ref = resolver.resolve(STORY, src)
    assert ref.problem is MediaProblem.OUTSIDE and ref.path is None


@pytest.mark.parametrize(
    "src", ["http://example.com/a.png", "//example.com/a.png", "data:image/png;base64,AAAA"]
)
def test_urls_are_external(resolver, src):
    ref = resolver.resolve(STORY, src)
    assert ref.problem is MediaProblem.EXTERNAL and ref.path is None


def test_a_symlink_out_of_the_tree_is_refused(resolver, project, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(png_bytes())
    (project / "stories/media/link.png").symlink_to(outside)
    (project / "stories/media/folder").symlink_to(tmp_path, target_is_directory=True)
    assert resolver.resolve(STORY, "../media/link.png").problem is MediaProblem.OUTSIDE
    assert resolver.resolve(STORY, "../media/folder/outside.png").problem is MediaProblem.OUTSIDE


def test_a_symlink_inside_the_tree_resolves_to_its_target(resolver, project):
    (project / "stories/media/alias.png").symlink_to(project / "stories/media/real.png")
    ref = resolver.resolve(STORY, "../media/alias.png")
    assert ref.ok and ref.path == (project / "stories/media/real.png").resolve()


def test_a_missing_file_keeps_the_path_it_would_have(resolver, project):
    ref = resolver.resolve(STORY, "../media/nope.png")
    assert ref.problem is MediaProblem.MISSING
    assert ref.path == project / "stories/media/nope.png"


def test_a_body_images_url_encoded_chinese_name_resolves(resolver, project):
    (project / "stories/media/照片.png").write_bytes(png_bytes())
    ref = resolver.resolve(STORY, "../media/%E7%85%A7%E7%89%87.png")  # as markdown-it gives it
    assert ref.ok and ref.path is not None and ref.path.name == "照片.png"


# -- what a file is -------------------------------------------------------------------------


def _ref(resolver: MediaResolver, project: Path, name: str, data: bytes) -> media.MediaRef:
    (project / "stories/media" / name).write_bytes(data)
    ref = resolver.resolve(STORY, f"../media/{name}")
    assert ref.ok
    return ref


def test_a_good_image_has_its_size_and_format(resolver, project):
    assert media.inspect(resolver.resolve(STORY, "../media/real.png")) == ImageInfo(40, 30, "PNG")


def test_a_huge_png_is_refused_from_its_header_without_any_warning(resolver, project):
    ref = _ref(resolver, project, "huge.png", png_header(20000, 20000))
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DecompressionBombWarning would raise here
        found = media.inspect(ref)
    assert time.perf_counter() - started < 0.5
    assert found == ImageProblem(ImageFault.TOO_LARGE, ".png", width=20000, height=20000)
    assert found.code == "E-IMAGE-TOO-LARGE"
    assert "20000×20000" in found.message("../media/huge.png")
    # Pillow's own guard is left set to the same limit for every other open
    assert PILImage.MAX_IMAGE_PIXELS == media.MAX_PIXELS


def test_a_png_just_under_the_limit_is_not_too_large_but_its_bad_data_is_found(resolver, project):
    ref = _ref(resolver, project, "big.png", png_header(10000, 10000)[:-12])  # no IEND
    found = media.inspect(ref)
    assert isinstance(found, ImageProblem) and found.fault is ImageFault.CORRUPT


def test_a_truncated_jpeg_is_broken(resolver, project):
    data = jpeg_bytes()
    ref = _ref(resolver, project, "cut.jpg", data[: len(data) // 2])
    found = media.inspect(ref)
    assert isinstance(found, ImageProblem) and found.fault is ImageFault.CORRUPT
    assert found.code == "E-IMAGE-BROKEN"
    assert "损坏" in found.message("../media/cut.jpg")


def test_a_truncated_png_is_broken(resolver, project):
    data = png_bytes((200, 200))
    found = media.inspect(_ref(resolver, project, "cut.png", data[: len(data) - 40]))
    assert isinstance(found, ImageProblem) and found.fault is ImageFault.CORRUPT


def test_a_text_file_named_png_is_not_an_image(resolver, project):
    found = media.inspect(_ref(resolver, project, "note.png", "这是一段文字".encode()))
    assert isinstance(found, ImageProblem) and found.fault is ImageFault.NOT_IMAGE
    assert found.code == "E-IMAGE-BROKEN"
    assert "不是图片" in found.message("../media/note.png")


def test_a_jpeg_named_png_is_a_mismatch(resolver, project):
    found = media.inspect(_ref(resolver, project, "photo.png", jpeg_bytes()))
    assert isinstance(found, ImageProblem) and found.fault is ImageFault.MISMATCH
    assert found.code == "E-IMAGE-BROKEN"
    assert "“.jpg”" in found.message("../media/photo.png")


def test_a_format_the_web_cannot_show_is_unsupported(resolver, project):
    out = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(out, "TIFF")
    found = media.inspect(_ref(resolver, project, "scan.tif", out.getvalue()))
    assert isinstance(found, ImageProblem) and found.fault is ImageFault.UNSUPPORTED
    assert found.code == "E-IMAGE-FORMAT"


def test_exif_orientation_turns_width_and_height(resolver, project):
    exif = PILImage.Exif()
    exif[0x0112] = 6  # rotate 90°: a portrait photo stored sideways
    found = media.inspect(_ref(resolver, project, "turned.jpg", jpeg_bytes((600, 400), exif)))
    assert found == ImageInfo(400, 600, "JPEG")


def test_inspection_is_cached_until_the_file_changes(resolver, project):
    ref = _ref(resolver, project, "x.png", png_bytes((10, 10)))
    first = media.inspect(ref)
    assert media.inspect(ref) is first
    assert ref.path is not None
    ref.path.write_bytes(png_bytes((20, 10)))
    os.utime(ref.path, ns=(1, 1))
    assert media.inspect(ref) == ImageInfo(20, 10, "PNG")


def test_only_resolved_refs_are_inspected(resolver):
    with pytest.raises(ValueError):
        media.inspect(resolver.resolve(STORY, "../../x.png"))


def test_diagnose_says_what_is_wrong_where(resolver, project):
    where = Location(STORY, 7, 8)
    problem = media.diagnose(resolver.resolve(STORY, "../media/reel.png"), where)
    assert problem is not None and problem.code == "E-IMAGE-MISSING"
    assert problem.location == where and "real.png" in problem.message  # did you mean
    outside = media.diagnose(resolver.resolve(STORY, "../../../secret.png"), where)
    assert outside is not None and outside.code == "E-IMAGE-OUTSIDE"
    assert media.diagnose(resolver.resolve(STORY, "../media/real.png"), where) is None
