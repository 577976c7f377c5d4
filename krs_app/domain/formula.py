"""Formulas: arithmetic over an indicator's variables, validated once, then compiled.

A formula is first checked with the safe evaluator's rules (simpleeval, given only
+ - * / and unary + -, no functions, no attribute access; names are the indicator's
variables), then against an AST whitelist: one expression made only of those four
operators, unary + and -, int/float literals and the declared names. Anything else
(attribute access, calls, lambda, comprehensions, subscripts, comparisons, `and`/`or`,
`x if c else y`, assignments, several statements, strings, undeclared names) is
refused with FormulaError before anything is compiled.

The accepted tree is rebuilt node by node from the whitelisted parts (the names become
positional parameters _0, _1, ...) and compiled into a lambda whose globals hold no
builtins, so user text never reaches Python's compiler except as that rebuilt tree.
Evaluating it performs the same Python operations on the same operands, in the same
order, as simpleeval does: the values are identical.
"""

from __future__ import annotations

import ast
import copy
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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
# What the whitelist lets through: the same operators as the safe evaluator, nothing more.
_BINARY_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_UNARY_OPERATORS = (ast.USub, ast.UAdd)
_NO_BUILTINS = {"__builtins__": {}}


class FormulaError(ValueError):
    """The formula text is not a valid arithmetic expression over the variables."""


def _invalid(formula: str) -> FormulaError:
    return FormulaError(f"สูตรคำนวณไม่ถูกต้อง: {formula}")


@dataclass(frozen=True)
class CompiledFormula:
    """A validated formula as a Python function of the variables it reads.

    `function(*values)` takes one number per name in `names`, in that order; it can
    raise ZeroDivisionError or OverflowError, which mean "no result".
    """

    text: str
    names: tuple[str, ...]
    function: Callable[..., float]
    tree: ast.expr = field(repr=False, compare=False)  # the rebuilt whitelisted body (_0, _1, ...)

    def value(self, names: Mapping[str, float | None]) -> float | None:
        """As evaluate_formula: the value, or None when a value is missing or it has no value."""
        try:
            arguments = [names[name] for name in self.names]
        except KeyError:
            return None
        if None in arguments:
            return None
        return finite_value(self.function, [float(argument) for argument in arguments])

    def tree_copy(self) -> ast.expr:
        """A fresh copy of the rebuilt whitelisted expression (names _0, _1, ... as in `names`)."""
        return copy.deepcopy(self.tree)


def finite_value(function: Callable[..., float], arguments: Iterable[float]) -> float | None:
    """The compiled function's value as a float; None for a division by zero, overflow or ±inf/nan."""
    try:
        value = float(function(*arguments))
    except ArithmeticError:  # ZeroDivisionError, OverflowError (an int too large for a float)
        return None
    if not math.isfinite(value):
        return None
    return value


def _safe_evaluator_accepts(formula: str, names: set[str]) -> bool:
    """The safe evaluator's rules, as before compiling existed: evaluate with every variable 1."""
    probe = dict.fromkeys(names, 1.0)
    try:
        value = SimpleEval(operators=_OPERATORS, functions={}, names=probe).eval(formula)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        float(value)
    except ZeroDivisionError:
        return True
    except _ERRORS:
        return False
    return True


def _rebuilt(node: ast.AST, parameters: dict[str, str], declared: frozenset[str]) -> ast.expr:
    """A fresh copy of a whitelisted expression tree; FormulaError on any other node."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, _BINARY_OPERATORS):
        return ast.BinOp(
            left=_rebuilt(node.left, parameters, declared),
            op=type(node.op)(),
            right=_rebuilt(node.right, parameters, declared),
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY_OPERATORS):
        return ast.UnaryOp(op=type(node.op)(), operand=_rebuilt(node.operand, parameters, declared))
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):  # not bool, complex, str
        return ast.Constant(value=node.value)
    if isinstance(node, ast.Name) and node.id in declared:
        parameter = parameters.setdefault(node.id, f"_{len(parameters)}")
        return ast.Name(id=parameter, ctx=ast.Load())
    raise FormulaError(type(node).__name__)


def _whitelisted(formula: str, declared: frozenset[str]) -> tuple[ast.expr, tuple[str, ...]]:
    """The rebuilt expression and the names it reads (in parameter order)."""
    try:
        module = ast.parse(formula.strip())
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        raise _invalid(formula) from error
    if len(module.body) != 1 or not isinstance(module.body[0], ast.Expr):
        raise _invalid(formula)
    parameters: dict[str, str] = {}
    try:
        body = _rebuilt(module.body[0].value, parameters, declared)
    except (FormulaError, RecursionError) as error:
        raise _invalid(formula) from error
    return body, tuple(parameters)


def _lambda(parameters: list[str], body: ast.expr, namespace: dict) -> Callable:
    """Compile `lambda <parameters>: <body>` (a rebuilt, whitelisted tree) over a namespace without builtins."""
    arguments = ast.arguments(
        posonlyargs=[], args=[ast.arg(arg=name) for name in parameters], kwonlyargs=[], kw_defaults=[], defaults=[]
    )
    tree = ast.fix_missing_locations(ast.Expression(body=ast.Lambda(args=arguments, body=body)))
    code = compile(tree, "<formula>", "eval", dont_inherit=True)
    # The code object comes from a tree rebuilt from whitelisted nodes, never from the text.
    return eval(code, namespace)


@lru_cache(maxsize=1024)
def _compile(formula: str, declared: frozenset[str]) -> CompiledFormula:
    if len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"สูตรคำนวณยาวเกินไป: {formula[:40]}…")
    body, names = _whitelisted(formula, declared)
    if not _safe_evaluator_accepts(formula, set(declared)):
        raise _invalid(formula)
    try:
        function = _lambda([f"_{index}" for index in range(len(names))], copy.deepcopy(body), dict(_NO_BUILTINS))
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        raise _invalid(formula) from error
    return CompiledFormula(text=formula, names=names, function=function, tree=body)


def compile_formula(formula: str, names: Iterable[str]) -> CompiledFormula:
    """Validate the formula over the declared variable names and compile it (cached per text and names)."""
    return _compile(formula, frozenset(names))


def check_formula(formula: str, names: set[str]) -> None:
    """Raise FormulaError when the formula uses anything but + - * / and the names."""
    compile_formula(formula, names)


@lru_cache(maxsize=1024)
def _compiled_or_none(formula: str, declared: frozenset[str]) -> CompiledFormula | None:
    try:
        return _compile(formula, declared)
    except FormulaError:
        return None


def evaluate_formula(formula: str, names: dict[str, float | None]) -> float | None:
    """The formula's value, or None when a value is missing, it divides by zero or it is refused."""
    if any(value is None for value in names.values()) or len(formula) > MAX_FORMULA_LENGTH:
        return None
    compiled = _compiled_or_none(formula, frozenset(names))
    if compiled is None:
        return None
    return compiled.value(names)


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
