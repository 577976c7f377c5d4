"""The Reflex app: pages, styles, and the authenticated evidence route."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from krs_app import routes
from krs_app.api import api
from krs_app.http_security import secure_headers
from krs_app.pages.central import central_page
from krs_app.pages.entry import entry_page
from krs_app.pages.login import login_page
from krs_app.pages.report import report_page
from krs_app.pages.review import review_page
from krs_app.startup import freeze_startup_objects, prepare_database
from krs_app.state.central import CentralState
from krs_app.state.client_reports import FrontendReportLimit
from krs_app.state.entry import EntryState
from krs_app.state.home import KpiHomeState
from krs_app.state.live import start_live_updates
from krs_app.state.login import LoginState
from krs_app.state.review import ReviewState
from krs_app.state.session import SessionState

prepare_database()

STYLE = {
    "font_family": "'Sarabun', system-ui, sans-serif",
}

app = rx.App(
    theme=rx.theme(accent_color="blue", radius="medium", appearance="light"),
    stylesheets=["/fonts/sarabun.css", "/krs.css"],
    style=STYLE,
    html_lang="th",
    head_components=[rx.script(src="/krs.js")],
    api_transformer=[api, secure_headers],  # the middleware wraps pages, static files and /api/* alike
)
app.add_middleware(FrontendReportLimit())


def _index() -> rx.Component:
    return rx.center(rx.spinner(), min_height="100vh")


app.add_page(_index, route=routes.HOME, title="KRS System", on_load=SessionState.go_home)
app.add_page(login_page, route=routes.LOGIN, title="เข้าสู่ระบบ | KRS System", on_load=LoginState.load)
app.add_page(entry_page, route=routes.ENTRY, title="บันทึกข้อมูล | KRS System", on_load=EntryState.load)
app.add_page(review_page, route=routes.REVIEW, title="ตรวจสอบและรับรองผล | KRS System", on_load=ReviewState.load)
app.add_page(report_page, route=routes.REPORT, title="รายงานผล | KRS System", on_load=KpiHomeState.load)
app.add_page(central_page, route=routes.CENTRAL, title="ข้อมูลส่วนกลาง | KRS System", on_load=CentralState.load)


SCHEDULER_PERIOD_SECONDS = 60


async def _background_jobs() -> None:
    """Per process: live updates, and closing rounds whose certification deadline passed
    (a catch-up at start, then a periodic check; closing is idempotent, so several
    processes doing it is harmless)."""
    start_live_updates()
    freeze_startup_objects()
    while True:
        try:
            from krs_app.services.rounds import close_due_rounds

            await asyncio.to_thread(close_due_rounds)
        except ImportError:
            pass
        except Exception:
            logging.getLogger(__name__).exception("closing due rounds failed")
        await asyncio.sleep(SCHEDULER_PERIOD_SECONDS)


app.register_lifespan_task(_background_jobs)
