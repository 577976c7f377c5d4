"""Migration 0002 on a database made by the previous version of KRS (one global catalogue).

The old database is built by the old code itself: the tree of PREVIOUS_VERSION (the last
commit with revision 0001 as head) is exported with `git archive`, and its own
`upgrade_to_head()` + `load_demo()` run in a subprocess, followed by a value entered
through its own entry service; an evidence file and an audit row of FY 2562 are added in
SQL (the demo has none in the old rounds). Then this version migrates it, on SQLite and on
PostgreSQL, and every stored row must still say the same thing about the same indicator.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import _use_database

PREVIOUS_VERSION = "fcbf2b492cad46645c0867f8c8ffb8ceb9eeca46"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

OLD_ACTIVITY = """
from krs_app.db.migrate import upgrade_to_head
from krs_app.seed.demo import load_demo
upgrade_to_head()
load_demo()
from sqlmodel import select
from krs_app.db.engine import session_scope
from krs_app.db.models import Indicator, Variable
from krs_app.services import auth, entry
from krs_app.services.catalogue import current_round
_, user = auth.login("spm07", "krs2562")
with session_scope() as session:
    round_id = current_round(session).id
    ind = session.exec(select(Indicator).where(Indicator.code == "11.3")).one()
    vid = session.exec(select(Variable).where(Variable.indicator_id == ind.id, Variable.key == "1")).one().id
assert entry.enter_value(user, round_id, vid, "1").ok
"""


@pytest.fixture(scope="module")
def old_tree() -> Path:
    try:
        archive = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "archive", PREVIOUS_VERSION, "krs_app"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"the previous version {PREVIOUS_VERSION[:8]} is not in this checkout's history: {error}")
    target = Path(tempfile.mkdtemp(prefix="krs-old-"))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def _build_old_database(tree: Path, url: str, data_dir: Path) -> None:
    env = {**os.environ, "KRS_DATABASE_URL": url, "KRS_DATA_DIR": str(data_dir), "KRS_SECRET": "old"}
    env.pop("REFLEX_REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", OLD_ACTIVITY], cwd=tree, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def _add_old_year_rows(engine: sa.Engine) -> None:
    """An evidence file and an audit row on FY 2562's 11.3 (old ids: the global indicator)."""
    with engine.begin() as c:
        round_id = c.execute(sa.text("SELECT id FROM round WHERE label = 'ครั้งที่ 2 ปี 62 (รอบ 12 เดือน)'")).scalar_one()
        ind = c.execute(sa.text("SELECT id FROM indicator WHERE code = '11.3'")).scalar_one()
        var = c.execute(
            sa.text("SELECT id FROM variable WHERE indicator_id = :i AND key = '1'"), {"i": ind}
        ).scalar_one()
        district = c.execute(sa.text("SELECT id FROM district WHERE code = 'spm07'")).scalar_one()
        user = c.execute(sa.text("SELECT id FROM user_account WHERE username = 'spm07'")).scalar_one()
        c.execute(
            sa.text(
                "INSERT INTO evidence_file (district_id, indicator_id, round_id, description, original_name, stored_name,"
                " size_bytes, sha256, content_type, uploaded_by, uploaded_at) VALUES (:d, :i, :r, 'สรุป', 'a.pdf', "
                "'old.bin', 10, 'x', 'application/pdf', :u, '2019-10-20 03:00:00')"
            ),
            {"d": district, "i": ind, "r": round_id, "u": user},
        )
        c.execute(
            sa.text(
                "INSERT INTO audit_log (at, user_id, action, entity, entity_id, district_id, round_id, indicator_id)"
                " VALUES ('2019-10-20 03:00:00', :u, 'enter_value', 'value', :v, :d, :r, :i)"
            ),
            {"u": user, "v": var, "d": district, "r": round_id, "i": ind},
        )


def _snapshot(engine: sa.Engine) -> dict:
    """What every stored row says, by codes and keys (not by catalogue ids)."""
    with engine.connect() as c:
        q = lambda sql: sorted(tuple(r) for r in c.execute(sa.text(sql)))  # noqa: E731
        return {
            "counts": {
                t: c.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("value", "result", "evidence_file", "message", "audit_log", "round", "user_account")
            },
            "results": q(
                "SELECT r.id, r.district_id, r.round_id, i.code, r.status, r.result, r.score FROM result r "
                "JOIN indicator i ON i.id = r.indicator_id"
            ),
            "values": q(
                "SELECT x.id, x.district_id, x.round_id, i.code, v.key, x.value FROM value x "
                "JOIN variable v ON v.id = x.variable_id JOIN indicator i ON i.id = v.indicator_id"
            ),
            "messages": q(
                "SELECT m.id, m.round_id, i.code, m.body FROM message m JOIN indicator i ON i.id = m.indicator_id"
            ),
            "files": q(
                "SELECT f.id, f.round_id, i.code FROM evidence_file f JOIN indicator i ON i.id = f.indicator_id"
            ),
            "audit": q(
                "SELECT a.id, a.action, a.round_id, i.code FROM audit_log a LEFT JOIN indicator i ON i.id = a.indicator_id"
            ),
            "audit_values": q(
                "SELECT a.id, i.code, v.key FROM audit_log a JOIN variable v ON v.id = a.entity_id "
                "JOIN indicator i ON i.id = v.indicator_id WHERE a.entity = 'value'"
            ),
        }


def _rows_of_other_years(engine: sa.Engine) -> int:
    """Rows naming an indicator of another fiscal year than their round's."""
    joins = {
        "result": "t.indicator_id",
        "evidence_file": "t.indicator_id",
        "message": "t.indicator_id",
        "audit_log": "t.indicator_id",
    }
    total = 0
    with engine.connect() as c:
        for table, column in joins.items():
            total += c.execute(
                sa.text(
                    f"SELECT count(*) FROM {table} t JOIN round r ON r.id = t.round_id "
                    f"JOIN indicator i ON i.id = {column} WHERE i.fiscal_year_id <> r.fiscal_year_id"
                )
            ).scalar_one()
        total += c.execute(
            sa.text(
                "SELECT count(*) FROM value t JOIN round r ON r.id = t.round_id JOIN variable v ON v.id = t.variable_id "
                "JOIN indicator i ON i.id = v.indicator_id WHERE i.fiscal_year_id <> r.fiscal_year_id"
            )
        ).scalar_one()
        total += c.execute(
            sa.text(
                "SELECT count(*) FROM audit_log t JOIN round r ON r.id = t.round_id JOIN variable v ON v.id = t.entity_id "
                "JOIN indicator i ON i.id = v.indicator_id WHERE t.entity = 'value' AND i.fiscal_year_id <> r.fiscal_year_id"
            )
        ).scalar_one()
    return total


@pytest.fixture
def old_database(empty_url, tmp_path, old_tree):
    _build_old_database(old_tree, empty_url, tmp_path)
    yield empty_url, tmp_path
    from krs_app.db.engine import get_engine

    get_engine().dispose()  # before the PostgreSQL database is dropped


def test_the_migration_keeps_every_row_on_the_indicator_of_its_own_year(old_database):
    url, data_dir = old_database
    raw = sa.create_engine(url)
    _add_old_year_rows(raw)
    before = _snapshot(raw)
    with raw.connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0001_initial"
        old_indicators = c.execute(sa.text("SELECT count(*) FROM indicator")).scalar_one()

    _use_database(data_dir, None if url.startswith("sqlite") else url)
    from krs_app.db.migrate import upgrade_to_head
    from krs_app.services.catalogue import invalidate_catalogue

    upgrade_to_head()
    invalidate_catalogue()

    after = _snapshot(raw)
    assert after == before  # same counts, ids, codes, keys, statuses, results and scores
    assert before["counts"]["audit_log"] > 0 and before["counts"]["evidence_file"] == 1
    with raw.connect() as c:
        per_year = dict(
            c.execute(
                sa.text(
                    "SELECT f.year_be, count(i.id) FROM fiscal_year f JOIN indicator i ON i.fiscal_year_id = f.id "
                    "GROUP BY f.year_be"
                )
            ).all()
        )
    assert len(per_year) == 2 and set(per_year.values()) == {old_indicators}
    assert _rows_of_other_years(raw) == 0
    raw.dispose()

    # The scores stored by the old version are the ones this version computes from each year's catalogue.
    from sqlmodel import select

    from krs_app.db.engine import session_scope
    from krs_app.db.models import Result, Round, Value
    from krs_app.domain.scoring import evaluate
    from krs_app.services.catalogue import round_catalogue

    checked = 0
    with session_scope() as session:
        for round_ in session.exec(select(Round)):
            entries = {e.indicator.id: e for e in round_catalogue(session, round_)}
            values: dict[tuple[int, int], dict[str, float]] = {}
            key_of = {vid: (iid, key) for iid, e in entries.items() for key, vid in e.variable_ids.items()}
            for value in session.exec(select(Value).where(Value.round_id == round_.id)):
                indicator_id, key = key_of[value.variable_id]
                values.setdefault((value.district_id, indicator_id), {})[key] = value.value
            sample = session.exec(select(Result).where(Result.round_id == round_.id).order_by(Result.id).limit(400))
            for result in sample:
                entry = entries[result.indicator_id]
                evaluation = evaluate(
                    entry.spec, values.get((result.district_id, result.indicator_id), {}), round_.months
                )
                assert (evaluation.result, evaluation.score) == (result.result, result.score), (
                    result.id,
                    entry.spec.code,
                )
                checked += 1
    assert checked > 1000
