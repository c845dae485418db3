"""Shared test helpers: copies of the fixture trees and a way to run `culture` in-process."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.site.build import build_site
from tests.sitetools import CHROMIUM, CHROMIUM_ARGS, FIXTURES, PROJECT, Server


@dataclass
class CheckRun:
    code: int
    diagnostics: list[dict]

    def codes(self) -> list[str]:
        return [d["code"] for d in self.diagnostics]


@pytest.fixture
def valid_tree(tmp_path: Path) -> Path:
    """A fresh copy of the small valid project (`tests/fixtures/valid`)."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", target)
    return target


@pytest.fixture
def run_check(capsys: pytest.CaptureFixture[str]) -> Callable[..., CheckRun]:
    def run(*args: str | Path) -> CheckRun:
        capsys.readouterr()
        code = main(["check", "--format", "json", *map(str, args)])
        out = capsys.readouterr().out
        return CheckRun(code, json.loads(out))

    return run


# -- built sites, a server and a browser, shared by tests/site and tests/search ----------------


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    return build_site(PROJECT / "mkdocs.yml", tmp_path_factory.mktemp("prod") / "site")


@pytest.fixture(scope="session")
def preview_site(tmp_path_factory) -> Path:
    return build_site(
        PROJECT / "mkdocs.yml", tmp_path_factory.mktemp("preview") / "site", drafts=True
    )


@pytest.fixture(scope="session")
def corpus_400_site(tmp_path_factory) -> Path:
    """The production site of a generated 400-story corpus (benchmarks/gen_corpus.py,
    seed 3): what editors write at scale, not only what the sample holds."""
    import subprocess
    import sys

    from tests.sitetools import site_project

    work = tmp_path_factory.mktemp("corpus400")
    generator = PROJECT / "benchmarks" / "gen_corpus.py"
    subprocess.run(
        [sys.executable, str(generator), "400", str(work / "gen"), "--seed", "3"],
        check=True,
        capture_output=True,
    )
    project = site_project(work / "project", work / "gen" / "stories")
    return build_site(project / "mkdocs.yml", work / "site")


@pytest.fixture(scope="session")
def serve() -> Iterator:
    servers: list[Server] = []

    def start(root: Path) -> str:
        servers.append(Server(root))
        return servers[-1].base

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
