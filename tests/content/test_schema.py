"""The JSON Schemas editors' tools read accept the real content and reject bad content."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from build_tools.cli import main
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def schemas(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("schemas")
    import os

    cwd = os.getcwd()
    os.chdir(PROJECT)
    try:
        assert main(["schema", str(out)]) == 0
    finally:
        os.chdir(cwd)
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in out.iterdir()}


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def _sample_documents() -> list[tuple[str, Path]]:
    stories = PROJECT / "stories"
    docs = [("units", stories / "units.yml"), ("themes", stories / "themes.yml")]
    docs += [("terms", stories / "terms.yml")]
    docs += [("hall", p) for p in stories.glob("halls/*/hall.yml")]
    docs += [("collection", p) for p in stories.glob("collections/*.yml")]
    docs += [("story", p) for p in stories.glob("red/*.md")]
    docs += [("craftsman", p) for p in stories.glob("craftsmen/*.md")]
    docs += [("panel", p) for p in stories.glob("halls/*/*.md")]
    return docs


def _plain(value):
    """YAML gives dates as date objects; in the files they are text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_every_sample_file_matches_its_schema(schemas):
    for kind, path in _sample_documents():
        data = (
            yaml.safe_load(path.read_text(encoding="utf-8"))
            if path.suffix == ".yml"
            else _front_matter(path)
        )
        jsonschema.validate(_plain(data), schemas[kind])


def test_schemas_catch_what_editors_get_wrong(schemas):
    bad = {
        "title": "x",
        "date": "1958/7",
        "themes": [],
        "summary": "s",
        "status": "publish",
        "tilte": 1,
    }
    errors = list(jsonschema.Draft202012Validator(schemas["story"]).iter_errors(bad))
    messages = " ".join(e.message for e in errors)
    assert "publish" in messages and "tilte" in messages and "1958/7" in messages


def test_schemas_offer_the_project_vocabulary(schemas):
    story = schemas["story"]["properties"]
    assert "mine-1" in story["unit"]["examples"]
    assert "艰苦创业" in story["themes"]["items"]["examples"]
    assert story["title"]["title"] == "标题"
