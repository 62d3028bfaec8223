"""Public and staff web pages, templates and local static assets (no CDN)."""
