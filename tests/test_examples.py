"""examples/: the GitLab pipeline and the nginx configuration are what they claim to be."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from build_tools.cli import build_parser
from tests.sitetools import PROJECT

EXAMPLES = PROJECT / "examples"
GITLAB_CI = EXAMPLES / "gitlab-ci.yml"
NGINX_CONF = EXAMPLES / "nginx.conf"
RESERVED = {"default", "workflow", "variables", "cache", "image", "stages", "include"}
JOB_KEYS = {"stage", "script", "rules", "artifacts", "needs", "before_script", "cache"}


def _pipeline() -> dict:
    return yaml.safe_load(GITLAB_CI.read_text(encoding="utf-8"))


def _jobs(pipeline: dict) -> dict[str, dict]:
    return {
        k: v
        for k, v in pipeline.items()
        if k not in RESERVED and isinstance(v, dict) and JOB_KEYS & set(v)
    }


def _command_lines(pipeline: dict) -> Iterator[str]:
    """Every shell command of every script, `for` loops and `||` taken apart."""
    scripts = [pipeline.get("default", {}).get("before_script", [])]
    for job in _jobs(pipeline).values():
        scripts += [job.get("before_script", []), job.get("script", [])]
    for script in scripts:
        for entry in script:
            for line in entry.splitlines():
                for part in re.split(r"\|\||&&|;|\bdo\b|\bdone\b", line):
                    if part.strip():
                        yield part.split(" > ")[0].strip()


def test_pipeline_culture_commands_are_accepted_by_the_cli():
    commands = [c for c in _command_lines(_pipeline()) if c.startswith("culture ")]
    assert {shlex.split(c)[1] for c in commands} == {"check", "build", "booklet"}
    parser = build_parser()
    for command in commands:
        args = shlex.split(command.replace("$id", "red-memory-1"))[1:]
        try:
            parser.parse_args(args)
        except SystemExit:
            pytest.fail(f"culture does not accept: {command}")


def test_pipeline_jobs_stages_reports_and_cache():
    pipeline = _pipeline()
    jobs = _jobs(pipeline)
    assert pipeline["stages"] == ["check", "build", "publish"]
    assert {job["stage"] for job in jobs.values()} == set(pipeline["stages"])
    assert "bookworm" in pipeline["image"]  # Debian, what build_tools/setup.sh installs on
    assert pipeline["variables"]["NO_MKDOCS_2_WARNING"] == "1"
    assert "make setup" in pipeline["default"]["before_script"]
    # the cache is kept per branch and holds the build's .cache/
    assert "$CI_COMMIT_REF_SLUG" in pipeline["cache"]["key"]
    assert ".cache/" in pipeline["cache"]["paths"]

    check = jobs["check"]
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    report = check["artifacts"]["reports"]["codequality"]
    assert f"culture check --format gitlab > {report} || true" in check["script"]
    assert "culture check" in check["script"]  # the text in the log, and the exit code
    assert check["artifacts"]["when"] == "always"

    on_default = [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    for name in ("build", "booklets", "publish"):
        assert jobs[name]["rules"] == on_default, name
    assert jobs["build"]["artifacts"]["paths"] == ["site/"]
    assert jobs["booklets"]["artifacts"]["paths"] == ["booklets/*.pdf"]
    assert jobs["publish"]["needs"] == ["build"]
    deploy = " ".join(jobs["publish"]["script"])
    for variable in ("DEPLOY_HOST", "DEPLOY_USER", "DEPLOY_PATH", "DEPLOY_SSH_KEY"):
        assert f"${variable}" in deploy, variable
        assert variable in GITLAB_CI.read_text(encoding="utf-8").split("image:")[0]  # documented
    assert "rsync" in deploy and "site/" in deploy


# -- nginx ----------------------------------------------------------------------------------

# What examples/nginx.conf names on a server, and what the test serves instead.
SERVER_PATHS = ("/srv/www/culture/", "listen 80;", "/var/log/nginx/culture.access.log")


def test_nginx_conf_holds_the_readme_snippet():
    conf = NGINX_CONF.read_text(encoding="utf-8")
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```nginx\n(.*?)```", readme, re.S)
    assert snippet, "README.md has no nginx snippet"
    directives = [
        line.split("#")[0].strip()
        for line in snippet.group(1).splitlines()
        if line.split("#")[0].strip() not in ("", "}")
    ]
    flat = [line.split("#")[0].strip() for line in conf.splitlines()]
    for directive in directives:
        assert directive in flat, directive
    for path in SERVER_PATHS:
        assert path in conf, path
    # without nginx at hand (it is not part of the set-up): the shape at least
    code = "\n".join(flat)
    assert code.count("{") == code.count("}")
    for line in filter(None, flat):
        assert line.endswith((";", "{", "}")), line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


def test_nginx_serves_the_site_under_culture(tmp_path: Path):
    # The set-up installs nginx-light (build_tools/setup.sh); the configuration is run for
    # real, on a free port, serving a small site from tmp_path.
    if NGINX is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx 没有安装（make setup 会在 Debian 上以 root 安装 nginx-light）")
        pytest.skip("nginx is not installed; make setup installs nginx-light (root, Debian)")
    site = tmp_path / "site"
    (site / "pagefind/fragment").mkdir(parents=True)
    (site / "stories/first-shovel").mkdir(parents=True)
    (site / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    (site / "404.html").write_text("<p>页面不存在</p>", encoding="utf-8")
    (site / "stories/first-shovel/index.html").write_text("<p>第一锹土</p>", encoding="utf-8")
    (site / "search.js").write_text("const query = 1;\n" * 200, encoding="utf-8")
    (site / "pagefind/fragment/zh_1a2b.pf_fragment").write_bytes(b"\x1f\x8b fragment")
    port = _free_port()
    conf = NGINX_CONF.read_text(encoding="utf-8")
    for path, ours in zip(
        SERVER_PATHS,
        (f"{site}/", f"listen 127.0.0.1:{port};", str(tmp_path / "access.log")),
        strict=True,
    ):
        conf = conf.replace(path, ours)
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    base = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    options = f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;"
    if os.geteuid() == 0:  # else the workers are nobody, and tmp_path is not theirs to read
        options += " user root;"
    tested = subprocess.run([*base, "-t", "-g", options], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr
    server = subprocess.Popen([*base, "-g", options + " daemon off;"], stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        status, _, body = _get(f"{url}/culture/stories/first-shovel/")
        assert (status, body.decode()) == (200, "<p>第一锹土</p>")
        status, _, body = _get(f"{url}/culture/no/such/page/")
        assert (status, body.decode()) == (404, "<p>页面不存在</p>")
        status, headers, _ = _get(f"{url}/culture/search.js", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        status, headers, body = _get(f"{url}/culture/pagefind/fragment/zh_1a2b.pf_fragment")
        assert status == 200 and body == b"\x1f\x8b fragment"
        assert "max-age=2592000" in headers.get("Cache-Control", "")
        status, headers, _ = _get(f"{url}/culture/search.js")
        assert "Cache-Control" not in headers  # only the files named by their content
        status, _, body = _get(f"{url}/")  # redirected (urllib follows it)
        assert (status, body.decode()) == (200, "<p>首页</p>")
    finally:
        server.terminate()
        server.wait(timeout=10)
