"""Text a proofreader would pass stays clean: no editorial rule fires on it.

Each case is a folder under `tests/fixtures/clean/`: files laid over a copy of the valid
fixture project (as in `tests/fixtures/bad/`), and `expect.yml` with a `description` (and
`remove:`, files to delete first). Every case must check clean.
"""

from __future__ import annotations

import pytest

from tests.checks.test_bad_input import _apply
from tests.conftest import FIXTURES

CASES = sorted(p for p in (FIXTURES / "clean").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_clean_input_stays_clean(case, valid_tree, run_check):
    _apply(case, valid_tree)
    run = run_check(valid_tree)
    assert run.diagnostics == [], "\n".join(map(str, run.diagnostics))
    assert run.code == 0
