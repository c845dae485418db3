"""Project configuration: where the content is and the tunable budgets.

Everything an editor-in-chief may tune lives in one optional file, `culture.yml`, at the
project root (next to `mkdocs.yml`). Without it the defaults of CONTENT-SPEC.md apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from build_tools.content.model import Model, Origin
from build_tools.content.sourcefile import SourceError, read_text
from build_tools.content.validate import validate
from build_tools.content.yamlsource import parse_yaml
from build_tools.diagnostics import Diagnostic, Location, diagnostic

CONFIG_FILE = "culture.yml"


class PanelBudgets(Model):
    """Length budgets for panel text, counted in Chinese characters without punctuation."""

    intro: int = Field(500, ge=1, title="前言字数上限")
    section: int = Field(300, ge=1, title="单元说明字数上限")
    exhibit: int = Field(200, ge=1, title="展品说明字数上限")
    title: int = Field(20, ge=1, title="展板标题字数上限")


class Narration(Model):
    chars_per_minute: int = Field(220, ge=60, le=600, title="每分钟讲解字数")
    max_seconds: int = Field(120, ge=10, title="每个讲解点的时长上限，单位秒")


def _switch(value: object) -> object:
    # YAML 1.1 reads `off` and `on` as booleans.
    return {False: "off", True: "on"}[value] if isinstance(value, bool) else value


# A family of editorial checks: `on` as shipped, `off`, or every finding at one severity.
FamilySetting = Annotated[Literal["on", "off", "warning", "error"], BeforeValidator(_switch)]


class CheckFamilies(Model):
    """What the editorial check families report (see checks/__init__.py: FAMILIES)."""

    typography: FamilySetting = Field("on", title="标点与排版")
    terms: FamilySetting = Field("on", title="规范表述")
    personal_data: FamilySetting = Field("on", title="个人信息")
    placeholders: FamilySetting = Field("on", title="占位文字与模板预填值")
    media: FamilySetting = Field("on", title="图片与媒体文件")
    accessibility: FamilySetting = Field("on", title="无障碍写作（图片说明、标题层级）")


# An http(s) address with nothing that could end an attribute or a YAML scalar early.
WEB_ADDRESS = r"^https?://[^\s\"'<>]+$"


class CmsBackend(Model):
    """The company's GitLab, where web edits become merge requests (Decap's `gitlab`
    backend, PKCE login: no secret in the site)."""

    repo: str = Field(
        "culture/culture-content",
        title="仓库",
        description="GitLab 上的项目路径，形如 组/项目",
        pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$",
    )
    branch: str = Field(
        "main", title="分支", description="合并请求的目标分支", pattern=r"^[A-Za-z0-9_./-]+$"
    )
    base_url: str = Field(
        "https://gitlab.jinyuan.intranet",
        title="GitLab 地址",
        description="登录（OAuth）所用的 GitLab 网址",
        pattern=WEB_ADDRESS,
    )
    api_root: str = Field(
        "https://gitlab.jinyuan.intranet/api/v4",
        title="GitLab API 地址",
        description="通常是 GitLab 地址加 /api/v4",
        pattern=WEB_ADDRESS,
    )
    app_id: str = Field(
        "",
        title="应用 ID",
        description="在 GitLab 中登记的 OAuth 应用的 Application ID（不需要密钥）",
        max_length=200,
    )
    auth_type: Literal["pkce"] = Field("pkce", title="登录方式", description="PKCE：不需要密钥")


class CmsSettings(Model):
    """The web editor (Decap CMS) written into the site's admin/ (`culture cms`)."""

    enabled: bool = Field(
        False, title="生成网页编辑器", description="为 true 时，culture build 同时写入 admin/"
    )
    backend: CmsBackend = Field(default_factory=CmsBackend, title="GitLab 设置")
    editorial_workflow: bool = Field(
        True,
        title="编辑流程",
        description="草稿 → 待审 → 可发布，每篇修改都是一个合并请求，经过与其他提交相同的检查",
    )
    site_url: str | None = Field(
        None,
        title="网站地址",
        description="编辑器中“查看网站”链接的地址；默认取 mkdocs.yml 的 site_url",
        pattern=WEB_ADDRESS,
    )
    media_folder: str = Field(
        "media",
        title="图片文件夹",
        description="内容目录下存放上传图片的文件夹",
        pattern=r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$",
    )


class Settings(Model):
    content_dir: str = Field("stories", title="内容目录")
    panel_budgets: PanelBudgets = Field(default_factory=PanelBudgets, title="展板字数预算")
    narration: Narration = Field(default_factory=Narration, title="讲解词")
    checks: CheckFamilies = Field(default_factory=CheckFamilies, title="检查项开关与级别")
    cms: CmsSettings = Field(default_factory=CmsSettings, title="网页编辑器（Decap CMS）")


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    settings: Settings

    @property
    def content_dir(self) -> Path:
        return self.root / self.settings.content_dir


_CONTENT_MARKERS = ("units.yml", "themes.yml", "red", "craftsmen", "halls", "collections")


def find_root(start: Path) -> tuple[Path, Path | None]:
    """The project root: the nearest folder (from `start` upwards) with `culture.yml`,
    `mkdocs.yml` or a `stories/` folder. A content tree met on the way up (a folder with
    `units.yml`, `red/`…) is returned as the content folder, its parent as the root."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    # A project above wins over content markers on the way: `stories/media/` has `red/`
    # and `halls/` folders too, and is no content tree.
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / "mkdocs.yml").is_file():
            return folder, None
        if (folder / "stories").is_dir():
            return folder, None
    for folder in (here, *here.parents):
        if any((folder / marker).exists() for marker in _CONTENT_MARKERS):
            return folder.parent, folder
    return here, None


def load_project(root: Path, content_dir: Path | None = None) -> tuple[Project, list[Diagnostic]]:
    project, problems = _read_settings(root)
    if content_dir is not None:
        relative = content_dir.resolve().relative_to(root.resolve()).as_posix()
        project = Project(root, project.settings.model_copy(update={"content_dir": relative}))
    return project, problems


def _read_settings(root: Path) -> tuple[Project, list[Diagnostic]]:
    file = root / CONFIG_FILE
    if not file.is_file():
        return Project(root, Settings()), []
    try:
        text = read_text(file, CONFIG_FILE)
    except SourceError as exc:
        return Project(root, Settings()), [exc.diagnostic]
    doc = parse_yaml(text, CONFIG_FILE)
    if not doc.ok:
        return Project(root, Settings()), doc.diagnostics
    if doc.data is None:
        return Project(root, Settings()), doc.diagnostics
    if not isinstance(doc.data, dict):
        message = f"{CONFIG_FILE} 应是“设置项: 值”的映射"
        return Project(root, Settings()), [
            diagnostic("E-CONFIG", Location(CONFIG_FILE, 1, 1), message)
        ]
    settings, problems = validate(Settings, doc.data, Origin(CONFIG_FILE, doc.source_map))
    problems = [diagnostic("E-CONFIG", d.location, f"{CONFIG_FILE}：{d.message}") for d in problems]
    return Project(root, settings or Settings()), doc.diagnostics + problems
