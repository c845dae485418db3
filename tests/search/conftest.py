from tests.site.conftest import browser, page, preview_site, sample_site, serve  # noqa: F401 - shared fixtures
