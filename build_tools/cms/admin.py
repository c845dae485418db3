"""Writes the web editor, `admin/`, into a site folder: index.html, config.yml (from the
content model, `config.py`), Decap's bundle and js-yaml copied from node_modules (installed
by build_tools/setup.sh from package-lock.json; never a CDN), and our script and styles.

The folder is made beside its target and swapped in whole: a reader never sees half an
editor. Everything the page loads is on the site's own origin, and its
Content-Security-Policy says so (plus the company's GitLab, which it talks to).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import yaml
from pydantic import BaseModel

from build_tools.cms import config as cms_config
from build_tools.config import CmsSettings, Project
from build_tools.content.corpus import Corpus
from build_tools.content.model import ID_PATTERN, Hall

HERE = Path(__file__).parent
ASSETS = HERE / "assets"
TOOL_ROOT = HERE.parent.parent  # where build_tools/setup.sh runs npm ci
ADMIN = "admin"
BUNDLE = "decap-cms.js"


class AdminError(Exception):
    """Why admin/ could not be written, in words for the editor."""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What the editor needs from mkdocs.yml."""

    name: str = "企业文化"
    url: str | None = None
    site_dir: str = "site"
    primary: str = "red"
    accent: str = "amber"

    @classmethod
    def read(cls, root: Path) -> SiteInfo:
        file = root / "mkdocs.yml"
        if not file.is_file():
            return cls()
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LenientLoader)
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            return cls()
        return cls.of(data if isinstance(data, dict) else {})

    @classmethod
    def of(cls, config: Any) -> SiteInfo:
        """From mkdocs.yml's data, or from MkDocs' own config object (the plugin)."""
        theme = config.get("theme") or {}
        palette = theme.get("palette") if hasattr(theme, "get") else None
        if isinstance(palette, list):
            palette = palette[0] if palette else None
        palette = palette if isinstance(palette, dict) else {}
        return cls(
            name=str(config.get("site_name") or cls.name),
            url=str(config["site_url"]) if config.get("site_url") else None,
            site_dir=str(config.get("site_dir") or "site"),
            primary=_css_name(palette.get("primary"), "red"),
            accent=_css_name(palette.get("accent"), "amber"),
        )


class _LenientLoader(yaml.SafeLoader):
    """mkdocs.yml may carry !ENV or !!python/name tags: read as nothing."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)


def _css_name(value: Any, default: str) -> str:
    text = str(value or default).strip().lower().replace(" ", "-")
    return text if text.replace("-", "").isalnum() else default


# -- where the packages are -----------------------------------------------------------------


def node_modules(project_root: Path) -> list[Path]:
    """node_modules folders to look in: the project's, then the tools' own."""
    found = []
    for root in (project_root, TOOL_ROOT):
        folder = root / "node_modules"
        if folder.is_dir() and folder.resolve() not in [f.resolve() for f in found]:
            found.append(folder)
    return found


def package_file(project_root: Path, package: str, relative: str) -> Path:
    for folder in node_modules(project_root):
        path = folder / package / relative
        if path.is_file():
            return path
    raise AdminError(
        f"找不到 npm 包 {package}（{relative}）：请先运行 build_tools/setup.sh（npm ci）安装"
        " package-lock.json 中固定的版本"
    )


def package_version(project_root: Path, package: str) -> str:
    meta = package_file(project_root, package, "package.json")
    return str(json.loads(meta.read_text(encoding="utf-8")).get("version", "?"))


# -- preview styles ---------------------------------------------------------------------------


def material_styles(site: Path | None) -> list[str]:
    """Material's main and palette CSS (file names hashed), as paths under the site root:
    from the built site when there is one, else from the installed theme (same names)."""
    found: list[str] = []
    folders = []
    if site is not None:
        folders.append(site / "assets" / "stylesheets")
    try:
        import material

        folders.append(Path(material.__file__).parent / "templates" / "assets" / "stylesheets")
    except ImportError:  # pragma: no cover - mkdocs-material is a dependency
        pass
    for stem in ("main", "palette"):
        for folder in folders:
            hits = sorted(glob.glob(str(folder / f"{stem}.*.min.css")))
            if hits:
                found.append(f"assets/stylesheets/{Path(hits[0]).name}")
                break
    return found


def material_assets() -> Path | None:
    try:
        import material
    except ImportError:  # pragma: no cover
        return None
    return Path(material.__file__).parent / "templates"


# -- the page -----------------------------------------------------------------------------------


def csp(settings: CmsSettings) -> str:
    """Only the site itself, and the company's GitLab for the API and the login."""
    gitlab = sorted({_origin(settings.backend.api_root), _origin(settings.backend.base_url)})
    remote = " ".join(o for o in gitlab if o)
    parts = [
        "default-src 'self'",
        # Decap validates its configuration with ajv, which compiles the schema to code
        # (without 'unsafe-eval' the editor stops: "Error compiling schema").
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",  # React components style themselves inline
        f"img-src 'self' data: blob: {remote}".rstrip(),
        f"connect-src 'self' blob: {remote}".rstrip(),
        "font-src 'self' data:",
        "frame-src 'self' blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action 'self' {remote}".rstrip(),
    ]
    return "; ".join(parts)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def nested_order(models: list[type[BaseModel]]) -> dict[str, list[str]]:
    """For fields holding a mapping (or a list of them), their keys in the model's order:
    what the YAML written by the editor lists first."""
    order: dict[str, list[str]] = {}
    for model in models:
        for name, info in model.model_fields.items():
            inner = _model_in(info.annotation)
            if inner is not None:
                order[info.alias or name] = [i.alias or n for n, i in inner.model_fields.items()]
    return order


def _model_in(annotation: Any) -> type[BaseModel] | None:
    todo = [annotation]
    while todo:
        current = todo.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            return current
        todo += list(getattr(current, "__args__", ()) or ())
    return None


def page_settings(corpus: Corpus, site: SiteInfo, styles: list[str]) -> dict[str, Any]:
    previews = {"stories": "story", "craftsmen": "craftsman", "collections": "collection"}
    for kind in cms_config.kinds(corpus):
        if kind.name.startswith("panels-"):
            previews[kind.name] = "panel"
    models = [k.model for k in cms_config.kinds(corpus)] + [Hall]
    return {
        "format_markdown": cms_config.FORMAT_MARKDOWN,
        "format_yaml": cms_config.FORMAT_YAML,
        "id_widget": cms_config.ID_WIDGET,
        "id_pattern": ID_PATTERN,
        "nested_order": nested_order(models),
        "preview_styles": [*styles, "preview.css"],
        "previews": previews,
        "primary": site.primary,
        "accent": site.accent,
    }


def _json_for_script(data: Any) -> str:
    """JSON inside <script type="application/json">: no `<`, `>` or `&` that could end it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def index_html(settings: CmsSettings, site: SiteInfo, data: dict[str, Any]) -> str:
    return _TEMPLATES.get_template("index.html.j2").render(
        csp=csp(settings),
        title=f"网页编辑器 · {site.name}",
        settings_json=jinja2.filters.Markup(_json_for_script(data)),
        bundle=BUNDLE,
    )


# -- writing admin/ -------------------------------------------------------------------------------


def write_admin(
    out_dir: Path,
    corpus: Corpus,
    project: Project,
    *,
    site: SiteInfo | None = None,
    local_backend: str | None = None,
    styles_from: Path | None = None,
) -> Path:
    """Write `out_dir/admin/` whole (made beside it, swapped in). `out_dir` is the site
    folder the editor is served from; `styles_from` the built site whose stylesheets the
    preview uses (default: `out_dir`). Returns the admin folder."""
    site = site or SiteInfo.read(project.root)
    settings = project.settings.cms
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / ADMIN
    if target.is_symlink():
        raise AdminError(f"{target} 是符号链接，拒绝写入（网页编辑器只写进输出文件夹本身）")
    bundle_dir = package_file(project.root, "decap-cms", f"dist/{BUNDLE}").parent
    js_yaml = package_file(project.root, "js-yaml", "dist/js-yaml.min.js")
    config = cms_config.decap_config(
        corpus, settings, site_url=site.url, local_backend=local_backend
    )
    styles = [f"../{s}" for s in material_styles(styles_from or out_dir)]
    styles.append("../assets/culture/culture.css")
    data = page_settings(corpus, site, styles)
    staging = Path(tempfile.mkdtemp(prefix=".admin-", dir=out_dir))
    try:
        (staging / "config.yml").write_text(cms_config.dump_config(config), encoding="utf-8")
        (staging / "index.html").write_text(index_html(settings, site, data), encoding="utf-8")
        for name in ("culture-cms.js", "admin.css", "preview.css"):
            shutil.copyfile(ASSETS / name, staging / name)
        shutil.copyfile(js_yaml, staging / "js-yaml.min.js")
        for path in _bundle_files(bundle_dir):
            shutil.copyfile(path, staging / path.name)
        os.chmod(staging, 0o755)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _bundle_files(dist: Path) -> list[Path]:
    """decap-cms.js, the chunks it loads beside itself, its WebAssembly and licence; not
    the source maps (25 MB nobody editing needs) nor the second `cms.js` build."""
    files = [dist / BUNDLE, dist / f"{BUNDLE}.LICENSE.txt"]
    files += sorted(dist.glob(f"*.{BUNDLE}"))
    files += sorted(dist.glob("*.wasm"))
    return [f for f in files if f.is_file()]


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=".admin-old-", dir=target.parent))
    os.rmdir(old)
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
