"""The demo accounts the login page offers to fill in: only when the server runs in demo mode."""

from __future__ import annotations

from krs_app.services.views import DemoAccount
from krs_app.settings import get_settings


def login_demo_accounts() -> list[DemoAccount]:
    """The seeded demo accounts with who each one is; none outside demo mode."""
    if not get_settings().demo:
        return []
    from krs_app.seed.demo import DEMO_BUREAU, DEMO_DISTRICT, DEMO_KPI_OFFICE, DEMO_PASSWORD

    return [
        DemoAccount(DEMO_DISTRICT, DEMO_PASSWORD, "สพท.: สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7"),
        DemoAccount(DEMO_BUREAU, DEMO_PASSWORD, "สำนัก: สำนักการคลังและสินทรัพย์"),
        DemoAccount(DEMO_KPI_OFFICE, DEMO_PASSWORD, "กพร.: ผู้ดูแลระบบ"),
    ]
