"""The Reflex app: its look, every declared page (pages/, @page), the HTTP routes, background jobs."""

from __future__ import annotations

import reflex as rx

from krs_app.api import api
from krs_app.http_security import secure_headers
from krs_app.live.dispatch import start_live_updates
from krs_app.ops.logs import configure_logging
from krs_app.ops.request_context import EventLogContext
from krs_app.pages import (  # noqa: F401  (each declares its page)
    admin,
    central,
    district_profile,
    entry,
    home,
    login,
    password,
    report,
    review,
)
from krs_app.pages.page import add_pages
from krs_app.services.rounds import close_due_rounds
from krs_app.startup import freeze_startup_objects, prepare_database, run_every
from krs_app.state.client_reports import FrontendReportLimit
from krs_app.state.exceptions import backend_error
from krs_app.state.session import SessionBoundary
from krs_app.styles import APP_STYLE, radix_scale_css

configure_logging()
prepare_database()

app = rx.App(
    theme=rx.theme(accent_color="blue", radius="medium", appearance="light"),
    stylesheets=["/fonts/sarabun.css", "/krs.css"],
    style=APP_STYLE,
    html_lang="th",
    head_components=[rx.script(src="/krs.js"), rx.el.style(radix_scale_css())],
    api_transformer=[api, secure_headers],  # the middleware wraps pages, static files and /api/* alike
    # An event that fails (the database down included) gets a Thai message, never the exception.
    backend_exception_handler=backend_error,
)
# First of all middleware: a tab whose session ended, expired, is missing or changed is reset
# before its event runs (the hydrate of a reconnect included), so nothing of the previous
# user's page state is ever sent to it.
app.add_middleware(SessionBoundary(), index=0)
app.add_middleware(FrontendReportLimit())
# Before even that one: a log id per event (krs_app.ops.logs), so its refusals carry it too.
app.add_middleware(EventLogContext(), index=0)
add_pages(app)


SCHEDULER_PERIOD_SECONDS = 60


async def _background_jobs() -> None:
    """Per process: live updates, and closing rounds whose certification deadline passed
    (a catch-up at start, then a periodic check; closing is idempotent, so several
    processes doing it is harmless). A failed check is logged and tried again next period;
    a broken import of the app's own code fails at start-up, where it is seen."""
    start_live_updates(app)
    freeze_startup_objects()
    await run_every(SCHEDULER_PERIOD_SECONDS, close_due_rounds, "closing due rounds")


app.register_lifespan_task(_background_jobs)
