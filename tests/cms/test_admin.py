"""admin/ as written into a site folder: whole or not at all, everything from the site's
own origin, and nothing from units.yml, themes.yml or mkdocs.yml breaking out of it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from build_tools import pipeline
from build_tools.cli import main
from build_tools.cms.admin import AdminError, SiteInfo, csp, write_admin
from build_tools.config import Settings
from build_tools.site.build import build_site

HOSTILE = "坏名字\"\n  - evil: 1 </script><script>alert(1)</script> {{x}} &amp; '</title>"


def _admin(project: Path, out: Path) -> Path:
    loaded = pipeline.load(project)
    return write_admin(out, loaded.corpus, loaded.project)


def test_admin_has_the_page_its_config_and_the_bundle(project, npm_packages, tmp_path):
    admin = _admin(project, tmp_path / "site")
    for name in (
        "index.html",
        "config.yml",
        "decap-cms.js",
        "js-yaml.min.js",
        "culture-cms.js",
        "preview.css",
    ):
        assert (admin / name).is_file(), name
    assert not list(admin.glob("*.map")), "source maps stay in node_modules"
    html = (admin / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert '<link href="config.yml" type="text/yaml" rel="cms-config-url">' in html
    # every script and stylesheet is the site's own, by a relative path
    for ref in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert "//" not in ref and not ref.startswith("/"), ref
    assert "Content-Security-Policy" in html
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["locale"] == "zh_Hans" and "local_backend" not in config
    settings = re.search(r'id="culture-cms-settings">(.*?)</script>', html, re.S)
    assert settings is not None
    styles = yaml.safe_load(settings.group(1))["preview_styles"]
    assert "../assets/culture/culture.css" in styles
    assert any(
        re.fullmatch(r"\.\./assets/stylesheets/main\.[0-9a-f]+\.min\.css", s) for s in styles
    )


def test_the_policy_allows_the_site_and_the_gitlab_only():
    settings = Settings.model_validate(
        {
            "cms": {
                "backend": {
                    "base_url": "https://git.example.intranet",
                    "api_root": "https://git.example.intranet:8443/api/v4",
                }
            }
        }
    ).cms
    policy = csp(settings)
    assert "default-src 'self'" in policy
    hosts = set(re.findall(r"https?://[^\s;]+", policy))
    assert hosts == {"https://git.example.intranet", "https://git.example.intranet:8443"}
    assert "*" not in policy


def test_hostile_names_stay_text(project, npm_packages, tmp_path):
    units = project / "stories" / "units.yml"
    units.write_text(
        units.read_text(encoding="utf-8") + yaml.safe_dump([{"id": "evil", "name": HOSTILE}]),
        encoding="utf-8",
    )
    themes = project / "stories" / "themes.yml"
    themes.write_text(
        themes.read_text(encoding="utf-8")
        + yaml.safe_dump([{"name": "</script>主题", "slug": "evil"}], allow_unicode=True),
        encoding="utf-8",
    )
    mkdocs = project / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    mkdocs.write_text(
        re.sub(
            r"^site_name:.*$", "site_name: '</title><script>alert(2)</script>'", text, flags=re.M
        ),
        encoding="utf-8",
    )
    admin = _admin(project, tmp_path / "site")
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    stories = next(c for c in config["collections"] if c["name"] == "stories")
    unit = next(f for f in stories["fields"] if f["name"] == "unit")
    assert {"label": f"{HOSTILE.strip()}（evil）", "value": "evil"} in unit["options"]
    themes_field = next(f for f in stories["fields"] if f["name"] == "themes")
    assert {"label": "</script>主题", "value": "</script>主题"} in themes_field["options"]
    html = (admin / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;/title&gt;&lt;script&gt;alert(2)" in html
    assert html.count("<script") == 4  # the settings block and the three scripts, nothing else


def test_admin_is_swapped_in_whole(project, npm_packages, tmp_path):
    site = tmp_path / "site"
    first = _admin(project, site)
    (first / "stale.txt").write_text("from an old version", encoding="utf-8")
    second = _admin(project, site)
    assert second == first and not (second / "stale.txt").exists()
    assert sorted(p.name for p in site.iterdir()) == ["admin"]  # no staging folders left


def test_a_symlinked_admin_is_refused(project, npm_packages, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "admin").symlink_to(elsewhere)
    with pytest.raises(AdminError, match="符号链接"):
        _admin(project, site)
    assert list(elsewhere.iterdir()) == []


def test_the_command_refuses_an_out_folder_linking_out_of_the_project(
    project, npm_packages, tmp_path, monkeypatch, capsys
):
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "site").symlink_to(outside)
    monkeypatch.chdir(project)
    assert main(["cms"]) == 1
    assert "符号链接" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_the_command_writes_into_the_site_folder(project, npm_packages, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["cms"]) == 0
    err = capsys.readouterr().err
    assert "网页编辑器已写入" in err and "Decap CMS 3." in err
    assert (project / "site" / "admin" / "index.html").is_file()


def test_missing_packages_are_said_in_words(project, tmp_path, monkeypatch):
    from build_tools.cms import admin

    monkeypatch.setattr(admin, "TOOL_ROOT", tmp_path / "nowhere")
    with pytest.raises(AdminError, match="npm ci"):
        _admin(project, tmp_path / "site")


def test_the_build_writes_admin_when_enabled(project, npm_packages, tmp_path):
    (project / "culture.yml").write_text("cms:\n  enabled: true\n", encoding="utf-8")
    site = build_site(project / "mkdocs.yml", tmp_path / "built")
    html = (site / "admin" / "index.html").read_text(encoding="utf-8")
    assert "网页编辑器 · " in html
    match = re.search(r"\.\./(assets/stylesheets/main\.[0-9a-f]+\.min\.css)", html)
    assert match and (site / match.group(1)).is_file()  # the preview's styles are the site's
    assert (site / "assets" / "culture" / "culture.css").is_file()


def test_site_info_reads_the_palette(project):
    info = SiteInfo.read(project)
    assert (info.primary, info.accent) == ("red", "amber")
    assert info.site_dir == "site"
    shutil.rmtree(project / "docs")  # nothing else is needed
    assert SiteInfo.read(project).name


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("0.0.0.0:8080", "只在本机地址上提供"),
        ("192.168.1.5:80", "只在本机地址上提供"),
        ("8080", "主机:端口"),
    ],
)
def test_the_local_trial_listens_on_loopback_only(project, monkeypatch, capsys, address, words):
    monkeypatch.chdir(project)
    assert main(["cms", "--serve", "--address", address]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_the_cms_settings_are_in_the_culture_schema():
    from build_tools.schema import build_schemas

    schema = build_schemas()["culture"]
    cms = schema["properties"]["cms"]
    assert cms["title"] == "网页编辑器（Decap CMS）"
    backend = schema["$defs"]["CmsBackend"]["properties"]
    assert {"repo", "branch", "base_url", "api_root", "app_id", "auth_type"} <= set(backend)
    assert all(re.search(r"[\u4e00-\u9fff]", p["title"]) for p in backend.values())


def test_a_culture_yml_with_a_bad_gitlab_address_is_an_error(project, run_check):
    (project / "culture.yml").write_text(
        "cms:\n  backend:\n    base_url: javascript:alert(1)\n", encoding="utf-8"
    )
    result = run_check(project)
    assert "E-CONFIG" in result.codes()
