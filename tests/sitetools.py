"""Helpers for tests that build and serve sites: a project folder around some content,
a small HTTP server that serves a site under /culture/ (as the intranet may), and how
Chromium is started here. The fixtures using them live in tests/conftest.py."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MOUNT = "/culture/"


def site_project(target: Path, stories: Path = FIXTURES / "valid" / "stories") -> Path:
    """A project folder with the real mkdocs.yml and docs/ and the given content."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(PROJECT / "docs", target / "docs")
    shutil.copytree(stories, target / "stories")
    return target


class _Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        if not path.startswith(MOUNT):
            return str(Path(self.directory) / "__outside_the_mount__")
        return super().translate_path("/" + path[len(MOUNT) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        # as the intranet's web server is set up to do: the site's own 404 page
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Server:
    def __init__(self, root: Path) -> None:
        handler = functools.partial(_Handler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}{MOUNT}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Preview:
    """`culture serve` running on a project in its own process, as an editor runs it."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = project / "serve.log"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "build_tools.cli",
                "serve",
                "--address",
                f"127.0.0.1:{self.port}",
            ],
            cwd=project,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.read().decode("utf-8", "replace")

    def wait_for(self, path: str, test: Callable[[str], bool], timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.terminal()
            try:
                text = self.get(path)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                text = ""
            if test(text):
                return text
            time.sleep(0.3)
        raise AssertionError(f"{path} never matched; terminal:\n{self.terminal()[-3000:]}")

    def terminal(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
