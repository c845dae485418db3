"""The hand-written site and the editors' guide: they build, and the guide is complete."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from build_tools.diagnostics import CODES
from tests.conftest import PROJECT


def test_every_diagnostic_code_is_explained_in_the_guide():
    text = (PROJECT / "docs/guide/errors.md").read_text(encoding="utf-8")
    documented = re.findall(r"^### ([EW]-[A-Z-]+)\s*$", text, re.M)
    assert sorted(documented) == sorted(CODES)


def test_site_builds_strictly_with_a_chinese_home_page_and_no_external_fonts(tmp_path):
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=PROJECT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "end of life" not in result.stderr + result.stdout
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in home
    assert "红色故事" in home and "工匠风采" in home
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
