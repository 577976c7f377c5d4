"""The report matrix's rows as the page's vars: split in a fixed number of chunks, so that one
changed result re-sends a few kB, not the whole 245 × 40 matrix.

Reflex sends a var that was assigned whole, and a foreach cannot address one item of a list
var. So the rows are kept in ROW_CHUNKS list vars (`rows_0` … `rows_49`) in a STABLE order
(the district codes of the view, not the sort), and the display order is one small var,
`row_order`: per shown position (chunk, offset, rank). The page puts them together
(components/heat_map.py `shown_rows`). When a result changes, only the chunk holding that
district differs (its cells and overall), plus `row_order` when ranks moved: the state assigns
only the vars whose value changed (ReportMatrixState._assign).

A cell carries only what differs per cell (score, status, result number, colour step); the
indicator's code, id and unit are the column's, the status label is looked up in the page
(STATUS_LABEL_TEXT), the district's name and code are the row's.
"""

from __future__ import annotations

from dataclasses import dataclass

from krs_app.domain.status import Status
from krs_app.services.report_matrix import NOT_APPLICABLE, status_label
from krs_app.services.report_view import ReportColumn, ReportRow

ROW_CHUNKS = 50  # vars rows_0 … rows_49
CHUNK_ROWS = 5  # rows per chunk, at least: 245 districts fill 49 chunks
STATUS_LABEL_TEXT = {status: status_label(status) for status in [*(s.value for s in Status), NOT_APPLICABLE]}


def chunk_name(k: int) -> str:
    return f"rows_{k}"


CHUNK_NAMES = tuple(chunk_name(k) for k in range(ROW_CHUNKS))


def heat_index(score: float | None) -> int:
    if score is None:
        return -1
    return max(0, min(5, int((score - 1.0) / 4.0 * 5.0 + 1e-9)))


@dataclass
class HeatCell:
    """One district × indicator: 245 × 40 of these go to the browser, so only what differs per cell."""

    score: str  # the public score's text (data-score)
    status: str  # data-status
    result: str  # the result's number ("87.50", "-"); its unit is the column's
    step: int  # colour step 0-5 of the heat scale, -1: not applicable (class krs-heat-{step})


@dataclass
class MatrixRow:
    code: str
    name: str
    province: str
    overall: str
    cells: list[HeatCell]


@dataclass
class MatrixColumn:
    code: str
    code_id: str  # 11.2 -> 11_2, for element ids
    name: str
    bureau: str
    unit: str  # ร้อยละ / ระดับ / ค่า, before the result in the tooltip


def matrix_column(column: ReportColumn) -> MatrixColumn:
    return MatrixColumn(column.code, column.code_id, column.name, column.bureau_short, column.unit)


def _result_number(cell) -> str:
    """The result's text without the unit in front of it (the matrix formats both together)."""
    return "-" if cell.result is None else cell.result_text.rpartition(" ")[2]


def matrix_row(row: ReportRow) -> MatrixRow:
    return MatrixRow(
        code=row.code,
        name=row.short_name,
        province=row.province,
        overall=row.overall_text,
        cells=[HeatCell(c.score_text, c.status, _result_number(c), heat_index(c.score)) for c in row.cells],
    )


def chunk_size(rows: int) -> int:
    return max(CHUNK_ROWS, -(-rows // ROW_CHUNKS))


def row_vars(rows: list[ReportRow]) -> dict[str, object]:
    """The values of every chunk var and of `row_order` for these rows (in display order)."""
    stable = sorted(rows, key=lambda r: r.code)
    size = chunk_size(len(stable))
    chunks: list[list[MatrixRow]] = [[] for _ in range(ROW_CHUNKS)]
    place: dict[str, tuple[int, int]] = {}
    for k, row in enumerate(stable):
        place[row.code] = (k // size, k % size)
        chunks[k // size].append(matrix_row(row))
    values: dict[str, object] = dict(zip(CHUNK_NAMES, chunks, strict=True))
    values["row_order"] = [(*place[row.code], row.rank) for row in rows]
    return values


def rows_in_order(values: dict) -> list[tuple[int, object]]:
    """(rank, row) per shown position, from the vars' values (state fields or a delta's JSON)."""
    return [(rank, values[chunk_name(k)][offset]) for k, offset, rank in values["row_order"]]
