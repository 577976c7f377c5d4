"""The bureau's review page: its indicators × the 245 districts, one result opened, decisions."""

from __future__ import annotations

import reflex as rx

from krs_app.domain.roles import Role
from krs_app.live.bus import Change
from krs_app.live.registry import bureau_key
from krs_app.live.targets import refreshed, watch
from krs_app.services import (
    lookups,
    overview,
    reminders,
    review_detail,
    review_inbox,
    threads,
)
from krs_app.services.catalogue import district_id_for_code
from krs_app.services.errors import ServiceError
from krs_app.services.review_detail import AllowedActions, ReviewDetail
from krs_app.services.review_inbox import ReviewColumn, ReviewRow
from krs_app.services.views import IndicatorOption, RoundOption
from krs_app.state.feedback import error_message
from krs_app.state.panel import PanelState, set_host_refresh
from krs_app.state.review_decisions import ReviewDecisions
from krs_app.state.session import SessionState, guarded


def _empty_detail() -> ReviewDetail:
    return ReviewDetail(
        district_id=0,
        district_code="",
        district_name="",
        indicator_id=0,
        indicator_code="",
        indicator_name="",
        round_id=0,
        round_label="",
        round_closed=False,
        variables=[],
        criteria=[],
        direction_text="",
        formula_text="",
        formula_with_values="",
        result_text="",
        score_text="",
        score_explanation="",
        complete=False,
        status="not_reported",
        status_label="",
        status_help="",
        reason="",
        correction_deadline_text="",
        extended_until_text="",
        certified_text="",
        refused_text="",
        fixed_at_close=False,
        history=[],
        decisions=[],
        actions=AllowedActions(False, "", False, "", False, "", False, ""),
    )


@refreshed
class ReviewState(ReviewDecisions, SessionState):
    indicator_options: list[IndicatorOption] = []
    indicator_id: str = ""
    round_id: str = ""
    rounds: list[RoundOption] = []
    indicator_code: str = ""
    indicator_name: str = ""
    round_label: str = ""
    round_closed: bool = False
    deadline_text: str = ""
    countdown_text: str = ""
    may_decide: bool = False
    period_reason: str = ""
    columns: list[ReviewColumn] = []
    rows: list[ReviewRow] = []
    counts: dict[str, int] = {}
    new_count: int = 0
    total: int = 0
    page: int = 1
    pages: int = 1
    status_filter: str = ""
    level_filter: str = ""
    new_only: bool = False
    outliers_only: bool = False
    search: str = ""
    sort: str = "status"
    selected: list[int] = []
    notice: str = ""
    notice_ok: bool = True
    # the opened result
    detail_open: bool = False
    detail: ReviewDetail = _empty_detail()
    refuse_open: bool = False
    not_applicable_open: bool = False
    request_id: str = ""  # the open refusal form's / bulk confirmation's (state/submit.py)
    busy: bool = False  # a decision is running: its confirming button shows it and takes no click
    decision_error: str = ""
    bulk_confirm_open: bool = False
    remind_open: bool = False
    remind_error: str = ""
    remind_count: int = 0  # districts a reminder sent now would reach (the dialog says it first)
    reminders_sent: list[reminders.SentReminder] = []
    remind_request_id: str = ""  # the reminder form's (state/submit.py)
    summaries: list[overview.IndicatorSummary] = []
    result_unit: str = "ร้อยละ"
    not_assessed_text: str = ""  # ยังไม่ต้องรายงานในรอบนี้: the list and its actions are not offered

    # ------------------------------------------------------------------ loading

    def _user_or_none(self):
        return self._user_with_role(Role.BUREAU)

    def _reload(self, user) -> None:
        self.indicator_options = lookups.bureau_indicator_options(
            user, int(self.round_id) if self.round_id.isdigit() else None
        )
        ids = [option.id for option in self.indicator_options]
        if self.indicator_id not in ids and ids:
            self.indicator_id = ids[0]
        if not self.indicator_id:
            return
        page = review_inbox.review_rows(
            user,
            int(self.indicator_id),
            int(self.round_id) if self.round_id.isdigit() else None,
            status=self.status_filter or None,
            new_only=self.new_only,
            outliers_only=self.outliers_only,
            level=self.level_filter or None,
            search=self.search,
            sort=self.sort,
            page=self.page,
        )
        self.round_id = str(page.round_id)
        self.rounds = page.rounds
        self.indicator_code = page.indicator_code
        self.indicator_name = page.indicator_name
        self.round_label = page.round_label
        self.round_closed = page.round_closed
        self.deadline_text = page.certification_deadline_text
        self.countdown_text = page.countdown_text
        self.may_decide = page.may_decide
        self.period_reason = page.period_reason
        self.columns = page.columns
        self.rows = page.rows
        self.result_unit = page.result_unit
        self.not_assessed_text = page.not_assessed_text
        self.counts = page.counts
        self.new_count = page.new_count
        self.total = page.total
        self.page = page.page
        self.pages = page.pages
        shown = {row.district_id for row in page.rows if row.selectable}
        self.selected = [d for d in self.selected if d in shown]
        self.summaries = overview.indicator_overview(user, page.round_id).summaries

    def _reload_detail(self, user) -> None:
        if self.detail_open and self.detail.district_id:
            self.detail = review_detail.review_detail(
                user, self.detail.district_id, self.detail.indicator_id, self.detail.round_id or None
            )

    def _run(self, user, action):
        """Call a service; show its Thai message if it refuses."""
        try:
            action(user)
        except (ServiceError, ValueError, TypeError) as error:
            self.notice = error_message(error)
            self.notice_ok = False
        self._reload(user)
        return None

    @rx.event
    @guarded(Role.BUREAU)
    def load(self, user):
        watch(self, bureau_key(user.bureau_id))
        self.notice = ""
        asked = self._asked_result()
        if asked is not None:  # /review?district=..&indicator=..&round=..: the report's heat-map cell
            self.round_id, self.page, self.selected, self.search = asked[2], 1, [], ""
        try:
            self._reload(user)
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False
            return None
        if asked is None:
            return None
        option = next((o for o in self.indicator_options if o.label.startswith(asked[1] + " ")), None)
        if option is None:  # not this bureau's indicator: the list as it is, nothing opened
            self.notice, self.notice_ok = "ตัวชี้วัดนี้ไม่ได้อยู่ในความรับผิดชอบของสำนักของคุณ", False
            return None
        if option.id != self.indicator_id:
            self.indicator_id = option.id
            self._reload(user)
        try:
            district_id = district_id_for_code(asked[0])
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False
            return None
        return ReviewState.open_detail(district_id)  # authorized again there, from the logged-in user

    def _asked_result(self) -> tuple[str, str, str] | None:
        """(district code, indicator code, round id) from the page's query, when it names a result."""
        query = self.router.url.query_parameters
        district, indicator, round_id = (str(query.get(k, ""))[:20] for k in ("district", "indicator", "round"))
        if not district or not indicator:
            return None
        return district, indicator, round_id if round_id.isdigit() else ""

    @rx.event
    @guarded(Role.BUREAU)
    def refresh(self, user):
        self._reload(user)
        self._reload_detail(user)
        return None

    def _live_refresh(self, change: Change, memo=None) -> None:
        """A district (or the scheduler) changed something on one of this bureau's indicators."""
        user = self._user_or_none()
        if user is None:
            return
        if change.kind != "round" and self.indicator_id and change.indicator_id != int(self.indicator_id):
            return
        self._reload(user)
        if self.detail_open and self.detail.district_id == change.district_id:
            self._reload_detail(user)

    # ------------------------------------------------------------------ filters

    @rx.event
    @guarded(Role.BUREAU)
    def choose_indicator(self, user, indicator_id: str):
        self.indicator_id = str(indicator_id)
        self.page, self.selected = 1, []
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def choose_round(self, user, round_id: str):
        self.round_id = str(round_id) if str(round_id).isdigit() else ""
        self.page, self.selected = 1, []
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def set_status_filter(self, user, value: str):
        self.status_filter = "" if value == "all" else str(value)[:20]
        self.page = 1
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def set_level_filter(self, user, value: str):
        self.level_filter = "" if value == "all" else str(value)[:20]
        self.page = 1
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def set_new_only(self, user, value: bool):
        self.new_only = bool(value)
        self.page = 1
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def set_outliers_only(self, user, value: bool):
        self.outliers_only = bool(value)
        self.page = 1
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def set_search(self, user, value: str):
        self.search = str(value)[:100]
        self.page = 1
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def set_sort(self, user, value: str):
        self.sort = str(value)[:10]
        return self._run(user, lambda user: None)

    @rx.event
    @guarded(Role.BUREAU)
    def go_page(self, user, page: int):
        self.page = max(1, int(page)) if str(page).lstrip("-").isdigit() else 1
        return self._run(user, lambda user: None)

    @rx.event
    def toggle_selected(self, district_id: int, checked: bool):
        district_id = int(district_id)
        rest = [d for d in self.selected if d != district_id]
        self.selected = [*rest, district_id] if checked else rest

    @rx.event
    def select_all_shown(self):
        self.selected = [row.district_id for row in self.rows if row.selectable]

    @rx.event
    def clear_selection(self):
        self.selected = []

    # ------------------------------------------------------------------ one result

    @rx.event
    @guarded(Role.BUREAU)
    async def open_detail(self, user, district_id: int):
        self.decision_error = ""
        self.refuse_open = False
        self.not_applicable_open = False
        try:
            self.detail = review_detail.review_detail(
                user, int(district_id), int(self.indicator_id), int(self.round_id)
            )
        except (ServiceError, ValueError, TypeError) as error:
            self.notice, self.notice_ok = getattr(error, "message", "ไม่พบข้อมูล"), False
            return None
        # The thread and files load in this same event: the window never shows its message box
        # over an empty (or another result's) thread while a later event brings the messages.
        panel = await self.get_state(PanelState)
        if not panel._load_result(user, self.detail.indicator_id, self.detail.district_id, self.round_id):
            return self._away()
        if panel._opened:
            self._reload(user)  # opening what is new counts as opening it: the row's badge goes
        self.detail_open = True
        return None

    @rx.event
    @guarded(Role.BUREAU)
    def open_new(self, user, district_id: int):
        """The new-data badge of a row: record who opened it and when (the manual's evidence), then open."""
        try:
            threads.mark_opened(user, int(district_id), int(self.indicator_id))
        except (ServiceError, ValueError, TypeError) as error:
            # The result still opens; the page says the opening was not recorded, and why.
            self.notice, self.notice_ok = error_message(error), False
        self._reload(user)
        return ReviewState.open_detail(district_id)

    @rx.event
    def set_detail_open(self, value: bool):
        self.detail_open = bool(value)
        if not value:
            self.refuse_open = False


set_host_refresh(Role.BUREAU, ReviewState.refresh)
