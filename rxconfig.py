"""Reflex configuration. KRS's own settings come from the environment (krs_app/settings.py)."""

import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from krs_app.settings import own_origins

# The largest websocket message a browser may send: Reflex's 1 MB, stated here. The biggest
# event KRS takes is the central import's preview (a few hundred rows); files go over HTTP.
os.environ.setdefault("REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE", str(1000 * 1000))

_port = int(os.environ.get("KRS_PORT", "3000"))

config = rx.Config(
    app_name="krs_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=_port,
    backend_port=_port,
    # The browser reaches the backend where it loaded the page (same origin, one port).
    api_url=os.environ.get("KRS_API_URL", f"http://localhost:{_port}"),
    deploy_url=os.environ.get("KRS_DEPLOY_URL", f"http://localhost:{_port}"),
    redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
    state_manager_mode="redis" if os.environ.get("REFLEX_REDIS_URL") else "memory",
    # Reflex's default "*" would let a page on any origin read an office's files with its cookie.
    cors_allowed_origins=own_origins(),
    default_color_mode="light",
    disable_plugins=[SitemapPlugin],
)
