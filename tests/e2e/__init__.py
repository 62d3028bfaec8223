"""End-to-end tests: Playwright drives Debian's Chromium against the real demo server."""
