"""The web editor in Chromium against the local backend (`culture cms --serve`): a story
made through the form lands in stories/red/ and passes `culture check`, an edit keeps
what the form does not show, and the page asks nothing of any other origin."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.cms.form import choose as _choose
from tests.sitetools import _free_port


class LocalCms:
    """`culture cms --serve` on a project, in its own process, as an editor runs it."""

    def __init__(self, project: Path) -> None:
        self.project = project
        port = _free_port()
        self.origin = f"http://127.0.0.1:{port}"
        self.log = project.parent / "cms-serve.log"
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "build_tools.cli",
                "cms",
                "--serve",
                "--address",
                f"127.0.0.1:{port}",
            ],
            cwd=project,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.terminal()
            try:
                with urllib.request.urlopen(self.origin + "/admin/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise AssertionError(f"culture cms --serve never answered:\n{self.terminal()}")

    def terminal(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def local_cms(project, npm_packages, node) -> Iterator[LocalCms]:
    story = project / "stories" / "red" / "first-shovel.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace("status: published\n", "status: published\naliases: [old-shovel]\n"),
        encoding="utf-8",
    )
    cms = LocalCms(project)
    yield cms
    cms.close()
    assert "Traceback" not in cms.terminal()


@pytest.fixture
def editor(browser, local_cms):
    """A logged-in editor page, with every request it makes recorded."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(local_cms.origin + "/admin/")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("红色故事").first.wait_for()
    yield page, requests
    context.close()
    outside = [
        u
        for u in requests
        if not u.startswith(local_cms.origin + "/") and not u.startswith(("data:", "blob:"))
    ]
    assert outside == [], "the editor asked another origin"


def _publish(page) -> None:
    page.get_by_role("button", name="发布").first.click()
    page.get_by_text("立即发布").click()


def _wait_for(path: Path, test=lambda text: True, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if test(text):
                return text
        time.sleep(0.2)
    raise AssertionError(f"{path} was not written")


def _check(project: Path, path: Path, monkeypatch, run_check) -> list[dict]:
    monkeypatch.chdir(project)
    result = run_check(path.relative_to(project))
    return [d for d in result.diagnostics if d["severity"] == "error"]


def test_a_story_made_in_the_form_passes_the_check(editor, local_cms, monkeypatch, run_check):
    page, requests = editor
    page.goto(local_cms.origin + "/admin/#/collections/stories/new")
    page.locator('input[id^="id-field-"]').wait_for()  # a new item's: an input
    expect(page.locator("label", has_text="文件名")).to_be_visible()
    page.locator('input[id^="id-field-"]').fill("web-editor-story")
    page.locator('[id^="title-field-"]').fill("网页编辑器里的第一篇")
    page.locator('[id^="date-field-"]').fill("1958-07")
    _choose(page, "unit", "第一煤矿（mine-1）")
    _choose(page, "themes", "艰苦创业")
    _choose(page, "themes", "安全生产")
    page.locator('[id^="summary-field-"]').fill("1958年夏天，第一煤矿的青年突击队写下了这篇故事。")
    page.locator('[id^="craftsmen-field-"]').click()  # a relation: searched in craftsmen/
    page.keyboard.type("王")
    page.get_by_role("option", name="王建国").click()
    photo = local_cms.project.parent / "headframe.jpg"
    Image.new("RGB", (1200, 800), (150, 30, 30)).save(photo)
    page.get_by_role("button", name="选择图片").first.click()
    page.locator('input[type="file"]').set_input_files(photo)  # the library's 上传 button
    page.get_by_role("button", name="选用已选中项目").click()
    page.locator('[id^="caption-field-"]').fill("井架旧照")
    _choose(page, "status", "待审（review）")
    page.locator('[data-slate-editor="true"]').first.click()
    page.keyboard.type("那年夏天，井下的风很大。")
    page.keyboard.press("Enter")
    page.keyboard.type("大家都记得那盏灯。")
    # the preview pane shows it in the site's styles
    preview = page.frame_locator("iframe").first
    expect(preview.locator("h1")).to_contain_text("网页编辑器里的第一篇")
    expect(preview.locator(".culture-facts")).to_contain_text("1958年7月")
    _publish(page)
    written = local_cms.project / "stories" / "red" / "web-editor-story.md"
    text = _wait_for(written)
    assert text.startswith("---\ntitle: 网页编辑器里的第一篇\n")
    assert "\ndate: 1958-07\n" in text  # as written, not a YAML date nor quoted
    assert "\nunit: mine-1\n" in text
    assert "themes:\n  - 艰苦创业\n  - 安全生产\n" in text
    assert "craftsmen:\n  - wang-jian-guo\n" in text
    # the upload is in the story's media folder, its path relative to the story
    assert "cover:\n  src: ../media/red/headframe.jpg\n  caption: 井架旧照\n" in text
    assert (local_cms.project / "stories" / "media" / "red" / "headframe.jpg").is_file()
    assert "\nstatus: review\n" in text
    assert "\nid:" not in text and "''" not in text  # the file name is not a field; no empties
    assert text.endswith("---\n\n那年夏天，井下的风很大。\n\n大家都记得那盏灯。\n")
    assert _check(local_cms.project, written, monkeypatch, run_check) == []
    assert any(u.endswith("/api/v1") for u in requests)


def test_an_edit_keeps_what_the_form_does_not_show(editor, local_cms, monkeypatch, run_check):
    page, _ = editor
    page.goto(local_cms.origin + "/admin/#/collections/stories/entries/first-shovel")
    summary = page.locator('[id^="summary-field-"]')
    summary.wait_for()
    expect(page.locator('div[id^="id-field-"]')).to_contain_text("已有条目的文件名不能在这里修改")
    summary.fill("建矿第一天，郭长青挖下第一锹土，大家跟着干了起来。")
    _publish(page)
    story = local_cms.project / "stories" / "red" / "first-shovel.md"
    text = _wait_for(story, lambda t: "大家跟着干了起来" in t)
    assert "aliases:\n  - old-shovel\n" in text  # excluded from the form, kept in the file
    assert "\ndate: 1958-07\n" in text
    assert "craftsmen:\n  - wang-jian-guo\n" in text
    assert "cover:\n  src: ../media/dot.png\n  caption: 东山坡旧照\n" in text
    assert _check(local_cms.project, story, monkeypatch, run_check) == []


def test_a_panel_and_a_collection_made_in_the_form_pass_the_check(
    editor, local_cms, monkeypatch, run_check
):
    page, _ = editor
    page.goto(local_cms.origin + "/admin/#/collections/panels-main-hall/new")
    page.locator('input[id^="id-field-"]').fill("web-editor-panel")
    page.locator('[id^="number-field-"]').fill("A-99")
    _choose(page, "zone", "创业篇（origins）")
    _choose(page, "kind", "单元说明（section）")
    page.locator('[id^="title-field-"]').fill("网页编辑的展板")
    page.locator('[data-slate-editor="true"]').first.click()
    page.keyboard.type("展板上的文字。")
    _publish(page)
    panel = _wait_for(local_cms.project / "stories" / "halls" / "main-hall" / "web-editor-panel.md")
    assert "\nkind: section\n" in panel and "\nzone: origins\n" in panel
    page.goto(local_cms.origin + "/admin/#/collections/collections/new")
    page.locator('input[id^="id-field-"]').fill("web-editor-collection")
    page.locator('[id^="title-field-"]').fill("网页编辑的故事集")
    page.get_by_role("button", name="新增条目").click()
    _choose(page, "item", "故事：第一锹土（first-shovel）")
    _publish(page)
    written = local_cms.project / "stories" / "collections" / "web-editor-collection.yml"
    collection = _wait_for(written)
    assert collection.startswith("title: 网页编辑的故事集\n")
    assert "items:\n  - first-shovel\n" in collection
    for path in (written, local_cms.project / "stories/halls/main-hall/web-editor-panel.md"):
        assert _check(local_cms.project, path, monkeypatch, run_check) == []


def test_other_pages_cannot_write_through_the_local_backend(local_cms):
    """A page elsewhere could make the browser post to the trial (a form, DNS rebinding):
    only the editor's own same-origin JSON requests reach decap-server."""
    netloc = local_cms.origin.split("//", 1)[1]
    entry = {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"path": "stories/red/planted.md", "raw": "---\ntitle: x\n---\n"}],
            "assets": [],
            "options": {},
        },
    }
    attempts = [
        ({"Content-Type": "text/plain"}, 415),  # a cross-site form or no-cors fetch
        ({"Content-Type": "application/json", "Origin": "http://evil.example"}, 403),
        ({"Content-Type": "application/json", "Host": "evil.example:80"}, 403),
    ]
    for headers, status in attempts:
        connection = http.client.HTTPConnection(netloc, timeout=10)
        connection.request("POST", "/api/v1", json.dumps(entry), {"Host": netloc, **headers})
        assert connection.getresponse().status == status, headers
        connection.close()
    assert not (local_cms.project / "stories" / "red" / "planted.md").exists()
    connection = http.client.HTTPConnection(netloc, timeout=10)
    connection.request("GET", "/admin/", headers={"Host": "rebound.example"})
    assert connection.getresponse().status == 403


def test_the_production_editor_is_chinese_and_asks_nothing_elsewhere(
    project, npm_packages, browser, serve, tmp_path
):
    """admin/ as `culture build` writes it, served with the site under /culture/: the
    GitLab sign-in in Chinese, and every request on the site's own origin."""
    from build_tools import pipeline
    from build_tools.cms.admin import write_admin

    loaded = pipeline.load(project)
    site = tmp_path / "site"
    write_admin(site, loaded.corpus, loaded.project)
    base = serve(site)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "admin/")
    expect(page.get_by_role("button", name="使用 GitLab 登录")).to_be_visible()
    origin = base.split("/culture/", 1)[0]
    assert [u for u in requests if not u.startswith(origin + "/")] == []
    context.close()
