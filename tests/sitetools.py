"""Helpers for tests that build and serve sites: a project folder around some content,
a small HTTP server that serves a site under /culture/ (as the intranet may), and how
Chromium is started here. The fixtures using them live in tests/conftest.py."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
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
