"""What `culture cms` does: write admin/ into the site folder, or serve a local trial."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from build_tools import pipeline
from build_tools.cms.admin import AdminError, SiteInfo, package_version, write_admin
from build_tools.diagnostics import Severity


def run(args: argparse.Namespace) -> int:
    loaded = pipeline.load(Path.cwd())
    project, corpus = loaded.project, loaded.corpus
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    if errors:
        # The editor is also how mistakes get fixed: it is written all the same.
        print(
            f"culture cms: 内容有 {len(errors)} 个错误（culture check 可以列出），"
            "编辑器的选项按能读到的内容生成",
            file=sys.stderr,
        )
    try:
        if args.serve:
            return _serve(project, corpus, args.address)
        return _write(project, corpus, args.out)
    except AdminError as exc:
        print(f"culture cms: {exc}", file=sys.stderr)
        return 1


def _write(project, corpus, out: str | None) -> int:  # type: ignore[no-untyped-def]
    site = SiteInfo.read(project.root)
    root = project.root.resolve()
    target = Path(out) if out else project.root / site.site_dir
    if target.is_symlink():
        resolved = target.resolve()
        if resolved != root and root not in resolved.parents:
            print(f"culture cms: {target} 是指向项目之外的符号链接，拒绝写入", file=sys.stderr)
            return 1
    if target.exists() and not target.is_dir():
        print(f"culture cms: {target} 不是文件夹", file=sys.stderr)
        return 1
    admin = write_admin(target, corpus, project, site=site)
    version = package_version(project.root, "decap-cms")
    print(f"网页编辑器已写入：{admin}（Decap CMS {version}）", file=sys.stderr)
    if not project.settings.cms.backend.app_id:
        print(
            "culture cms: 提示：culture.yml 的 cms.backend.app_id 为空，"
            "要先在 GitLab 中登记 OAuth 应用才能登录",
            file=sys.stderr,
        )
    return 0


def _serve(project, corpus, address: str) -> int:  # type: ignore[no-untyped-def]
    from build_tools.cms.local import serve_editor

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # a terminated trial stops decap-server too

    signal.signal(signal.SIGTERM, stop)
    with serve_editor(project, corpus, address) as editor:
        print(f"网页编辑器（本地试用）：{editor.admin_url}", file=sys.stderr)
        print(
            f"保存的内容直接写进 {project.root / project.settings.content_dir}；按 Ctrl-C 停止。",
            file=sys.stderr,
        )
        sys.stderr.flush()
        try:
            while editor.backend.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            print("culture cms: 已停止", file=sys.stderr)
            return 0
    print(
        f"culture cms: decap-server 意外退出（退出码 {editor.backend.returncode}）", file=sys.stderr
    )
    return 1
