"""Filling Decap's form in Chromium, shared by the browser tests and the screenshots."""

from __future__ import annotations

from playwright.sync_api import Page


def choose(page: Page, field: str, text: str) -> None:
    """Pick `text` in the select (or relation) widget of `field`, typing to narrow it."""
    page.locator(f'[id^="{field}-field-"]').first.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).first.click()
