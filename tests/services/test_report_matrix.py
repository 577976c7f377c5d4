"""The report matrix, its views, and its .xlsx / PDF exports: the same numbers everywhere,
recomputed here independently from the stored values and criteria."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, update
from starlette.testclient import TestClient

from krs_app.api import api
from krs_app.db.engine import session_scope
from krs_app.db.models import District, Indicator, Result, Round, Value, Variable
from krs_app.domain.formula import evaluate_formula
from krs_app.domain.numbers import format_result, format_score
from krs_app.live.bus import Change, announce
from krs_app.routes import SESSION_COOKIE
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, decisions
from krs_app.services.errors import NotAllowed, ServiceError
from krs_app.services.report_matrix import invalidate_matrices
from krs_app.services.report_pdf import report_pdf
from krs_app.services.report_profile import district_profile
from krs_app.services.report_view import ReportFilters, report_view
from krs_app.services.report_xlsx import report_xlsx_file
from tests.services.helpers import current_round_id, district_id, login_as

NOW = datetime(2026, 12, 1, 10, 30)


def q4(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def interpolate(result: float, t: list[float], lower_is_better: bool) -> float:
    """The Thai public-sector rule, written out again: 1 at or below level 1, 5 at or above 5."""
    if lower_is_better:
        result, t = -result, [-x for x in t]
    if result <= t[0]:
        return 1.0
    if result >= t[4]:
        return 5.0
    for i in range(4):
        if t[i] <= result < t[i + 1]:
            return (i + 1) + (result - t[i]) / (t[i + 1] - t[i]) if t[i + 1] != t[i] else i + 2.0
    return 5.0


def expected_overall(code: str, round_id: int) -> float:
    """Σ weight × public score / Σ weight from the raw rows: a certified result scores what its
    stored values give under its criteria; any other status scores 1."""
    with session_scope() as session:
        round_ = session.get(Round, round_id)
        months = round_.months
        did = session.execute(select(District.id).where(District.code == code)).scalar_one()
        statuses = dict(
            session.execute(
                select(Result.indicator_id, Result.status).where(Result.round_id == round_id, Result.district_id == did)
            ).all()
        )
        values = {
            (iid, key): v
            for iid, key, v in session.execute(
                select(Variable.indicator_id, Variable.key, Value.value)
                .join(Value, Value.variable_id == Variable.id)
                .where(Value.round_id == round_id, Value.district_id == did)
            ).all()
        }
        required = {}
        for iid, key, months_text in session.execute(
            select(Variable.indicator_id, Variable.key, Variable.required_months)
        ):
            if str(months) in months_text.split(","):
                required.setdefault(iid, []).append(key)
        total = weights = 0.0
        year = select(Indicator).where(Indicator.fiscal_year_id == round_.fiscal_year_id, Indicator.active)
        for ind in session.execute(year).scalars():
            if ind.id not in required:
                continue  # not assessed in this round
            score = 1.0
            if statuses.get(ind.id) == "certified":
                names = {k if k.isidentifier() else f"v{k}": values.get((ind.id, k)) for k in required[ind.id]}
                raw = evaluate_formula(ind.formula, names)
                thresholds = [ind.t1, ind.t2, ind.t3, ind.t4, ind.t5]
                score = q4(interpolate(raw, thresholds, ind.direction == "lower"))
            total += ind.weight * score
            weights += ind.weight
        return q4(total / weights)


def _year_of(round_id: int) -> int:
    with session_scope() as session:
        return session.get(Round, round_id).fiscal_year_id


def three_districts(view) -> list[str]:
    """The top district, one with no certified result, and one from the middle."""
    rows = view.rows
    plain = next(r.code for r in rows if all(c.status != "certified" for c in r.cells))
    return [rows[0].code, rows[len(rows) // 2].code, plain]


def pdftotext(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; scripts/test.sh installs it")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=bytes(data), capture_output=True, check=True)
    return done.stdout.decode()


def test_page_xlsx_and_pdf_give_the_independently_recomputed_overall(krs_db):
    kpi = login_as("kpi")
    round_id = current_round_id()
    view = report_view(kpi, round_id)
    assert len(view.rows) == 245 and view.district_total == 245
    codes = three_districts(view)
    expected = {code: expected_overall(code, round_id) for code in codes}
    assert expected[codes[2]] == 1.0 and expected[codes[0]] > 1.0
    by_code = {r.code: r for r in view.rows}
    for code in codes:
        assert by_code[code].overall_text == f"{expected[code]:.4f}"
    sheet = load_workbook(report_xlsx_file(view, NOW))["รายงาน"]
    xlsx = {}
    for row in sheet.iter_rows(min_row=4):
        name = row[0].value
        xlsx[name] = row[4]
    for code in codes:
        cell = xlsx[by_code[code].short_name]
        assert cell.data_type == "n" and cell.number_format == "0.0000"
        assert round(cell.value, 4) == expected[code]
    text = pdftotext(report_pdf(view, NOW))
    lines = text.splitlines()
    for code in codes:
        row = by_code[code]
        line = next(line for line in lines if f" {row.short_name} " in f" {line} " and line.split()[0] == str(row.rank))
        assert f"{expected[code]:.4f}" in line.split()


def test_public_scores_follow_the_status(krs_db):
    view = report_view(login_as("kpi"))
    seen = set()
    for row in view.rows:
        for cell in row.cells:
            if cell.status != "certified":
                assert cell.score == 1.0 and cell.score_text == "1.0000"
            seen.add(cell.status)
    assert {"certified", "awaiting", "not_certified", "not_reported"} <= seen


def test_bureau_sees_its_indicators_and_a_district_its_row_and_rank(krs_db):
    finance = report_view(login_as("finance"))
    assert [c.code for c in finance.columns] == ["7.1", "7.2", "11.2", "11.3", "11.4", "11.6"]
    assert len(finance.rows) == 245 and finance.bureaus == []
    own = report_view(login_as("spm07"))
    assert [r.code for r in own.rows] == ["spm07"] and len(own.columns) == 26
    everyone = {r.code: r.rank for r in report_view(login_as("kpi")).rows}
    assert own.rows[0].rank == everyone["spm07"] and own.district_total == 245
    # A district cannot widen its view with filters.
    assert [r.code for r in report_view(login_as("spm07"), filters=ReportFilters(level="primary")).rows] == ["spm07"]


def test_filters_and_sort(krs_db):
    kpi = login_as("kpi")
    secondary = report_view(kpi, filters=ReportFilters(level="secondary"))
    assert len(secondary.rows) == 62 and all(r.level == "secondary" for r in secondary.rows)
    province = secondary.rows[0].province
    one = report_view(kpi, filters=ReportFilters(province=province))
    assert one.rows and all(r.province == province for r in one.rows)
    bureau_id = next(b for b, short in report_view(kpi).bureaus if short == "สคส.")
    assert next(c.code for c in report_view(kpi, filters=ReportFilters(bureau_id=bureau_id)).columns) == "7.1"
    by_113 = report_view(kpi, filters=ReportFilters(sort="11.3"))
    scores = [r.cells[[c.code for c in by_113.columns].index("11.3")].score for r in by_113.rows]
    assert scores == sorted(scores, reverse=True)
    ranks = [r.rank for r in report_view(kpi, filters=ReportFilters(sort="rank")).rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    for bad in (ReportFilters(level="x"), ReportFilters(province="ไม่มี"), ReportFilters(sort="99.9")):
        with pytest.raises(ServiceError):
            report_view(kpi, filters=bad)


def test_a_certification_shows_in_the_next_view(krs_db):
    kpi = login_as("kpi")
    round_id = current_round_id()
    before = report_view(kpi, round_id)
    row = next(r for r in before.rows for c in r.cells if c.status == "awaiting" and c.code_id == "11_3")
    at = [c.code for c in before.columns].index("11.3")
    with session_scope() as session:
        iid = session.execute(
            select(Indicator.id).where(Indicator.code == "11.3", Indicator.fiscal_year_id == _year_of(round_id))
        ).scalar_one()
    decisions.certify(login_as("finance"), row.district_id, iid, round_id)
    patched = report_view(kpi, round_id)  # the bus named the district: only its row was re-read
    after = next(r for r in patched.rows if r.code == row.code)
    assert after.cells[at].status == "certified"
    assert after.overall >= row.overall
    invalidate_matrices()
    rebuilt = report_view(kpi, round_id)
    assert [(r.code, r.overall, r.rank, r.cells) for r in patched.rows] == [
        (r.code, r.overall, r.rank, r.cells) for r in rebuilt.rows
    ]


def test_the_matrix_is_kept_until_the_bus_or_the_rows_say_it_changed(krs_db):
    kpi = login_as("kpi")
    round_id = current_round_id()
    first = report_view(kpi, round_id)
    target = first.rows[0]
    with session_scope() as session:  # a write that neither announces nor touches updated_at
        session.execute(
            update(Result)
            .where(Result.round_id == round_id, Result.district_id == target.district_id)
            .values(status="not_reported")
        )
    assert next(r for r in report_view(kpi, round_id).rows if r.code == target.code).overall == target.overall
    announce(Change(district_id=target.district_id, round_id=round_id, indicator_id=None, kind="status"))
    assert next(r for r in report_view(kpi, round_id).rows if r.code == target.code).overall == 1.0


def test_xlsx_neutralises_formula_text_and_keeps_numbers(krs_db):
    with session_scope() as session:
        session.execute(update(District).where(District.code == "spm07").values(short_name='=HYPERLINK("x","y")'))
    book = load_workbook(report_xlsx_file(report_view(login_as("kpi")), NOW))
    sheet = book["รายงาน"]
    assert sheet.freeze_panes == "B4"
    assert "ครั้งที่" in sheet["A1"].value and "ธ.ค. 2569" in sheet["A2"].value
    cell = next(row[0] for row in sheet.iter_rows(min_row=4) if str(row[0].value).startswith("="))
    assert cell.data_type == "s" and cell.quotePrefix
    first = next(iter(sheet.iter_rows(min_row=4, max_row=4)))
    assert first[5].number_format == "0.00" and first[6].number_format == "0.0000"
    assert isinstance(first[6].value, (int, float))
    assert sheet.column_dimensions["A"].width > 15


def test_pdf_embeds_sarabun_and_gives_back_thai_names(krs_db):
    view = report_view(login_as("kpi"))
    data = bytes(report_pdf(view, NOW))
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages[:1]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]
            fonts.add(str(font["/BaseFont"]))
    assert any("Sarabun" in name for name in fonts)
    text = pdftotext(data)
    assert view.rows[0].short_name in text and "สพม. เขต 7" in text
    assert f"หน้า 1/{len(reader.pages)}" in text and "ธ.ค. 2569" in text and "ผู้รับรองรายงาน" in text


def test_profile_is_the_districts_own_or_the_centres(krs_db):
    own = district_profile(login_as("spm07"), "spm07")
    assert [r.round_id for r in own.rounds][-1] == current_round_id() and len(own.rounds) == 3
    assert own.indicators and all(len(i.points) >= 1 for i in own.indicators)
    with pytest.raises(NotAllowed):
        district_profile(login_as("spm07"), "spm01")
    finance = district_profile(login_as("finance"), "spm01")
    assert {i.code for i in finance.indicators} <= {"7.1", "7.2", "11.2", "11.3", "11.4", "11.5", "11.6"}


@pytest.fixture
def client(krs_db):
    with TestClient(api) as test_client:
        yield test_client


def as_user(username: str) -> dict[str, str]:
    token, _ = auth.login(username, DEMO_PASSWORD)
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


def test_downloads_are_authorized_like_the_page(client):
    assert client.get("/api/report.xlsx").status_code == 404
    assert client.get("/api/report.pdf").status_code == 404
    assert client.get("/api/report/district/spm07.pdf").status_code == 404
    assert client.get("/api/report/district/spm01.pdf", headers=as_user("spm07")).status_code == 404
    own = client.get("/api/report/district/spm07.pdf", headers=as_user("spm07"))
    assert (
        own.status_code == 200
        and own.content.startswith(b"%PDF")
        and "attachment" in own.headers["content-disposition"]
    )
    kpi = as_user("kpi")
    xlsx = client.get("/api/report.xlsx", params={"level": "secondary"}, headers=kpi)
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content))["รายงาน"].max_row == 3 + 62 + 1
    assert client.get("/api/report.xlsx", params={"level": "nonsense"}, headers=kpi).status_code == 404
    spm07 = client.get("/api/report.xlsx", headers=as_user("spm07"))
    assert load_workbook(io.BytesIO(spm07.content))["รายงาน"].max_row == 3 + 1 + 1
    pdf = client.get("/api/report.pdf", headers=kpi)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert district_id("spm07")


def test_review_list_flags_a_planted_outlier_and_never_blocks_certifying(krs_db):
    from krs_app.services import review_inbox
    from tests.services.helpers import indicator_id, plant_ratio_outlier

    round_id = current_round_id()
    finance = login_as("finance")
    iid = indicator_id("11.2", round_id)
    page = review_inbox.review_rows(finance, iid, round_id, page_size=300)
    planted = next(r for r in page.rows if r.status == "awaiting")
    assert not review_inbox.review_rows(finance, iid, round_id, outliers_only=True, page_size=300).rows or all(
        r.outlier for r in review_inbox.review_rows(finance, iid, round_id, outliers_only=True, page_size=300).rows
    )
    plant_ratio_outlier(planted.district_id, round_id)
    flagged = review_inbox.review_rows(finance, iid, round_id, outliers_only=True, page_size=300).rows
    row = next(r for r in flagged if r.district_id == planted.district_id)
    assert row.outlier and "ต่างจากค่ากลางของทุกเขต" in row.outlier_reason and "เท่า" in row.outlier_reason
    assert row.outlier_id == f"outlier-flag-{planted.district_code}-11_2"
    assert decisions.certify(finance, planted.district_id, iid, round_id)  # advice only


def test_every_cell_shows_its_stored_numbers_also_after_a_patch(krs_db):
    """The cells' texts (memoised in the matrix) are the stored numbers formatted as the rest of
    the app formats them, for every cell; a patched row shows a value it never showed before."""
    kpi = login_as("kpi")
    round_id = current_round_id()
    with session_scope() as session:
        stored = {
            (code, indicator): (status, result, score, marked)
            for code, indicator, status, result, score, marked in session.execute(
                select(District.code, Indicator.code, Result.status, Result.result, Result.score, Result.not_applicable)
                .join(District, District.id == Result.district_id)
                .join(Indicator, Indicator.id == Result.indicator_id)
                .where(Result.round_id == round_id)
            )
        }

    def check(view) -> None:
        codes = [c.code for c in view.columns]
        for row in view.rows:
            for code, cell in zip(codes, row.cells, strict=True):
                status, result, score, marked = stored.get((row.code, code), ("not_reported", None, None, False))
                public = None if marked else (score if status == "certified" and score is not None else 1.0)
                assert cell.score_text == ("-" if public is None else format_score(public))
                assert cell.result_text.split(" ")[-1] == format_result(result)

    view = report_view(kpi, round_id)
    check(view)
    row = next(r for r in view.rows for c in r.cells if c.status == "certified" and c.code_id == "11_2")
    with session_scope() as session:
        iid = session.execute(
            select(Indicator.id).where(Indicator.code == "11.2", Indicator.fiscal_year_id == _year_of(round_id))
        ).scalar_one()
        session.execute(
            update(Result)
            .where(Result.district_id == row.district_id, Result.indicator_id == iid, Result.round_id == round_id)
            .values(result=12345.67, score=4.3219)
        )
    stored[(row.code, "11.2")] = ("certified", 12345.67, 4.3219, False)
    announce(Change(district_id=row.district_id, round_id=round_id, indicator_id=iid, kind="value"))
    patched = report_view(kpi, round_id)
    cell = next(r for r in patched.rows if r.code == row.code).cells[[c.code for c in patched.columns].index("11.2")]
    assert (cell.score_text, cell.result_text.split(" ")[-1]) == ("4.3219", "12,345.67")
    check(patched)
