"""Takes the screenshots of the web-editing guide (docs/guide/web-editing.md) again:

    .venv/bin/python -m tests.cms.screenshots

Chromium at a laptop's size, the sample content, the sign-in page as the production
configuration shows it, and the local trial for the rest (decap-server's git mode for the
editorial workflow's board). Not a test: pytest does not collect it."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

from build_tools import pipeline
from build_tools.cms.admin import write_admin
from build_tools.cms.local import start
from tests.cms.form import choose as _choose
from tests.sitetools import CHROMIUM, CHROMIUM_ARGS, PROJECT, Server, _free_port, site_project

IMAGES = PROJECT / "docs" / "guide" / "images"
VIEWPORT = {"width": 1280, "height": 800}
LIMIT = 200_000  # bytes a screenshot may take in the repository


def save(page: Page, name: str) -> None:
    shot = Image.open(io.BytesIO(page.screenshot()))
    out = IMAGES / name
    shot.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
        out, optimize=True
    )
    size = out.stat().st_size
    assert size < LIMIT, f"{out}: {size} bytes"
    print(f"{out.relative_to(PROJECT)}: {shot.width}×{shot.height}, {size // 1024} KB")


def _project(work: Path, name: str, *, git: bool = False) -> Path:
    project = site_project(work / name, PROJECT / "stories")
    if git:
        for command in (
            ["git", "init", "-q", "-b", "main"],
            ["git", "add", "-A"],
            [
                "git",
                "-c",
                "user.name=示例",
                "-c",
                "user.email=demo@example.invalid",
                "commit",
                "-qm",
                "示例内容",
            ],
        ):
            subprocess.run(command, cwd=project, check=True)
    return project


def _login(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("红色故事").first.wait_for()


def _fill_story(page: Page) -> None:
    page.locator('input[id^="id-field-"]').fill("night-shift-lamp-1958")
    page.locator('[id^="title-field-"]').fill("矿灯房里的夜班")
    page.locator('[id^="date-field-"]').fill("1958-07")
    _choose(page, "unit", "第一煤矿（mine-1）")
    _choose(page, "themes", "艰苦创业")
    _choose(page, "themes", "爱岗敬业")
    page.locator('[id^="summary-field-"]').fill(
        "1958年夏天，第一煤矿矿灯房的三位女工轮流值夜，保证每一盏矿灯按时亮起。"
    )
    page.locator('[data-slate-editor="true"]').first.click()
    page.keyboard.type("那年夏天，矿灯房的灯一夜没有熄过。")
    page.keyboard.press("Enter")
    page.keyboard.type("每一盏灯下井以前，她们都要再擦一遍。")


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cms-shots-"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(locale="zh-CN", viewport=VIEWPORT)
            page = context.new_page()

            # 1. the sign-in page of the real thing (GitLab)
            loaded = pipeline.load(PROJECT)
            site = work / "site"
            write_admin(site, loaded.corpus, loaded.project)
            server = Server(site)
            page.goto(server.base + "admin/")
            page.get_by_role("button", name="使用 GitLab 登录").wait_for()
            save(page, "cms-login.png")
            server.close()

            # 2. the local trial: the list, a new story with its preview
            project = _project(work, "trial")
            trial = pipeline.load(project)
            editor = start(trial.project, trial.corpus, f"127.0.0.1:{_free_port()}")
            try:
                _login(page, editor.admin_url)
                page.goto(editor.admin_url + "#/collections/stories")
                page.get_by_text("东山坡上的第一锹土").first.wait_for()
                save(page, "cms-list.png")
                page.goto(editor.admin_url + "#/collections/stories/new")
                _fill_story(page)
                page.frame_locator("iframe").first.locator(".culture-facts").wait_for()
                page.locator('[id^="title-field-"]').scroll_into_view_if_needed()
                page.mouse.move(10, 10)
                save(page, "cms-new-story.png")
            finally:
                editor.close()

            # 3. the editorial workflow's board (decap-server's git mode)
            project = _project(work, "workflow", git=True)
            flow = pipeline.load(project)
            editor = start(flow.project, flow.corpus, f"127.0.0.1:{_free_port()}", mode="git")
            try:
                _login(page, editor.admin_url)
                page.goto(editor.admin_url + "#/collections/stories/new")
                _fill_story(page)
                page.get_by_role("button", name="保存").first.click()
                page.get_by_text("内容已保存").first.wait_for()
                page.goto(editor.admin_url + "#/workflow")
                page.get_by_text("矿灯房里的夜班").first.wait_for()
                page.get_by_text("内容已保存").first.wait_for(state="hidden", timeout=20_000)
                save(page, "cms-workflow.png")
            finally:
                editor.close()
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
