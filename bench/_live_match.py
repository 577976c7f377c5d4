"""Does a delta show a change? Matched by content, not by var names.

The entry page's vars are being split into small per-row vars (issue 15): a benchmark that
looked for `indicators` would stop seeing its edits the day the row moves to another var. These
helpers look anywhere in a delta (every state, every var, nested lists and dicts) for the edited
cell showing its new text, or for an indicator's row showing its new status, in the shapes a
row can take: a dict with the cell's id / element id and `value_text`, a dict with the row's
id / code and `status`, or a mapping keyed by the cell's / row's id or code. Used by
bench_deadline_day.py on each frame after _reflex_client.EntryRows joined its row slots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(obj: Any) -> Iterator[dict]:
    """Every dict in obj, nested ones included."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))


def cell_shows(delta: Any, variable_id: int, element_id: str, text: str) -> bool:
    """Some part of the delta shows the cell (variable_id / element_id) holding `text`."""
    keys = (str(variable_id), element_id)
    for d in walk(delta):
        if "value_text" in d and (d.get("id") == variable_id or d.get("element_id") == element_id):
            if d.get("value_text") == text:
                return True
            continue
        for key in keys:
            value = d.get(key)
            if value == text or (isinstance(value, dict) and value.get("value_text") == text):
                return True
    return False


def status_shows(delta: Any, indicator_id: int, code: str, status: str) -> bool:
    """Some part of the delta shows the indicator's row (id or code) with `status`."""
    for d in walk(delta):
        if d.get("status") == status and (
            d.get("id") == indicator_id or d.get("indicator_id") == indicator_id or (code and d.get("code") == code)
        ):
            return True
        for key in (str(indicator_id), code):
            if not key:
                continue
            value = d.get(key)
            if value == status or (isinstance(value, dict) and value.get("status") == status):
                return True
    return False


def rows_in(delta: Any) -> list[dict]:
    """The indicator rows a delta carries: dicts with a code and a list of variables (cells)."""
    return [d for d in walk(delta) if "code" in d and isinstance(d.get("variables"), list)]


def cells_of(rows: list[dict], delta: Any) -> list[tuple[dict, dict]]:
    """(row, cell) for every input cell of an editable row; a cell without its `value_text`
    gets it from wherever else the delta shows it (a per-row var of values)."""
    found = []
    for row in rows:
        if row.get("editable") is False:
            continue
        for cell in row.get("variables") or []:
            if not isinstance(cell, dict) or cell.get("mode", "input") != "input" or "id" not in cell:
                continue
            if "value_text" not in cell:
                cell = {**cell, "value_text": _value_elsewhere(delta, cell["id"], cell.get("element_id", ""))}
            found.append((row, cell))
    return found


def _value_elsewhere(delta: Any, variable_id: int, element_id: str) -> str | None:
    """A cell's text where the page keeps values apart from the rows: a dict with the cell's id and
    value_text, or a mapping from its id / element id to the text (or to such a dict)."""
    for d in walk(delta):
        if "value_text" in d and d.get("id") == variable_id:
            return d["value_text"]
        for key in (str(variable_id), element_id):
            value = d.get(key) if key else None
            if isinstance(value, str):
                return value
            if isinstance(value, dict) and isinstance(value.get("value_text"), str):
                return value["value_text"]
    return None


def locked_codes(delta: Any) -> set[str]:
    """Codes of rows the delta shows as no longer editable (certified, locked)."""
    return {
        str(d["code"]) for d in walk(delta) if "code" in d and (d.get("editable") is False or d.get("locked") is True)
    }
