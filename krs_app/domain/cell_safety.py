"""Cells written into files people open in a spreadsheet (CSV, xlsx)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(cell: object) -> object:
    """Text that a spreadsheet would run as a formula (= + - @, tab, CR, LF first) is written as text."""
    if isinstance(cell, str) and cell[:1] in FORMULA_STARTS:
        return "'" + cell
    return cell
