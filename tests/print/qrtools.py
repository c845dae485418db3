"""Reading QR codes back as a phone would: pages rendered with `pdftoppm`, codes decoded
with `zbarimg` (poppler-utils and zbar-tools; `make setup` installs both). Under CI=true
a missing tool fails the test instead of skipping it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        package = {"pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"}.get(name, name)
        message = f"{name} 没有安装（make setup 会安装 {package}）"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def decode_image(image: Path) -> list[str]:
    """Every QR code zbarimg finds in `image`, as the text it encodes."""
    done = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        check=False,
    )
    # zbarimg exits 4 when it found no code at all.
    assert done.returncode in (0, 4), done.stderr
    return [line for line in done.stdout.splitlines() if line]


def decode_pdf_pages(pdf: Path, out: Path, *, dpi: int = 150) -> list[list[str]]:
    """The codes on each page of `pdf`, page by page."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(out / "page")], check=True
    )
    return [decode_image(page) for page in sorted(out.glob("page-*.png"))]
