"""JSON Schemas of the authoring format, for editors' tools (VS Code's YAML extension).

The schemas come from the models, so they never drift from what `culture check`
accepts. When a corpus is given, its unit ids, theme names and craftsman ids are offered
as completions (`examples`), not enforced: a new unit must not turn the editor red
before the schemas are regenerated.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection, Craftsman, Hall, Panel, Story, Theme, Unit
from build_tools.content.terms import TermModel

SCHEMAS: dict[str, tuple[Any, str]] = {
    "story": (Story, "红色故事 stories/red/<id>.md 的 front matter"),
    "craftsman": (Craftsman, "工匠风采 stories/craftsmen/<id>.md 的 front matter"),
    "panel": (Panel, "展板 stories/halls/<hall>/<id>.md 的 front matter"),
    "hall": (Hall, "展厅 stories/halls/<hall>/hall.yml"),
    "collection": (Collection, "故事集 stories/collections/<id>.yml"),
    "units": (list[Unit], "单位目录 stories/units.yml"),
    "themes": (list[Theme], "主题词表 stories/themes.yml"),
    "terms": (list[TermModel], "规范表述词典 stories/terms.yml"),
    "culture": (Settings, "项目配置 culture.yml"),
}


def _schema(target: Any) -> dict[str, Any]:
    if isinstance(target, type) and issubclass(target, BaseModel):
        return target.model_json_schema(by_alias=True)
    return TypeAdapter(target).json_schema(by_alias=True)


def _offer(schema: dict[str, Any], field: str, values: list[str], *, items: bool) -> None:
    prop = schema.get("properties", {}).get(field)
    if prop is None or not values:
        return
    if items:
        prop.setdefault("items", {})["examples"] = values
    else:
        prop["examples"] = values


def build_schemas(corpus: Corpus | None = None) -> dict[str, dict[str, Any]]:
    schemas = {}
    for name, (target, title) in SCHEMAS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_schema(target)}
        schema["title"] = title
        schemas[name] = schema
    if corpus is not None:
        units = sorted(corpus.units)
        themes = list(corpus.themes)
        people = sorted(corpus.craftsmen)
        items = sorted([*corpus.stories, *corpus.craftsmen])
        _offer(schemas["story"], "unit", units, items=False)
        _offer(schemas["story"], "themes", themes, items=True)
        _offer(schemas["story"], "craftsmen", people, items=True)
        _offer(schemas["craftsman"], "unit", units, items=False)
        _offer(schemas["panel"], "related", items, items=True)
        _offer(schemas["collection"], "items", items, items=True)
    return schemas


def write_schemas(out_dir: Path, corpus: Corpus | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in build_schemas(corpus).items():
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
