"""The KPI office's report page: districts' public scores and results by indicator."""

from __future__ import annotations

import reflex as rx

from krs_app.domain.roles import Role
from krs_app.live.bus import Change
from krs_app.live.registry import KPI_KEY
from krs_app.live.targets import refreshed, watch
from krs_app.services import overview, report, rounds, tracking
from krs_app.services.errors import ServiceError
from krs_app.services.overview import IndicatorSummary
from krs_app.services.report import DistrictScoreRow
from krs_app.services.round_options import round_options_for
from krs_app.services.tracking import BureauTracking, IndicatorTracking
from krs_app.services.views import RoundOption
from krs_app.state.session import SessionState, guarded

REPORT_ROLES = (Role.KPI_OFFICE, Role.BUREAU, Role.DISTRICT)  # who may open /report

__all__ = ["BureauTracking", "DistrictScoreRow", "IndicatorSummary", "IndicatorTracking", "KpiHomeState"]


@refreshed
class KpiHomeState(SessionState):
    round_id: str = ""
    round_label: str = ""
    rounds: list[RoundOption] = []
    summaries: list[IndicatorSummary] = []
    districts: list[DistrictScoreRow] = []
    search: str = ""
    level: str = "all"
    round_closed: bool = False
    deadline_text: str = ""
    countdown_text: str = ""
    overdue_rule: str = ""
    bureaus: list[BureauTracking] = []
    notice: str = ""
    notice_ok: bool = True

    @rx.var
    def shown_districts(self) -> list[DistrictScoreRow]:
        text = self.search.strip()
        return [
            row
            for row in self.districts
            if (self.level == "all" or row.level == self.level) and (not text or text in row.name or text in row.code)
        ]

    def _reload(self, user) -> None:
        round_id = int(self.round_id) if self.round_id.isdigit() else None
        page = overview.indicator_overview(user, round_id)
        scores = report.district_report(user, round_id)
        self.round_id = str(scores.round_id)
        self.round_label = page.round_label
        self.summaries = page.summaries
        self.districts = scores.rows
        self.rounds = round_options_for()
        follow = tracking.certification_tracking(user, scores.round_id)
        self.round_closed = follow.round_closed
        self.deadline_text = follow.certification_deadline_text
        self.countdown_text = follow.countdown_text
        self.overdue_rule = follow.overdue_rule
        self.bureaus = follow.bureaus

    @rx.event
    @guarded(*REPORT_ROLES)
    def load(self, user):
        """The report page's KPI-office part; bureaus and districts see the page without it."""
        if not user.is_kpi_office:
            return None
        watch(self, KPI_KEY)
        self._reload(user)
        return None

    @rx.event
    @guarded(*REPORT_ROLES)
    def change_round(self, user, round_id: str):
        if not user.is_kpi_office:
            return None
        self.round_id = str(round_id) if str(round_id).isdigit() else ""
        self._reload(user)
        return None

    @rx.event
    def set_search(self, text: str):
        self.search = str(text)[:100]

    @rx.event
    def set_level(self, level: str):
        self.level = level if level in ("all", "สพป.", "สพม.") else "all"

    @rx.event
    @guarded(Role.KPI_OFFICE)
    def close_round(self, user):
        """ปิดรอบ: fix unreported results at 1.00000; idempotent; audited by the service."""
        try:
            outcome = rounds.close_round(user, int(self.round_id))
        except (ServiceError, ValueError) as error:
            self.notice, self.notice_ok = getattr(error, "message", "ปิดรอบไม่ได้"), False
            return None
        if outcome.already_closed:
            self.notice = f"รอบนี้ปิดแล้วเมื่อ {outcome.closed_at_text}"
        else:
            self.notice = (
                f"ปิดรอบแล้ว: ยังไม่รายงานผลกำหนดคะแนน 1.00000 จำนวน {outcome.fixed} รายการ, "
                f"ไม่รับรอง {outcome.stays_refused}, ค้างรับรองของสำนัก {outcome.overdue_total}"
            )
        self.notice_ok = True
        self._reload(user)
        return None

    def _live_refresh(self, change: Change, memo=None) -> None:
        user = self._user_with_role(Role.KPI_OFFICE)
        if user is not None and (not self.round_id or change.round_id == int(self.round_id)):
            self._reload(user)
