"""Trying the web editor locally (`culture cms --serve`): no GitLab, edits go straight into
the working tree.

One origin serves it all, on the loopback interface only: admin/ (written into a temporary
folder with `local_backend` pointing at this same origin), the preview's stylesheets, the
built site if there is one, and `/api/v1`, passed on to decap-server (npm, from
node_modules), which writes into the project folder and refuses paths outside it.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from build_tools.cms.admin import (
    ADMIN,
    AdminError,
    SiteInfo,
    material_assets,
    package_file,
    write_admin,
)
from build_tools.config import Project
from build_tools.content.corpus import Corpus

API = "/api/v1"
SITE_ASSETS = Path(__file__).parent.parent / "site" / "assets"  # assets/culture/*.css
MAX_BODY = 50 * 1024 * 1024  # decap-server's own limit (uploads are base64 in JSON)


def parse_address(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise AdminError(f"地址“{address}”应写成 主机:端口，如 127.0.0.1:8080")
    host = host.strip("[]") or "127.0.0.1"
    if host != "localhost":
        try:
            ip = ipaddress.ip_address(host)
            loopback = ip.is_loopback and ip.version == 4  # served over IPv4
        except ValueError:
            loopback = False
        if not loopback:
            raise AdminError(
                f"本地试用只在本机地址上提供（127.0.0.1 或 localhost），不接受“{host}”："
                "它能直接改写工作区中的文件"
            )
    return host, int(port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalEditor:
    """decap-server and the same-origin server in front of it, until `close()`."""

    project: Project
    origin: str
    server: http.server.ThreadingHTTPServer
    backend: subprocess.Popen[bytes]
    work: Path

    @property
    def admin_url(self) -> str:
        return f"{self.origin}/{ADMIN}/"

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.server.shutdown()
            self.server.server_close()
        if self.backend.poll() is None:
            self.backend.terminate()
            try:
                self.backend.wait(10)
            except subprocess.TimeoutExpired:
                self.backend.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def start(project: Project, corpus: Corpus, address: str, *, mode: str = "fs") -> LocalEditor:
    """`mode` "fs" writes into the working tree; "git" (decap-server's other mode, for the
    guide's screenshots of the editorial workflow) makes branches in the project's repo."""
    host, port = parse_address(address)
    node = shutil.which("node")
    if node is None:
        raise AdminError("找不到 node：本地试用需要 Node.js（sudo apt-get install -y nodejs npm）")
    server_js = package_file(project.root, "decap-server", "dist/index.js")
    site = SiteInfo.read(project.root)
    site_dir = project.root / site.site_dir
    built = site_dir if (site_dir / "index.html").is_file() else None
    backend_port = free_port()
    try:
        httpd = _Server((host, port), _Handler)
    except OSError as exc:
        raise AdminError(
            f"无法在 {host}:{port} 上提供服务（{exc.strerror}）：换一个端口，如 --address 127.0.0.1:8090"
        ) from exc
    origin = f"http://{host}:{httpd.server_address[1]}"
    work = Path(tempfile.mkdtemp(prefix="culture-cms-"))
    backend: subprocess.Popen[bytes] | None = None
    try:
        write_admin(work, corpus, project, site=site, local_backend=origin + API, styles_from=built)
        env = {
            **os.environ,
            "PORT": str(backend_port),
            "BIND_HOST": "127.0.0.1",
            "MODE": mode,
            "GIT_REPO_DIRECTORY": str(project.root.resolve()),
            "ORIGIN": origin,
            "LOG_LEVEL": "warn",
        }
        backend = subprocess.Popen(
            [node, str(server_js)],
            cwd=project.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr,
            stderr=sys.stderr,
            preexec_fn=_die_with_parent,
        )
        _wait_for_backend(backend, backend_port)
    except BaseException:
        if backend is not None and backend.poll() is None:
            backend.kill()
        httpd.server_close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    httpd.routes = _routes(work / ADMIN, built)
    httpd.backend_port = backend_port
    httpd.origin = origin
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return LocalEditor(project, origin, httpd, backend, work)


def _die_with_parent() -> None:
    """decap-server writes into the working tree: it must not outlive the trial, even
    when the trial is killed outright (Linux: PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_for_backend(process: subprocess.Popen[bytes], port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AdminError(f"decap-server 启动失败（退出码 {process.returncode}）")
        try:
            status, _, _ = _post(port, json.dumps({"action": "info"}).encode())
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AdminError("decap-server 在 20 秒内没有启动")


def _post(port: int, body: bytes) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", API, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def _routes(admin: Path, built: Path | None) -> list[tuple[str, Path]]:
    """URL prefix → folder, first match wins: the editor, our styles as they are now,
    Material's assets (from the built site, else the installed theme), the site."""
    routes = [(f"/{ADMIN}/", admin), ("/assets/culture/", SITE_ASSETS)]
    if built is not None:
        routes.append(("/", built))
    theme = material_assets()
    if theme is not None:
        routes.append(("/assets/", theme / "assets"))
    return routes


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    routes: list[tuple[str, Path]]
    backend_port: int
    origin: str  # http://127.0.0.1:8080: the only Host and Origin answered


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: _Server
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".yml": "text/yaml; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".wasm": "application/wasm",
    }

    def _foreign(self) -> bool:
        """A request another site made the browser send (DNS rebinding: another Host;
        a cross-site form or fetch: another Origin). decap-server writes files: refused.
        (Words for people go in send_error's body: its status line is latin-1.)"""
        expected = self.server.origin
        host = self.headers.get("Host", "")
        origin = self.headers.get("Origin")
        if host != expected.split("//", 1)[1] or (origin is not None and origin != expected):
            self.send_error(403, None, "只接受本机网页编辑器自己的请求")
            return True
        return False

    def do_GET(self) -> None:
        if self._foreign():
            return
        if self.path.split("?", 1)[0] in ("/", f"/{ADMIN}"):
            self.send_response(302)
            self.send_header("Location", f"/{ADMIN}/")
            self.end_headers()
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if not self._foreign():
            super().do_HEAD()

    def do_POST(self) -> None:
        if self._foreign():
            return
        if self.path.split("?", 1)[0] != API:
            self.send_error(404)
            return
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            # What Decap sends; a form or a no-cors fetch from another page cannot.
            self.send_error(415, None, "只接受 application/json")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413, None, "请求太大")
            return
        body = self.rfile.read(length)
        try:
            status, kind, answer = _post(self.server.backend_port, body)
        except OSError:
            self.send_error(502, None, "decap-server 没有响应")
            return
        self.send_response(status)
        self.send_header("Content-Type", kind or "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(answer)

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in self.server.routes:
            if clean.startswith(prefix):
                candidate = self._inside(folder, "/" + clean[len(prefix) :])
                if candidate is not None and (
                    os.path.exists(candidate) or (prefix != "/" and prefix != "/assets/")
                ):
                    return candidate
        return str(Path(tempfile.gettempdir()) / "__culture_cms_not_found__")

    def _inside(self, folder: Path, rest: str) -> str | None:
        self.directory = str(folder)
        candidate = super().translate_path(rest)  # drops `..` and empty segments
        base = folder.resolve()
        resolved = Path(candidate).resolve()
        if resolved != base and base not in resolved.parents:
            return None  # a symlink out of the folder
        return candidate

    def list_directory(self, path: str | os.PathLike[str]) -> None:  # type: ignore[override]
        self.send_error(404)
        return None

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_editor(project: Project, corpus: Corpus, address: str) -> Iterator[LocalEditor]:
    """The local editor for a `with` block: stopped (and its folder removed) on exit."""
    editor = start(project, corpus, address)
    try:
        yield editor
    finally:
        editor.close()
