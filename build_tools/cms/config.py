"""The Decap CMS configuration, derived from the content model.

Every field of a model becomes a form field: its type gives the widget, its `title` and
`description` the Chinese label and hint, its constraints the validation, so the form and
`culture check` never disagree. What the types cannot say is in the small tables below:
which fields choose from units, themes, zones or items (`CHOICES`), which are relations
to another collection (`RELATIONS`), which plain texts get a text area (`TEXT_AREAS`),
and which fields the web editor must not edit (`EXCLUDED`, each with its reason). A model
field in none of them is mapped by its type; `tests/cms` fails if a field is left out.

Two form fields are not model fields: `body` (the Markdown under the front matter) and
`id`, the file name of a new item (an item's id is its file name, and Decap's slug from a
Chinese title would be empty). `id` never reaches the file: the formats registered by
`assets/culture-cms.js` drop it, with every empty value, before writing.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from build_tools.config import CmsSettings
from build_tools.content.corpus import Corpus
from build_tools.content.dates import PartialDate
from build_tools.content.model import (
    ID_PATTERN,
    MAX_ID,
    MAX_TEXT,
    PANEL_KIND_LABELS,
    STATUS_LABELS,
    Collection,
    Craftsman,
    Hall,
    Image,
    Item,
    Panel,
    Story,
)

# Dates as the spec writes them, checked in the form as `culture check` checks the format
# (whether the day exists is the checker's business).
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
DATE_MESSAGE = "写成 YYYY、YYYY-MM 或 YYYY-MM-DD，如 1958、1958-07、1958-07-01"
ID_MESSAGE = "只用小写字母、数字和连字符，如 first-shovel-1953"

# The formats `assets/culture-cms.js` registers (YAML front matter / YAML, empty values and
# the `id` field dropped, dates kept as written).
FORMAT_MARKDOWN = "culture-frontmatter"
FORMAT_YAML = "culture-yaml"
ID_WIDGET = "culture-id"

# Fields that choose from a list the corpus holds (options generated from it).
CHOICES: dict[tuple[type[BaseModel], str], str] = {
    (Story, "unit"): "units",
    (Craftsman, "unit"): "units",
    (Story, "themes"): "themes",
    (Panel, "zone"): "zones",
    (Panel, "related"): "items",  # stories or craftsmen: two collections, one list
    (Collection, "items"): "items",  # in printed order: a list the editor can reorder
}
# Fields holding the id of an item of one other collection: Decap's relation widget,
# which searches that collection as it is in the repository now.
RELATIONS: dict[tuple[type[BaseModel], str], tuple[str, str]] = {
    (Story, "craftsmen"): ("craftsmen", "name"),
}
# Plain texts written as a paragraph rather than a line.
TEXT_AREAS: set[tuple[type[BaseModel], str]] = {
    (Story, "summary"),
    (Craftsman, "summary"),
}
# Image paths: Decap's image widget (uploads go into the item's media folder).
IMAGE_SOURCES: set[tuple[type[BaseModel], str]] = {(Image, "src")}

_ALIASES_REASON = (
    "曾用 id 只在改名时与改文件名一起写；网页编辑器不能改文件名，改名请在 git 中进行"
    "（编辑器保存时原样保留已有的值）"
)
# Fields the web editor must not edit, and why. Decap keeps the values of fields it has no
# form field for, so an excluded field survives every web edit unchanged.
EXCLUDED: dict[tuple[type[BaseModel], str], str] = {
    (Story, "aliases"): _ALIASES_REASON,
    (Craftsman, "aliases"): _ALIASES_REASON,
    (Panel, "aliases"): _ALIASES_REASON,
    (Collection, "aliases"): _ALIASES_REASON,
    (Hall, "aliases"): _ALIASES_REASON,
}


@dataclass(frozen=True, slots=True)
class Kind:
    """One Decap collection: which model, where its files are, how they are written."""

    name: str
    label: str
    singular: str
    model: type[Item]
    folder: str  # relative to the content folder
    extension: Literal["md", "yml"]
    identifier: str  # the field naming an entry in lists
    media: str  # relative to the folder, where uploads go and how `src` is written
    summary: str
    sortable: tuple[str, ...] = ()


def kinds(corpus: Corpus) -> list[Kind]:
    """The item collections of this project: one per kind, panels one per hall."""
    found = [
        Kind(
            "stories",
            "红色故事",
            "故事",
            Story,
            "red",
            "md",
            "title",
            "../media/red",
            "{{title}}（{{date}}）",
            ("date", "title"),
        ),
        Kind(
            "craftsmen",
            "工匠风采",
            "工匠",
            Craftsman,
            "craftsmen",
            "md",
            "name",
            "../media/craftsmen",
            "{{name}} · {{position}}",
            ("name",),
        ),
    ]
    for hall in sorted(corpus.halls.values(), key=lambda h: h.id):
        found.append(
            Kind(
                f"panels-{hall.id}",
                f"展板 · {hall.name}",
                "展板",
                Panel,
                f"halls/{hall.id}",
                "md",
                "title",
                "../../media/halls",
                "{{number}} {{title}}",
                ("number", "title"),
            )
        )
    found.append(
        Kind(
            "collections",
            "故事集",
            "故事集",
            Collection,
            "collections",
            "yml",
            "title",
            "../media/collections",
            "{{title}}",
            ("title",),
        )
    )
    return found


@dataclass(frozen=True, slots=True)
class Options:
    """The choices the corpus offers, as Decap select options."""

    units: list[dict[str, str]]
    themes: list[dict[str, str]]
    items: list[dict[str, str]]
    zones: dict[str, list[dict[str, str]]]  # by hall id

    @classmethod
    def of(cls, corpus: Corpus) -> Options:
        units = [
            {"label": f"{u.name}（{u.id}）", "value": u.id}
            for u in sorted(corpus.units.values(), key=lambda u: u.id)
        ]
        themes = [{"label": name, "value": name} for name in corpus.themes]
        items = [
            {"label": f"故事：{s.title}（{s.id}）", "value": s.id}
            for s in sorted(corpus.stories.values(), key=lambda s: s.id)
        ] + [
            {"label": f"工匠：{c.name}（{c.id}）", "value": c.id}
            for c in sorted(corpus.craftsmen.values(), key=lambda c: c.id)
        ]
        zones = {
            hall.id: [{"label": f"{z.title}（{z.id}）", "value": z.id} for z in hall.zones]
            for hall in corpus.halls.values()
        }
        return cls(units, themes, items, zones)


def decap_config(
    corpus: Corpus,
    settings: CmsSettings,
    *,
    site_url: str | None = None,
    local_backend: str | None = None,
) -> dict[str, Any]:
    """The whole Decap configuration (config.yml) for this corpus.

    `local_backend` is the URL of decap-server's API for a local trial (`culture cms
    --serve`); the production configuration never has it."""
    content = corpus.content_dir.relative_to(corpus.root).as_posix()
    backend = settings.backend
    config: dict[str, Any] = {
        "backend": {
            "name": "gitlab",
            "repo": backend.repo,
            "branch": backend.branch,
            "base_url": backend.base_url,
            "api_root": backend.api_root,
            "auth_type": backend.auth_type,
            "app_id": backend.app_id,
            "commit_messages": {
                "create": "网页编辑：新建{{collection}} {{slug}}",
                "update": "网页编辑：修改{{collection}} {{slug}}",
                "delete": "网页编辑：删除{{collection}} {{slug}}",
                "uploadMedia": "网页编辑：上传图片 {{path}}",
                "deleteMedia": "网页编辑：删除图片 {{path}}",
            },
        },
        "locale": "zh_Hans",
        "media_folder": f"{content}/{settings.media_folder}",
        "public_folder": f"/{settings.media_folder}",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
    }
    if settings.editorial_workflow:
        config["publish_mode"] = "editorial_workflow"
    url = settings.site_url or site_url
    if url:
        config["site_url"] = url
        config["display_url"] = url
    if local_backend is not None:
        config["local_backend"] = {"url": local_backend}
    options = Options.of(corpus)
    config["collections"] = [_collection(k, content, options) for k in kinds(corpus)]
    halls = sorted(corpus.halls.values(), key=lambda h: h.id)
    if halls:
        config["collections"].append(_halls(halls, content, options))
    return config


def dump_config(config: dict[str, Any]) -> str:
    """config.yml's text: safe_dump, so no name from units.yml or themes.yml can become
    YAML structure (or a tag) in it."""
    header = "# 由 culture cms 根据内容模型生成，请勿手改；改 culture.yml 或模型后重新生成。\n"
    return header + yaml.dump(
        config,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1000,
    )


class _Dumper(yaml.SafeDumper):
    """safe_dump without anchors: the same options listed twice stay two plain lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _collection(kind: Kind, content: str, options: Options) -> dict[str, Any]:
    hall = kind.folder.split("/", 1)[1] if kind.folder.startswith("halls/") else None
    fields = [_id_field(kind, content)]
    fields += model_fields(kind.model, options, hall=hall)
    if kind.extension == "md":
        fields.append(_body_field(kind.model))
    collection: dict[str, Any] = {
        "name": kind.name,
        "label": kind.label,
        "label_singular": kind.singular,
        "folder": f"{content}/{kind.folder}",
        "extension": kind.extension,
        "format": FORMAT_MARKDOWN if kind.extension == "md" else FORMAT_YAML,
        "create": True,
        "delete": False,  # a published id is printed on panels: removing is a git decision
        "slug": "{{fields.id}}",
        "identifier_field": kind.identifier,
        "summary": kind.summary,
        "media_folder": kind.media,
        "public_folder": kind.media,
        "editor": {"preview": True},
        "fields": fields,
    }
    if kind.sortable:
        collection["sortable_fields"] = list(kind.sortable)
    if "status" in kind.model.model_fields:
        collection["view_filters"] = [
            {"label": label, "field": "status", "pattern": value}
            for value, label in STATUS_LABELS.items()
        ]
    return collection


def _halls(halls: Iterable[Any], content: str, options: Options) -> dict[str, Any]:
    return {
        "name": "halls",
        "label": "展厅",
        "label_singular": "展厅",
        "format": FORMAT_YAML,
        "editor": {"preview": False},
        "files": [
            {
                "name": hall.id,
                "label": hall.name,
                "file": f"{content}/halls/{hall.id}/hall.yml",
                "fields": model_fields(Hall, options),
            }
            for hall in halls
        ],
    }


def _id_field(kind: Kind, content: str) -> dict[str, Any]:
    return {
        "name": "id",
        "label": "文件名（id）",
        "widget": ID_WIDGET,
        "hint": f"新建时填写，构成网址和文件名 {content}/{kind.folder}/<id>.{kind.extension}；"
        f"{ID_MESSAGE}。保存后不能在这里修改，也不写进文件。",
        "pattern": [ID_PATTERN, ID_MESSAGE],
    }


def _body_field(model: type[Item]) -> dict[str, Any]:
    hint = {
        Story: "故事正文：段落、## 小标题、引用、列表、图片（必须有说明文字）、脚注；不能写 HTML。",
        Craftsman: "人物故事正文。身份证号、电话、家庭住址等个人信息不能写进内容。",
        Panel: "印在展板上的文字，字数有预算（前言 500、单元说明 300、展品说明 200 字）。",
    }.get(model, "")
    return {
        "name": "body",
        "label": "正文",
        "widget": "markdown",
        "hint": hint,
        "modes": ["rich_text", "raw"],
        "buttons": [
            "bold",
            "italic",
            "link",
            "heading-two",
            "heading-three",
            "quote",
            "bulleted-list",
            "numbered-list",
        ],
        "editor_components": ["image"],
        "sanitize_preview": True,
    }


# -- from a model field to a form field ------------------------------------------------------


def model_fields(
    model: type[BaseModel], options: Options, *, hall: str | None = None
) -> list[dict[str, Any]]:
    """The form fields of a model, in the model's order, without the excluded ones."""
    fields = []
    names = list(model.model_fields)
    if issubclass(model, Item) and "status" in names:
        names.append(names.pop(names.index("status")))  # the editor's last decision
    for name in names:
        if (model, name) in EXCLUDED:
            continue
        fields.append(_field(model, name, model.model_fields[name], options, hall))
    return fields


def _field(
    model: type[BaseModel], name: str, info: FieldInfo, options: Options, hall: str | None
) -> dict[str, Any]:
    key = (model, name)
    annotation, optional = _unwrap_optional(info.annotation)
    field: dict[str, Any] = {"name": info.alias or name, "label": info.title or name}
    if info.description:
        field["hint"] = info.description
    required = info.is_required() and not optional
    field["required"] = required
    default = info.get_default(call_default_factory=True)
    origin = typing.get_origin(annotation)
    item_type = typing.get_args(annotation)[0] if origin is list else None
    limits = _limits(info)
    if key in CHOICES:
        field.update(_choice(CHOICES[key], options, hall, many=origin is list))
    elif key in RELATIONS:
        collection, display = RELATIONS[key]
        field.update(
            widget="relation",
            collection=collection,
            value_field="{{slug}}",
            search_fields=[display],
            display_fields=[display],
            multiple=origin is list,
        )
    elif key in IMAGE_SOURCES:
        field.update(widget="image", choose_url=False)
    elif annotation is PartialDate:
        field.update(widget="string", pattern=[DATE_PATTERN, DATE_MESSAGE])
    elif origin is Literal:
        values = typing.get_args(annotation)
        labels = _literal_labels(values)
        field.update(
            widget="select",
            options=[{"label": labels.get(v, v), "value": v} for v in values],
        )
        if name == "status" and info.is_required():
            field["default"] = "draft"  # a new item starts as a draft
    elif annotation is bool:
        field["widget"] = "boolean"
    elif annotation is int:
        field.update(widget="number", value_type="int")
        if "ge" in limits:
            field["min"] = limits["ge"]
        if "le" in limits:
            field["max"] = limits["le"]
    elif annotation is str:
        longest = limits.get("max_length")
        long_text = longest is not None and longest > MAX_TEXT
        field["widget"] = "text" if long_text or key in TEXT_AREAS else "string"
        # The spec's own limits (title 30, summary 120); ids' length bound is no one's limit.
        if longest is not None and longest < MAX_TEXT and longest != MAX_ID:
            field["pattern"] = [rf"^[\s\S]{{1,{longest}}}$", f"不超过 {longest} 个字"]
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = model_fields(annotation, options)
        if not required:
            # Decap checks the fields inside an optional mapping even when it is left
            # empty: there they are asked for in words, and `culture check` insists.
            for sub in fields:
                if sub["required"]:
                    rest = sub.get("hint", "").removeprefix("必填：")
                    sub["hint"] = "填写本项时必填" + (f"：{rest}" if rest else "")
                sub["required"] = False
        field.update(widget="object", fields=fields)
        field["collapsed"] = False  # an image and its caption in sight
    elif item_type is not None:
        field.update(_list(name, item_type, info, options))
    else:
        raise TypeError(f"{model.__name__}.{name}: no widget for {annotation!r}")
    if origin is list and "min" not in field and "max" not in field:
        # A required list must hold something: the file leaves an empty one out.
        if info_min := limits.get("min_length") or (1 if required else 0):
            field["min"] = info_min
        if (info_max := limits.get("max_length")) is not None:
            field["max"] = info_max
    if isinstance(default, str | int) and not isinstance(default, bool) and "default" not in field:
        field["default"] = default
    return field


def _list(name: str, item_type: Any, info: FieldInfo, options: Options) -> dict[str, Any]:
    label = info.title or name
    if isinstance(item_type, type) and issubclass(item_type, BaseModel):
        first = next(iter(item_type.model_fields))
        return {
            "widget": "list",
            "fields": model_fields(item_type, options),
            "summary": "{{fields." + first + "}}",
            "collapsed": True,
            "add_to_top": False,
        }
    return {
        "widget": "list",
        "field": {"name": "value", "label": label, "widget": "string"},
    }


def _choice(source: str, options: Options, hall: str | None, *, many: bool) -> dict[str, Any]:
    choices = options.zones.get(hall or "", []) if source == "zones" else getattr(options, source)
    if source == "items" and many:
        # an ordered list of ids: each entry one choice, reordered by dragging
        return {
            "widget": "list",
            "field": {"name": "item", "label": "条目", "widget": "select", "options": choices},
        }
    field: dict[str, Any] = {"widget": "select", "options": choices, "multiple": many}
    return field


def _literal_labels(values: tuple[Any, ...]) -> dict[str, str]:
    for table in (STATUS_LABELS, PANEL_KIND_LABELS):
        if set(values) <= set(table):
            return {v: f"{table[v]}（{v}）" for v in values}
    return {}


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap_optional(args[0])[0], True
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0], False
    return annotation, False


def _limits(info: FieldInfo) -> dict[str, Any]:
    """The constraints pydantic keeps in a field's metadata (and in its Annotated type)."""
    found: dict[str, Any] = {}
    todo: list[Any] = list(info.metadata)
    annotation = info.annotation
    todo += _annotated_metadata(annotation)
    for item in todo:
        for attr in ("ge", "le", "min_length", "max_length"):
            value = getattr(item, attr, None)
            if value is not None and attr not in found:
                found[attr] = value
        if isinstance(item, annotated_types.Len):
            found.setdefault("min_length", item.min_length)
            if item.max_length is not None:
                found.setdefault("max_length", item.max_length)
    return found


def _annotated_metadata(annotation: Any) -> list[Any]:
    found: list[Any] = []
    todo = [annotation]
    while todo:
        current = todo.pop()
        origin = typing.get_origin(current)
        if origin is typing.Annotated:
            base, *meta = typing.get_args(current)
            found += meta
            todo.append(base)
        elif origin in (typing.Union, types.UnionType):
            todo += [a for a in typing.get_args(current) if a is not type(None)]
    return found
