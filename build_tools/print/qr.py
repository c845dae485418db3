"""QR codes printed on panels: each points at the panel's permanent page on the intranet.

The address is `site_url` from `mkdocs.yml` (the one place the intranet address is
written) followed by the panel's URL from `site/urls.py`. That URL is made from the
panel's id, so a renamed panel (its old id in `aliases`) keeps every printed code
working through the site's redirect.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno
import yaml

from build_tools.content.model import Panel
from build_tools.site import urls

# M restores up to 15% of the modules: a scratched or dusty panel still scans.
ERROR_LEVEL = "m"
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


class QrError(Exception):
    """The codes cannot be made (no usable site address); the message says why, in Chinese."""


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml as data: tags such as `!!python/name:…` or `!ENV` become None
    (nothing in the file is ever imported or run)."""


def _ignore(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_Loader.add_multi_constructor("!", _ignore)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)


def site_url(root: Path) -> str:
    """The intranet address of the site, from `site_url` in `root/mkdocs.yml`, ending in
    `/`. Raises QrError when it is missing, empty, not http(s) or a local address."""
    config = root / "mkdocs.yml"
    try:
        data: Any = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise QrError(f"找不到 {config}，无法确定二维码指向的网址") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QrError(f"无法读取 {config}（{exc}），无法确定二维码指向的网址") from None
    value = data.get("site_url") if isinstance(data, dict) else None
    where = "mkdocs.yml 中的 site_url"
    if not isinstance(value, str) or not value.strip():
        raise QrError(
            f"{where}没有填写；二维码要指向内网网址，请填写网站的正式地址，"
            "如 http://culture.jinyuan.intranet/"
        )
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QrError(f"{where}“{value}”不是完整的网址（应以 http:// 或 https:// 开头）")
    if parts.hostname.lower() in _LOCAL_HOSTS:
        raise QrError(
            f"{where}是本机地址“{value}”，印出的二维码在别处扫不开；请填写网站的正式内网地址"
        )
    return value.rstrip("/") + "/"


def panel_url(base: str, panel: Panel) -> str:
    """The full address of a panel's page: `base` (a site_url) and `urls.panel`."""
    return base.rstrip("/") + "/" + urls.panel(panel)


# The mask segno chose for each address: choosing scores all eight patterns, five times
# the cost of the rest (6 ms a code, 2 s for a build's 350 panels, twice). Only the choice
# is kept, never a code: a kept mask that is wrong, or planted, still gives a code of the
# same address, at worst a less evenly patterned one.
_masks: dict[str, int] = {}
_MASKS_FILE = "qr-masks.json"
_MASKS_KEPT = 100_000


def _code(url: str) -> segno.QRCode:
    code = segno.make(url, error=ERROR_LEVEL, micro=False, boost_error=True, mask=_masks.get(url))
    _masks[url] = code.mask
    return code


def load_masks(cache: Path) -> None:
    """The masks chosen in an earlier process (from the project's trusted cache folder)."""
    try:
        kept = json.loads((cache / _MASKS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(kept, dict):
        for url, mask in list(kept.items())[:_MASKS_KEPT]:
            if isinstance(url, str) and type(mask) is int and 0 <= mask <= 7:
                _masks.setdefault(url, mask)


def save_masks(cache: Path) -> None:
    """Keep the masks for the next process; never fails the build."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / _MASKS_FILE
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(dict(list(_masks.items())[-_MASKS_KEPT:])), encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        return


def svg(url: str, *, scale: float = 1) -> str:
    """The QR code of `url` as an SVG document (for print: vector, any size)."""
    out = io.BytesIO()
    _code(url).save(out, kind="svg", scale=scale, border=QUIET_ZONE, xmldecl=False)
    return out.getvalue().decode("utf-8")


def png(url: str, *, scale: int = 4) -> bytes:
    """The QR code of `url` as a PNG image, `scale` pixels a module (for the site)."""
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
