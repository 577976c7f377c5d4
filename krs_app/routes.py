"""Route constants and each role's home page."""

LOGIN = "/login"
ENTRY = "/entry"  # บันทึกข้อมูล (district)
REVIEW = "/review"  # the bureau's inbox
REPORT = "/report"  # the KPI office's report
CENTRAL = "/central"  # ข้อมูลส่วนกลาง (bureau: central variables, import)
PASSWORD = "/password"  # เปลี่ยนรหัสผ่าน (every logged-in user; the only page until a one-time password is changed)
HOME = "/"

ROLE_HOME = {
    "district": ENTRY,
    "bureau": REVIEW,
    "kpi_office": REPORT,
}

SESSION_COOKIE = "krs_session"  # the browser keeps only a random session token under this name
