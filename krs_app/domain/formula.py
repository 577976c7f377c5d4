"""Formula evaluation that never runs user text as Python.

simpleeval (a maintained safe evaluator) is given only arithmetic operators,
no functions and no attribute access; names are the indicator's variables.
"""

from __future__ import annotations

import ast
import math
import operator
from functools import lru_cache

from simpleeval import InvalidExpression, SimpleEval

# Longer texts are refused before parsing: deeply nested input exhausts the parser
# (MemoryError) or the evaluator (RecursionError). Real formulas are far shorter.
MAX_FORMULA_LENGTH = 300


def _numbers_only(op):
    """The operator applied to numbers only: 'x' * 10**12 must not build a string."""

    def apply(*operands):
        for operand in operands:
            if isinstance(operand, bool) or not isinstance(operand, (int, float)):
                raise TypeError("formula operands must be numbers")
        return op(*operands)

    return apply


_OPERATORS = {
    node: _numbers_only(op)
    for node, op in {
        ast.Add: operator.add,
        ast.Sub: operator.sub,
        ast.Mult: operator.mul,
        ast.Div: operator.truediv,
        ast.USub: operator.neg,
        ast.UAdd: operator.pos,
    }.items()
}
_ERRORS = (InvalidExpression, SyntaxError, TypeError, KeyError, OverflowError, RecursionError)


class FormulaError(ValueError):
    """The formula text is not a valid arithmetic expression over the variables."""


@lru_cache(maxsize=512)
def _parsed(formula: str) -> ast.AST:
    """The parsed formula, once per text: scoring a round evaluates the same few formulas thousands of times."""
    return SimpleEval.parse(formula)


def _evaluator(names: dict[str, float]) -> SimpleEval:
    return SimpleEval(operators=_OPERATORS, functions={}, names=names)


def check_formula(formula: str, names: set[str]) -> None:
    """Raise FormulaError when the formula uses anything but + - * / and the names."""
    probe = dict.fromkeys(names, 1.0)
    if len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"สูตรคำนวณยาวเกินไป: {formula[:40]}…")
    try:
        value = _evaluator(probe).eval(formula)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("the formula's value must be a number")
        float(value)
    except ZeroDivisionError:
        return
    except _ERRORS as error:
        raise FormulaError(f"สูตรคำนวณไม่ถูกต้อง: {formula}") from error


def evaluate_formula(formula: str, names: dict[str, float | None]) -> float | None:
    """The formula's value, or None when a value is missing or it divides by zero."""
    if any(value is None for value in names.values()) or len(formula) > MAX_FORMULA_LENGTH:
        return None
    try:
        value = _evaluator({k: float(v) for k, v in names.items()}).eval(formula, previously_parsed=_parsed(formula))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        value = float(value)
    except ZeroDivisionError:
        return None
    except _ERRORS:
        return None
    if not math.isfinite(value):
        return None
    return value


_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, *_OPERATORS)
_SYMBOLS = {
    ast.Pow: "**",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.Call: "ฟังก์ชัน",
    ast.Attribute: "จุด (.)",
    ast.Compare: "การเปรียบเทียบ",
    ast.BoolOp: "and / or",
    ast.Subscript: "[ ]",
    ast.IfExp: "if",
}


def formula_problem(formula: str, names: set[str]) -> str | None:
    """Why a formula cannot be saved (Thai, naming the field), or None: the editor's check.

    Tells apart a syntax error, a name that is not one of the variables and an operator that
    is not allowed; the safe evaluator (check_formula) has the last word."""
    text = formula.strip() if isinstance(formula, str) else ""
    if not text:
        return "สูตรคำนวณ: กรุณากรอกสูตร เช่น a / b * 100"
    if len(text) > MAX_FORMULA_LENGTH:
        return f"สูตรคำนวณ: ยาวเกิน {MAX_FORMULA_LENGTH} ตัวอักษร"
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return f"สูตรคำนวณ: รูปแบบไม่ถูกต้อง (ตรวจวงเล็บและเครื่องหมาย) — {text[:60]}"
    allowed = ", ".join(sorted(names)) or "-"
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in names:
            return f"สูตรคำนวณ: ไม่รู้จักตัวแปร {node.id} (ตัวแปรที่ใช้ได้: {allowed})"
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                return "สูตรคำนวณ: ใช้ได้เฉพาะตัวเลขและตัวแปร"
            continue
        if not isinstance(node, _ALLOWED_NODES):
            symbol = _SYMBOLS.get(type(node), type(node).__name__)
            return f"สูตรคำนวณ: ใช้ {symbol} ไม่ได้ (ใช้ได้เฉพาะ + - * / และวงเล็บ)"
    try:
        check_formula(text, names)
    except FormulaError:
        return f"สูตรคำนวณ: คำนวณไม่ได้ — {text[:60]}"
    return None
