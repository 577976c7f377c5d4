"""Route constants and each role's home page."""

LOGIN = "/login"
ENTRY = "/entry"  # บันทึกข้อมูล (district)
REVIEW = "/review"  # the bureau's inbox
REPORT = "/report"  # the KPI office's report
CENTRAL = "/central"  # ข้อมูลส่วนกลาง (bureau: central variables, import)
HOME = "/"

ROLE_HOME = {
    "district": ENTRY,
    "bureau": REVIEW,
    "kpi_office": REPORT,
}

SESSION_COOKIE = "krs_session"  # the browser keeps only a random session token under this name (HttpOnly)
API_LOGIN = "/api/login"  # POST the login form: sets the session cookie (api_session.py)
API_LOGOUT = "/api/logout"  # POST: ends the session, clears the cookie
