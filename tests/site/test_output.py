"""Writers never write outside their folder, whatever a path written in content says."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from build_tools.site import output
from tests.sitetools import site_project


@pytest.mark.parametrize(
    "relative",
    ["../x/index.html", "a/../../x", "/etc/passwd", "stories\\..\\x", "a\x00b", ""],
)
def test_a_path_leaving_the_folder_is_refused(tmp_path, relative):
    with pytest.raises(output.UnsafePath):
        output.target(tmp_path, relative)


@pytest.mark.parametrize(
    "relative",
    [
        "../x/index.html",
        "a/../../x",
        "/etc/passwd",
        "stories\\..\\x",
        "a\x00b",
        "",
        "..",
        "a/b/../../..",
        "stories/a/index.md",
        "a/./b",
        "a/../b",
        "./x",
        "x/..",
        "stories/../../etc/index.md",
        "//x",
        "a//b",
    ],
)
def test_is_safe_judges_a_path_as_target_does_in_a_plain_folder(tmp_path, relative):
    """`is_safe` looks at the path alone (a page path, before any folder exists)."""
    try:
        output.target(tmp_path, relative)
        expected = True
    except output.UnsafePath:
        expected = False
    assert output.is_safe(relative) is expected


def test_a_symlinked_subfolder_pointing_out_is_refused(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "site" / "media")
    with pytest.raises(output.UnsafePath):
        output.target(tmp_path / "site", "media/x.jpg")
    assert (
        output.target(tmp_path / "site", "stories/a/index.html")
        == (tmp_path / "site/stories/a/index.html").resolve()
    )


def test_plain_mkdocs_build_never_writes_outside_the_site_for_a_hostile_alias(tmp_path):
    project = site_project(tmp_path / "project")
    story = project / "stories/red/first-shovel.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace("status: published", 'status: published\naliases: ["../../../../escaped"]'),
        encoding="utf-8",
    )
    before = {p for p in tmp_path.rglob("*")}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "E-ID-INVALID" in result.stderr  # the check ran and said why
    new = {p for p in tmp_path.rglob("*")} - before
    outside = [p for p in new if not p.is_relative_to(project / "site") and ".cache" not in p.parts]
    assert outside == []
    assert not (tmp_path / "escaped").exists() and not (project / "docs/escaped").exists()
