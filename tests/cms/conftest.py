"""Fixtures for the web editor's tests: a project copy, and the npm packages it needs
(installed by build_tools/setup.sh; a missing one fails under CI=true, never skips)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from build_tools import pipeline
from tests.sitetools import FIXTURES, PROJECT, site_project

NEEDED = {
    "decap-cms": "dist/decap-cms.js",
    "decap-server": "dist/index.js",
    "js-yaml": "dist/js-yaml.min.js",
}


def require(what: str) -> None:
    """Fail under CI=true, skip elsewhere: the editor's tests need what set-up installs."""
    message = f"{what}：请先运行 build_tools/setup.sh（npm ci）"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def npm_packages() -> None:
    for package, file in NEEDED.items():
        if not (PROJECT / "node_modules" / package / file).is_file():
            require(f"缺少 npm 包 {package}")


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    if found is None:
        require("缺少 node")
    assert found is not None
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The real mkdocs.yml and docs/ around the small valid content tree."""
    return site_project(tmp_path / "project", FIXTURES / "valid" / "stories")


@pytest.fixture(scope="session")
def sample():
    """The sample project as the pipeline loads it."""
    return pipeline.load(PROJECT)
