"""Browser end-to-end tests (Playwright + Debian's Chromium against pytest-django's live server)."""
