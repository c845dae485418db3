"""The Decap configuration is the content model: every field of every kind is in the form
(or excluded with a reason), and nothing in the form writes a key the model refuses."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, Field

from build_tools.cms import config as cms
from build_tools.cms.admin import _model_in
from build_tools.config import CmsSettings, Settings
from build_tools.content.model import STATUS_LABELS, Collection, Craftsman, Hall, Panel, Story

FORM_ONLY = {"id", "body"}  # the file name of a new item, the Markdown under the front matter


def collections_by_model(config: dict[str, Any]) -> list[tuple[type[BaseModel], list[dict]]]:
    found: list[tuple[type[BaseModel], list[dict]]] = []
    for collection in config["collections"]:
        name = collection["name"]
        if name == "halls":
            found += [(Hall, f["fields"]) for f in collection["files"]]
            continue
        model = {"stories": Story, "craftsmen": Craftsman, "collections": Collection}.get(name)
        if name.startswith("panels-"):
            model = Panel
        assert model is not None, f"a collection of no known kind: {name}"
        found.append((model, collection["fields"]))
    return found


def missing_fields(model: type[BaseModel], fields: list[dict], path: str = "") -> list[str]:
    """Model fields with no form field (recursively), excluded ones aside."""
    by_name = {f["name"]: f for f in fields}
    missing = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        where = f"{path}{model.__name__}.{name}"
        if (model, name) in cms.EXCLUDED:
            assert key not in by_name, f"{where} is excluded but in the form"
            continue
        if key not in by_name:
            missing.append(where)
            continue
        assert by_name[key]["label"] == (info.title or name), where
        inner = _model_in(info.annotation)
        if inner is not None:
            missing += missing_fields(inner, by_name[key]["fields"], f"{where} → ")
    return missing


def unknown_fields(model: type[BaseModel], fields: list[dict], top: bool = True) -> list[str]:
    keys = {info.alias or name: info for name, info in model.model_fields.items()}
    unknown = []
    for field in fields:
        name = field["name"]
        if top and name in FORM_ONLY:
            continue
        if name not in keys:
            unknown.append(f"{model.__name__}: {name}")
            continue
        inner = _model_in(keys[name].annotation)
        if inner is not None:
            unknown += unknown_fields(inner, field["fields"], top=False)
    return unknown


def test_every_model_field_is_in_the_form(sample):
    config = cms.decap_config(sample.corpus, CmsSettings())
    kinds = collections_by_model(config)
    assert {m for m, _ in kinds} == {Story, Craftsman, Panel, Hall, Collection}
    for model, fields in kinds:
        assert missing_fields(model, fields) == [], "add the field to build_tools/cms/config.py"


def test_the_form_writes_only_keys_the_model_accepts(sample):
    config = cms.decap_config(sample.corpus, CmsSettings())
    for model, fields in collections_by_model(config):
        assert unknown_fields(model, fields) == []


def test_a_field_of_a_type_the_generator_does_not_know_fails_loudly(sample):
    class Odd(BaseModel):
        when: complex = Field(title="奇怪的字段")

    options = cms.Options.of(sample.corpus)
    with pytest.raises(TypeError, match=r"Odd\.when"):
        cms.model_fields(Odd, options)


def test_exclusions_name_real_fields_and_say_why():
    for (model, name), reason in cms.EXCLUDED.items():
        assert name in model.model_fields, f"{model.__name__}.{name}"
        assert re.search(r"[\u4e00-\u9fff]", reason), "the reason is for people: in Chinese"


def test_widgets_for_what_types_cannot_say(sample):
    config = cms.decap_config(sample.corpus, CmsSettings())
    stories = next(c for c in config["collections"] if c["name"] == "stories")
    fields = {f["name"]: f for f in stories["fields"]}
    assert fields["unit"]["widget"] == "select"
    assert {o["value"] for o in fields["unit"]["options"]} == set(sample.corpus.units)
    assert fields["themes"]["widget"] == "select" and fields["themes"]["multiple"] is True
    assert [o["value"] for o in fields["themes"]["options"]] == list(sample.corpus.themes)
    assert (fields["themes"]["min"], fields["themes"]["max"]) == (1, 5)
    assert fields["craftsmen"]["widget"] == "relation"
    assert fields["craftsmen"]["collection"] == "craftsmen"
    assert fields["craftsmen"]["value_field"] == "{{slug}}"  # the id is the file name
    assert fields["cover"]["widget"] == "object"
    cover = {f["name"]: f for f in fields["cover"]["fields"]}
    assert cover["src"]["widget"] == "image" and cover["caption"]["widget"] == "string"
    assert fields["body"]["widget"] == "markdown"
    assert fields["summary"]["widget"] == "text"
    assert fields["title"]["label"] == "标题" and fields["title"]["hint"] == "不超过 30 个字"
    status = fields["status"]
    assert [o["value"] for o in status["options"]] == list(STATUS_LABELS)
    assert [o["label"].split("（")[0] for o in status["options"]] == ["草稿", "待审", "已发布"]
    assert status["default"] == "draft"
    assert stories["slug"] == "{{fields.id}}" and fields["id"]["widget"] == cms.ID_WIDGET
    collections = next(c for c in config["collections"] if c["name"] == "collections")
    assert collections["extension"] == "yml" and collections["format"] == cms.FORMAT_YAML
    items = next(f for f in collections["fields"] if f["name"] == "items")
    assert items["widget"] == "list" and items["field"]["widget"] == "select"  # ordered
    panels = [c for c in config["collections"] if c["name"].startswith("panels-")]
    assert [c["folder"] for c in panels] == [
        f"stories/halls/{h}" for h in sorted(sample.corpus.halls)
    ]
    assert all(c["extension"] == "md" for c in panels)  # hall.yml is not a panel
    zone = next(f for f in panels[0]["fields"] if f["name"] == "zone")
    hall = sample.corpus.halls[panels[0]["folder"].rsplit("/", 1)[1]]
    assert [o["value"] for o in zone["options"]] == [z.id for z in hall.zones]


@pytest.mark.parametrize("good", ["1958", "1958-07", "1958-07-01", "2024-12-31"])
def test_the_date_pattern_takes_the_spec_forms(good):
    assert re.match(cms.DATE_PATTERN, good)


@pytest.mark.parametrize("bad", ["58", "1958-7", "1958/07", "1958-13", "1958-07-32", "1958年"])
def test_the_date_pattern_refuses_other_forms(bad):
    assert not re.match(cms.DATE_PATTERN, bad)


def test_the_backend_is_the_company_gitlab_with_the_editorial_workflow(sample):
    settings = Settings.model_validate(
        {
            "cms": {
                "enabled": True,
                "backend": {
                    "repo": "xuanchuan/culture",
                    "branch": "main",
                    "base_url": "https://git.example.intranet",
                    "api_root": "https://git.example.intranet/api/v4",
                    "app_id": "abc123",
                },
            }
        }
    )
    config = cms.decap_config(sample.corpus, settings.cms, site_url="http://culture.intranet/")
    assert config["backend"]["name"] == "gitlab"
    assert config["backend"]["auth_type"] == "pkce"
    assert config["backend"]["repo"] == "xuanchuan/culture"
    assert config["backend"]["api_root"] == "https://git.example.intranet/api/v4"
    assert config["backend"]["app_id"] == "abc123"
    assert config["publish_mode"] == "editorial_workflow"
    assert config["locale"] == "zh_Hans"
    assert "local_backend" not in config  # only the local trial asks for it
    local = cms.decap_config(sample.corpus, settings.cms, local_backend="http://127.0.0.1:1/api/v1")
    assert local["local_backend"] == {"url": "http://127.0.0.1:1/api/v1"}


def test_the_dumped_config_reads_back_the_same(sample):
    config = cms.decap_config(sample.corpus, CmsSettings())
    text = cms.dump_config(config)
    assert "&id" not in text and "*id" not in text  # no anchors: plain YAML for people
    assert yaml.safe_load(text) == config
