"""A district's profile page: the district itself, the KPI office, bureaus (their indicators)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import reflex as rx

from krs_app import routes
from krs_app.services.errors import ServiceError
from krs_app.services.report_profile import district_profile
from krs_app.state.session import SessionState

# The charts render after this event's rows arrive; then the indicator the link named is brought
# into view and marked (the id is looked up, never run).
_SCROLL_TO_HASH = """setTimeout(() => {
  const e = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (e) { e.scrollIntoView({block: "start"}); e.setAttribute("aria-current", "true"); e.classList.add("krs-target"); }
}, 400)"""


@dataclass
class RoundPoint:
    round: str
    label: str
    overall: float
    overall_text: str
    rank: int
    rank_text: str


@dataclass
class ResultPoint:
    round: str
    result: float | None
    median: float | None
    result_text: str
    median_text: str
    status: str


@dataclass
class IndicatorSeries:
    code: str
    code_id: str
    name: str
    points: list[dict]  # ResultPoint as dicts: the chart's data


class ProfileState(SessionState):
    code: str = ""
    name: str = ""
    subtitle: str = ""
    error: str = ""
    rounds: list[RoundPoint] = []
    rounds_chart: list[dict] = []
    indicators: list[IndicatorSeries] = []
    pdf_url: str = ""

    @rx.event
    def load(self):
        user = self._user()
        self._show_user(user)
        self.rounds, self.rounds_chart, self.indicators, self.name, self.error = [], [], [], "", ""
        if user is None:
            return rx.redirect(routes.LOGIN)
        code = str(self.router.page.params.get("code", ""))[:40]
        try:
            profile = district_profile(user, code)
        except ServiceError:
            self.error = "ไม่พบข้อมูลของ สพท. นี้ หรือคุณไม่มีสิทธิ์ดู"
            return None
        self.code = profile.code
        self.name = profile.name
        self.subtitle = f"{profile.level_label} จังหวัด{profile.province}"
        self.pdf_url = routes.report_profile_pdf(profile.code)
        self.rounds = [
            RoundPoint(r.short_label, r.label, r.overall, r.overall_text, r.rank, f"{r.rank}/{r.district_total}")
            for r in profile.rounds
        ]
        self.rounds_chart = [asdict(r) for r in self.rounds]
        self.indicators = [
            IndicatorSeries(
                i.code,
                i.code_id,
                i.name,
                [
                    asdict(ResultPoint(p.short_label, p.result, p.median, p.result_text, p.median_text, p.status_label))
                    for p in i.points
                ],
            )
            for i in profile.indicators
        ]
        return rx.call_script(_SCROLL_TO_HASH)  # a heat-map cell's link names the indicator after "#"
