"""Shared test helpers: copies of the fixture trees and a way to run `culture` in-process."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_tools.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent


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
