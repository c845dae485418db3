"""适老化 reading in Chromium: 大字 / 标准 and 高对比度 in the header (remembered, applied
before the first paint), the measure of reading pages, and 朗读 with the browser's own
speech synthesis (reading.css, reading.js, docs/overrides/main.html)."""

from __future__ import annotations

import re

import pytest

STORY = "stories/first-kilowatt-1958/"
READING_PAGES = [STORY, "craftsmen/wang-jian-guo/", "halls/culture-hall/miners-lamp-1958/"]


@pytest.fixture(scope="module")
def prod(sample_site, serve) -> str:
    return serve(sample_site)


def _paragraph_style(page) -> dict[str, float]:
    return page.evaluate(
        """() => {
          const p = document.querySelector('.culture-body p');
          const s = getComputedStyle(p);
          return { size: parseFloat(s.fontSize), leading: parseFloat(s.lineHeight),
                   margin: Math.min(parseFloat(s.marginTop), parseFloat(s.marginBottom)),
                   width: p.getBoundingClientRect().width };
        }"""
    )


def _rgb(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", text)[:3])


def _contrast(fg: str, bg: str) -> float:
    def luminance(rgb: tuple[float, ...]) -> float:
        def channel(v: float) -> float:
            v /= 255
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    a, b = sorted((luminance(_rgb(fg)), luminance(_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_large_text_is_20px_with_loose_lines_and_wider_paragraph_gaps(page, prod):
    page.goto(prod + STORY)
    standard = _paragraph_style(page)
    assert page.locator("[data-culture-reading]").is_visible()
    assert page.locator("button[data-reading=standard]").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="大字").click()
    assert page.locator("button[data-reading=large]").get_attribute("aria-pressed") == "true"
    assert page.locator("button[data-reading=standard]").get_attribute("aria-pressed") == "false"
    large = _paragraph_style(page)
    assert large["size"] >= 20 > standard["size"]
    assert large["leading"] >= 1.8 * large["size"] - 0.01
    # the gap between paragraphs is larger than the space between two lines of one
    assert large["margin"] > large["leading"] - large["size"]
    page.get_by_role("button", name="标准").click()
    assert _paragraph_style(page)["size"] == standard["size"]


def test_the_choice_survives_a_reload_and_is_there_before_the_first_paint(page, prod):
    page.goto(prod + STORY)
    page.get_by_role("button", name="大字").click()
    page.get_by_role("button", name="高对比度").click()
    assert page.evaluate("localStorage.getItem('culture-reading')") == "large"
    assert page.evaluate("localStorage.getItem('culture-contrast')") == "high"
    # another page, loaded only up to DOMContentLoaded (before reading.js has run its
    # handlers on anything): the inline script in <head> has set the attributes
    page.goto(prod + "craftsmen/wang-jian-guo/", wait_until="commit")
    page.wait_for_function("document.head !== null && document.body !== null")
    attrs = page.evaluate(
        "[document.documentElement.dataset.reading, document.documentElement.dataset.contrast]"
    )
    assert attrs == ["large", "high"]
    page.wait_for_load_state("domcontentloaded")
    page.reload(wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.dataset.reading") == "large"
    assert page.locator("button[data-reading=large]").get_attribute("aria-pressed") == "true"
    assert page.locator("button[data-contrast]").get_attribute("aria-pressed") == "true"


def test_high_contrast_is_near_black_on_white_with_dark_underlined_links(page, prod):
    page.goto(prod + STORY)
    page.get_by_role("button", name="高对比度").click()
    colours = page.evaluate(
        """() => {
          const style = (sel) => getComputedStyle(document.querySelector(sel));
          const link = style('.md-typeset .culture-body a, .md-typeset .culture-facts a');
          return { text: style('.culture-body p').color, bg: style('body').backgroundColor,
                   meta: style('.culture-facts dt').color, link: link.color,
                   underline: link.textDecorationLine,
                   header: style('.md-header').backgroundColor,
                   headerText: style('.md-header').color };
        }"""
    )
    assert _contrast(colours["text"], colours["bg"]) >= 7
    assert max(_rgb(colours["text"])) <= 40  # near-black
    assert _contrast(colours["meta"], colours["bg"]) >= 7  # no grey text
    assert _contrast(colours["link"], colours["bg"]) >= 7
    assert "underline" in colours["underline"]
    assert _contrast(colours["headerText"], colours["header"]) >= 7
    page.get_by_role("button", name="高对比度").click()
    assert page.evaluate("document.documentElement.dataset.contrast") == "normal"


def test_the_control_works_from_the_keyboard(page, prod):
    page.goto(prod + STORY)
    large = page.locator("button[data-reading=large]")
    for _ in range(30):
        page.keyboard.press("Tab")
        if large.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("大字 is never reached with Tab")
    outline = large.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline != "none"  # a visible focus ring
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.dataset.reading") == "large"
    page.keyboard.press("Tab")  # → 标准
    page.keyboard.press("Space")
    assert page.evaluate("document.documentElement.dataset.reading") == "standard"


@pytest.mark.parametrize("path", READING_PAGES)
def test_reading_pages_keep_a_measure_of_at_most_40_characters(page, prod, path):
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(prod + path)
    for size in ("标准", "大字"):
        page.get_by_role("button", name=size).click()
        style = _paragraph_style(page)
        assert style["width"] / style["size"] <= 40.5, size


def test_read_aloud_is_hidden_without_a_chinese_voice(page, prod):
    page.goto(prod + STORY)
    page.wait_for_load_state("load")
    has_chinese = page.evaluate("speechSynthesis.getVoices().some(v => /^zh/i.test(v.lang))")
    if has_chinese:
        pytest.skip("this Chromium has a Chinese voice")
    assert page.locator(".culture-listen").count() == 1
    assert not page.locator(".culture-listen").is_visible()


# A zh-CN voice and a speak() that records what it is given, instead of the platform's.
FAKE_SPEECH = """
(() => {
  window.__spoken = [];
  const voice = { lang: 'zh-CN', name: '测试语音', voiceURI: 'test', localService: true, default: true };
  let voices = [];
  const synth = window.speechSynthesis;
  synth.getVoices = () => voices;
  synth.speak = (u) => { window.__spoken.push(u); };
  synth.cancel = () => {};
  // the voices arrive late, as in Chrome
  setTimeout(() => { voices = [voice]; synth.dispatchEvent(new Event('voiceschanged')); }, 50);
})();
"""


@pytest.mark.parametrize("path", READING_PAGES)
def test_read_aloud_reads_paragraph_by_paragraph_and_marks_the_one_read(page, prod, path):
    page.add_init_script(FAKE_SPEECH)
    page.goto(prod + path)
    play = page.locator(".culture-listen__play")
    play.wait_for(state="visible")
    assert play.inner_text() == "▶ 朗读全文"
    play.click()
    first = page.evaluate("[__spoken[0].text, __spoken[0].lang]")
    assert first == [page.locator("h1").first.inner_text().strip(), "zh-CN"]
    assert page.locator("h1").first.evaluate("h => h.classList.contains('culture-reading-now')")
    # the title is read: on to the first paragraph of the body
    page.evaluate("__spoken[0].dispatchEvent(new Event('end'))")
    spoken = page.evaluate("__spoken.map(u => u.text)")
    now = page.locator(".culture-reading-now")
    assert now.count() == 1
    assert now.inner_text().strip() == spoken[-1]
    if path == STORY:
        assert now.evaluate("p => p === document.querySelector('.culture-body p')")
    # pause: the paragraph is kept, and read again from its start on 继续朗读
    assert play.inner_text() == "❚❚ 暂停"
    play.click()
    assert play.inner_text() == "▶ 继续朗读"
    play.click()
    assert page.evaluate("__spoken.at(-1).text") == spoken[-1]
    page.locator(".culture-listen__stop").click()
    assert page.locator(".culture-reading-now").count() == 0
    assert play.inner_text() == "▶ 朗读全文"
