"""The one link for every file download (tracking CSV / Excel, the central template, evidence, exports).

Reflex 0.10 renders `rx.el.a` and `rx.link` as React Router's <Link>, whose click handler
navigates inside the app: a link to /api/... then shows the app's "404: Page not found"
instead of the file. A download is a plain HTML <a download>: the browser fetches the file
itself (same origin, with the session cookie) and saves it under the server's file name.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.inline import A


def download_link(*children: rx.Component | str, href: str | rx.Var, **props) -> rx.Component:
    """A link that downloads `href` when clicked (never a client-side page change)."""
    props.setdefault("download", True)
    props.setdefault("rel", "noopener")
    return A.create(*children, href=href, **props)
