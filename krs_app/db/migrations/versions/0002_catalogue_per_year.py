"""the indicator catalogue per fiscal year

Indicators (and so their variables) belong to one fiscal year; a code is unique within its
year. The catalogue that was global is kept by the newest fiscal year; every other fiscal year
gets its own copy (same codes, names, criteria, weights, owners, variables), and everything
stored for a round of that year — values, results, evidence files, messages, audit rows — is
re-pointed to the copy of its own year. Ids of the rows themselves do not change.

Revision ID: 0002_catalogue_per_year
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_catalogue_per_year"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

INDICATOR_COPIED = (
    "code",
    "name",
    "bureau_id",
    "weight",
    "formula",
    "t1",
    "t2",
    "t3",
    "t4",
    "t5",
    "direction",
    "kind",
    "sort_key",
)
VARIABLE_COPIED = (
    "key",
    "label",
    "unit",
    "kind",
    "source",
    "required_months",
    "min_value",
    "max_value",
    "whole_key",
    "position",
)
# Tables whose rows name an indicator and a round: re-pointed to the indicator of the round's year.
BY_INDICATOR = ("result", "evidence_file", "message", "audit_log")


def _table(name: str, *columns: str) -> sa.Table:
    return sa.table(name, *(sa.column(c) for c in columns))


def _current_fiscal_year_be() -> int:
    from datetime import UTC, datetime, timedelta

    today = (datetime.now(UTC) + timedelta(hours=7)).date()
    return today.year + 543 + (1 if today.month >= 10 else 0)


def _copy_catalogue(connection, indicators, variables, year_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """Copies of every indicator and variable for one year: (old -> new indicator, old -> new variable)."""
    indicator_t = _table("indicator", "id", "fiscal_year_id", "active", *INDICATOR_COPIED)
    variable_t = _table("variable", "id", "indicator_id", *VARIABLE_COPIED)
    indicator_map: dict[int, int] = {}
    variable_map: dict[int, int] = {}
    for row in indicators:
        values = {c: row[c] for c in INDICATOR_COPIED}
        new_id = connection.execute(
            indicator_t.insert().values(fiscal_year_id=year_id, active=True, **values).returning(indicator_t.c.id)
        ).scalar_one()
        indicator_map[row["id"]] = new_id
    for row in variables:
        values = {c: row[c] for c in VARIABLE_COPIED}
        new_id = connection.execute(
            variable_t.insert()
            .values(indicator_id=indicator_map[row["indicator_id"]], **values)
            .returning(variable_t.c.id)
        ).scalar_one()
        variable_map[row["id"]] = new_id
    return indicator_map, variable_map


def _repoint(connection, round_ids: list[int], indicator_map: dict[int, int], variable_map: dict[int, int]) -> None:
    """Rows of these rounds now name the copied indicator / variable."""
    if not round_ids:
        return
    value_t = _table("value", "variable_id", "round_id")
    for old, new in variable_map.items():
        connection.execute(
            value_t.update().where(value_t.c.variable_id == old, value_t.c.round_id.in_(round_ids)).values(variable_id=new)
        )
    for name in BY_INDICATOR:
        table = _table(name, "indicator_id", "round_id")
        for old, new in indicator_map.items():
            connection.execute(
                table.update()
                .where(table.c.indicator_id == old, table.c.round_id.in_(round_ids))
                .values(indicator_id=new)
            )
    # Audit rows name a variable (entity "value") or an indicator (entity "indicator" / "import") by entity_id.
    audit_t = _table("audit_log", "entity", "entity_id", "round_id")
    for entity, mapping in (("value", variable_map), ("indicator", indicator_map), ("import", indicator_map)):
        for old, new in mapping.items():
            connection.execute(
                audit_t.update()
                .where(audit_t.c.entity == entity, audit_t.c.entity_id == old, audit_t.c.round_id.in_(round_ids))
                .values(entity_id=new)
            )


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("fiscal_year_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.drop_index("ix_indicator_code")  # unique across years until now
        batch.create_index("ix_indicator_code", ["code"], unique=False)

    connection = op.get_bind()
    years = list(connection.execute(sa.text("SELECT id, year_be FROM fiscal_year ORDER BY year_be")).mappings())
    indicators = [
        dict(r) for r in connection.execute(sa.text("SELECT * FROM indicator WHERE fiscal_year_id IS NULL ORDER BY id")).mappings()
    ]
    if indicators and not years:
        year_be = _current_fiscal_year_be()
        connection.execute(
            sa.text("INSERT INTO fiscal_year (year_be, label) VALUES (:y, :l)"), {"y": year_be, "l": f"ปีงบประมาณ {year_be}"}
        )
        years = list(connection.execute(sa.text("SELECT id, year_be FROM fiscal_year ORDER BY year_be")).mappings())
    if indicators:
        variables = [dict(r) for r in connection.execute(sa.text("SELECT * FROM variable ORDER BY id")).mappings()]
        newest = years[-1]["id"]
        connection.execute(sa.text("UPDATE indicator SET fiscal_year_id = :y"), {"y": newest})
        for year in years[:-1]:
            indicator_map, variable_map = _copy_catalogue(connection, indicators, variables, year["id"])
            round_ids = [
                r[0] for r in connection.execute(sa.text("SELECT id FROM round WHERE fiscal_year_id = :y"), {"y": year["id"]})
            ]
            _repoint(connection, round_ids, indicator_map, variable_map)

    with op.batch_alter_table("indicator") as batch:
        batch.alter_column("fiscal_year_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index("ix_indicator_fiscal_year_id", ["fiscal_year_id"], unique=False)
        batch.create_foreign_key("fk_indicator_fiscal_year_id", "fiscal_year", ["fiscal_year_id"], ["id"])
        batch.create_unique_constraint("uq_indicator_year_code", ["fiscal_year_id", "code"])


def downgrade() -> None:
    """Back to one global catalogue: the newest year's indicators stay, rows of other years are
    re-pointed to the newest year's indicator / variable with the same code / key; refused
    (nothing changes) when another year has an indicator the newest year lacks."""
    connection = op.get_bind()
    years = list(connection.execute(sa.text("SELECT id FROM fiscal_year ORDER BY year_be")).mappings())
    if years:
        newest = years[-1]["id"]
        keep = {
            r["code"]: r["id"]
            for r in connection.execute(
                sa.text("SELECT id, code FROM indicator WHERE fiscal_year_id = :y"), {"y": newest}
            ).mappings()
        }
        keep_vars = {
            (r["indicator_id"], r["key"]): r["id"]
            for r in connection.execute(
                sa.text("SELECT v.id, v.indicator_id, v.key FROM variable v JOIN indicator i ON i.id = v.indicator_id "
                        "WHERE i.fiscal_year_id = :y"),
                {"y": newest},
            ).mappings()
        }
        others = list(
            connection.execute(sa.text("SELECT id, code FROM indicator WHERE fiscal_year_id <> :y"), {"y": newest}).mappings()
        )
        indicator_map: dict[int, int] = {}
        variable_map: dict[int, int] = {}
        for row in others:
            if row["code"] not in keep:
                raise RuntimeError(f"indicator {row['code']} exists only in an older fiscal year: cannot merge catalogues")
            indicator_map[row["id"]] = keep[row["code"]]
        for row in connection.execute(sa.text("SELECT id, indicator_id, key FROM variable")).mappings():
            if row["indicator_id"] in indicator_map:
                target = keep_vars.get((indicator_map[row["indicator_id"]], row["key"]))
                if target is None:
                    raise RuntimeError(f"variable {row['key']} exists only in an older fiscal year")
                variable_map[row["id"]] = target
        round_ids = [r[0] for r in connection.execute(sa.text("SELECT id FROM round"))]
        _repoint(connection, round_ids, indicator_map, variable_map)
        for old in variable_map:
            connection.execute(sa.text("DELETE FROM variable WHERE id = :i"), {"i": old})
        for old in indicator_map:
            connection.execute(sa.text("DELETE FROM indicator WHERE id = :i"), {"i": old})
    with op.batch_alter_table("indicator") as batch:
        batch.drop_constraint("uq_indicator_year_code", type_="unique")
        batch.drop_constraint("fk_indicator_fiscal_year_id", type_="foreignkey")
        batch.drop_index("ix_indicator_fiscal_year_id")
        batch.drop_index("ix_indicator_code")
        batch.create_index("ix_indicator_code", ["code"], unique=True)
        batch.drop_column("active")
        batch.drop_column("fiscal_year_id")
