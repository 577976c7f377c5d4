"""Cells KRS writes into .csv / .xlsx files: text a spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(cell: object) -> object:
    """A text cell starting with = + - @ (or a tab / line break) gets a leading apostrophe; others stay as they are."""
    if isinstance(cell, str) and cell[:1] in FORMULA_STARTS:
        return "'" + cell
    return cell
