"""Route constants and URL builders for every page and API path, and each role's home page.

Imports nothing above domain/: pages, components, states, services and api*.py all build
their URLs here, so a path is written once.
"""

from __future__ import annotations

from urllib.parse import urlencode

from krs_app.domain.roles import Role

# ---------------------------------------------------------------- pages

HOME = "/"
LOGIN = "/login"
ENTRY = "/entry"  # บันทึกข้อมูล (district)
REVIEW = "/review"  # the bureau's inbox
REPORT = "/report"  # the KPI office's report
CENTRAL = "/central"  # ข้อมูลส่วนกลาง (bureau: central variables, import)
DISTRICT_PROFILE = "/report/district/[code]"  # one district's profile (the page pattern)
ADMIN = "/admin"  # the KPI office's administration: years and rounds, catalogue, accounts, offices, audit log
PASSWORD = "/password"  # เปลี่ยนรหัสผ่าน (every logged-in user; the only page until a one-time password is changed)

ROLE_HOME = {
    Role.DISTRICT: ENTRY,
    Role.BUREAU: REVIEW,
    Role.KPI_OFFICE: REPORT,
}

# ---------------------------------------------------------------- API (api.py, api_central.py)

EVIDENCE_UPLOAD = "/api/evidence"  # POST ?indicator=<id>&round=<id>, the raw file as the body
EVIDENCE_DOWNLOAD = "/api/evidence/{file_id}"  # GET, the route pattern
TRACKING_DOWNLOAD = "/api/tracking.{kind:str}"  # GET ?round=<id>, kind csv | xlsx: the route pattern
TRACKING_CSV = "/api/tracking.csv"
TRACKING_XLSX = "/api/tracking.xlsx"
CENTRAL_IMPORT = "/api/central-import"  # POST ?indicator=<id>&round=<id>, the raw file as the body
CENTRAL_TEMPLATE = "/api/central-template"  # GET ?indicator=<id>&round=<id>
ADMIN_CATALOGUE_XLSX = "/api/admin/catalogue.xlsx"  # GET ?year=<id>: the year's catalogue workbook (api_admin.py)
ADMIN_IMPORT = "/api/admin/import/{kind:str}"  # POST the raw file, kind catalogue | accounts | districts | bureaus

SESSION_COOKIE = "krs_session"  # the browser keeps only a random session token under this name (HttpOnly)
API_LOGIN = "/api/login"  # POST the login form: sets the session cookie (api_session.py)
API_LOGOUT = "/api/logout"  # POST: ends the session, clears the cookie
REPORT_DOWNLOAD = "/api/report.{kind:str}"  # GET the report page's view, kind xlsx | pdf: the route pattern
REPORT_PROFILE_PDF = "/api/report/district/{code:str}.pdf"  # GET one district's profile as PDF: the route pattern


LOGIN_ENDED = "ended"  # /login?ended=<reason>: why the server ended this tab's session (state.login says it in Thai)


def login_after_ended(reason: str) -> str:
    """The login page a tab is sent to when the server ended its session (live.sessions_ended)."""
    return f"{LOGIN}?{_query(**{LOGIN_ENDED: reason})}" if reason else LOGIN


def evidence_download(file_id: int) -> str:
    """The authenticated download of one evidence file."""
    return EVIDENCE_DOWNLOAD.format(file_id=file_id)


def central_import(indicator_id: int, round_id: int) -> str:
    """Where the central-data page posts a file to preview its import."""
    return f"{CENTRAL_IMPORT}?{_query(indicator=indicator_id, round=round_id)}"


def central_template(indicator_id: int, round_id: int) -> str:
    """The CSV template with the current central values of one indicator and round."""
    return f"{CENTRAL_TEMPLATE}?{_query(indicator=indicator_id, round=round_id)}"


def admin_catalogue_xlsx(year_id):
    """The catalogue workbook of one fiscal year (a str, or a page's Var)."""
    return ADMIN_CATALOGUE_XLSX + "?year=" + year_id


def admin_import(kind: str, year_id=""):
    """Where /admin posts a file to preview its import; the catalogue's names its year (a str or Var)."""
    return f"/api/admin/import/{kind}?year=" + year_id


def tracking_csv(round_id):
    """ติดตามการรับรองผล as CSV for one round (a str, or a page's Var: the sum is then a Var)."""
    return TRACKING_CSV + "?round=" + round_id


def tracking_xlsx(round_id):
    """ติดตามการรับรองผล as .xlsx for one round (a str, or a page's Var)."""
    return TRACKING_XLSX + "?round=" + round_id


def district_profile(code):
    """The profile page of one district (a str, or a page's Var)."""
    return "/report/district/" + code


def district_profile_indicator(code, code_id):
    """The profile page of one district, at one indicator's chart (code_id: 11.2 -> 11_2; str or Var)."""
    return "/report/district/" + code + "#profile-indicator-" + code_id


def review_result(district_code, indicator_code, round_id):
    """The bureau's review page with one district's result on one indicator opened (str or Var)."""
    return "/review?district=" + district_code + "&indicator=" + indicator_code + "&round=" + round_id


def report_download(kind: str, query):
    """The report's view as .xlsx or PDF; `query` is the page's filters as a query string (a str or Var)."""
    return f"/api/report.{kind}?" + query


def report_profile_pdf(code):
    """One district's profile as a one-page PDF (a str, or a page's Var)."""
    return "/api/report/district/" + code + ".pdf"


def _query(**params: object) -> str:
    return urlencode(params)
