"""The QR codes of panels: the address they encode and that a scanner reads it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import segno

from build_tools.content.model import Panel
from build_tools.print import qr
from build_tools.site import urls
from tests.print.qrtools import decode_image

BASE = "http://culture.jinyuan.intranet/"


def _panel(panel_id: str = "miners-lamp-1958", hall: str = "culture-hall") -> Panel:
    panel = Panel.model_validate(
        {
            "number": "A-04",
            "zone": "origins",
            "kind": "exhibit",
            "title": "矿灯",
            "status": "published",
        }
    )
    panel.attach(panel_id, panel.origin)
    panel._hall = hall
    return panel


def _config(tmp_path: Path, text: str) -> Path:
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_site_url_read_from_mkdocs_yml_with_python_tags_ignored(tmp_path):
    root = _config(
        tmp_path,
        "site_name: 企业文化\nsite_url: http://intranet.example/culture\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "extra:\n  key: !ENV [HOME, x]\n",
    )
    assert qr.site_url(root) == "http://intranet.example/culture/"


def test_project_site_url_is_the_intranet():
    assert qr.site_url(Path(__file__).parents[2]) == BASE


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("site_name: x\n", "没有填写"),
        ("site_url: ''\n", "没有填写"),
        ("site_url: http://localhost:8000/\n", "本机地址"),
        ("site_url: http://127.0.0.1/\n", "本机地址"),
        ("site_url: culture.intranet\n", "不是完整的网址"),
        ("- just a list\n", "没有填写"),
    ],
)
def test_unusable_site_url_is_refused_in_chinese(tmp_path, text, said):
    with pytest.raises(qr.QrError, match=said):
        qr.site_url(_config(tmp_path, text))


def test_missing_mkdocs_yml_is_refused(tmp_path):
    with pytest.raises(qr.QrError, match="找不到"):
        qr.site_url(tmp_path)


def test_panel_url_is_site_url_and_the_panel_page():
    panel = _panel()
    assert qr.panel_url(BASE, panel) == BASE + urls.panel(panel)
    assert qr.panel_url("http://intranet.example/culture", panel) == (
        "http://intranet.example/culture/halls/culture-hall/miners-lamp-1958/"
    )


def test_svg_is_a_vector_code_with_quiet_zone():
    text = qr.svg(BASE + "halls/culture-hall/miners-lamp-1958/", scale=2)
    assert text.startswith("<svg") and "<?xml" not in text
    code = segno.make(BASE + "halls/culture-hall/miners-lamp-1958/", error="m", boost_error=True)
    width = (code.symbol_size(border=qr.QUIET_ZONE)[0]) * 2
    assert f'width="{width}"' in text


def test_png_decodes_to_the_url_at_error_level_m_or_higher(tmp_path):
    url = qr.panel_url(BASE, _panel())
    image = tmp_path / "code.png"
    image.write_bytes(qr.png(url, scale=4))
    assert decode_image(image) == [url]
    assert segno.make(url, error=qr.ERROR_LEVEL, boost_error=True).error in ("M", "Q", "H")


def test_a_kept_mask_gives_the_same_code_and_a_planted_one_the_same_address(tmp_path):
    url = "http://culture.example.intranet/halls/main-hall/lamp/"
    qr._masks.clear()
    first = qr.svg(url)
    qr.save_masks(tmp_path)
    qr._masks.clear()
    qr.load_masks(tmp_path)
    assert qr.svg(url) == first  # the same code, without choosing again
    planted = {url: (qr._masks[url] + 1) % 8, "x": "bad", "y": 99}
    (tmp_path / "qr-masks.json").write_text(json.dumps(planted), encoding="utf-8")
    qr._masks.clear()
    qr.load_masks(tmp_path)
    assert set(qr._masks) == {url}  # what is no mask is dropped
    png = tmp_path / "planted.png"
    png.write_bytes(qr.png(url))
    assert decode_image(png) == [url]  # another mask, the same address
    qr._masks.clear()
