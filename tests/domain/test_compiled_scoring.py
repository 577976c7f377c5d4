"""Compiled scoring gives exactly what the interpreted rule gave, and refuses what it must.

`reference_*` below are the rule as it was before compiling (main at fcbf2b4): simpleeval
over + - * / and unary + -, the criteria walk, rounding half up in decimal arithmetic.
Values are compared by repr, so 0.0 and -0.0, or 90.0 and 90.00000000000001, differ.
"""

from __future__ import annotations

import ast
import math
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from simpleeval import SimpleEval

from krs_app.domain import formula as formula_module
from krs_app.domain import scorer as scorer_module
from krs_app.domain.formula import (
    _ERRORS,
    _OPERATORS,
    MAX_FORMULA_LENGTH,
    FormulaError,
    check_formula,
    compile_formula,
    evaluate_formula,
)
from krs_app.domain.indicators import Direction, IndicatorSpec, VariableKind, VariableSpec
from krs_app.domain.numbers import round_half_up, round_half_up_decimal
from krs_app.domain.scorer import RoundScorer
from krs_app.domain.scoring import evaluate, evaluate_all, raw_score, unrounded_result
from tests.domain.test_scoring_cases import I_11_2, I_11_5, SCORED_CASES

# --- the rule as it was -------------------------------------------------------------


def reference_round(value: float, places: int) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def reference_formula(formula: str, names: dict) -> float | None:
    if any(value is None for value in names.values()) or len(formula) > MAX_FORMULA_LENGTH:
        return None
    try:
        evaluator = SimpleEval(operators=_OPERATORS, functions={}, names={k: float(v) for k, v in names.items()})
        value = evaluator.eval(formula)
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


def reference_raw_score(result, thresholds, direction):
    if direction == Direction.LOWER_IS_BETTER:
        result = -result
        thresholds = tuple(-t for t in thresholds)
    if result <= thresholds[0]:
        return 1.0
    if result >= thresholds[-1]:
        return 5.0
    for level in range(1, len(thresholds)):
        low, high = thresholds[level - 1], thresholds[level]
        if result < high:
            if high == low:
                return float(level + 1)
            return level + (result - low) / (high - low)
    return 5.0


def reference_evaluate(indicator: IndicatorSpec, values: dict, months: int) -> tuple:
    required = indicator.required_variables(months)
    if not required:
        return (False, False, None, None)
    names = {v.formula_name: values.get(v.key) for v in required}
    complete = all(value is not None for value in names.values())
    unrounded = reference_formula(indicator.formula, names) if complete else None
    if unrounded is None:
        return (True, complete, None, None)
    score = reference_round(reference_raw_score(unrounded, indicator.thresholds, indicator.direction), 4)
    return (True, complete, reference_round(unrounded, 2), score)


def outcome(function, *args) -> str:
    """The value by repr, or the exception's type: a result beyond 1e24 made the decimal rounding
    raise before compiling existed, and must raise the same way now."""
    try:
        value = function(*args)
    except ArithmeticError as error:
        return f"raised {type(error).__name__}"
    return repr(tuple(value) if isinstance(value, tuple) else value)


def same(left, right) -> bool:
    return repr(tuple(left)) == repr(tuple(right))


def assert_identical(indicator: IndicatorSpec, values: dict, months: int) -> None:
    expected = outcome(reference_evaluate, indicator, values, months)
    assert outcome(evaluate, indicator, values, months) == expected
    # The plain-Python path that stands in when the generated one cannot be built.
    assert outcome(RoundScorer(indicator, months).evaluate_generic, values) == expected
    # Many districts of one indicator in one pass: each row as alone, whatever kind of mapping holds it.
    rows = [values, MappingProxyType(values), dict(values)]
    batch = outcome(lambda: [tuple(e) for e in evaluate_all(indicator, rows, months)])
    assert batch == (expected if expected.startswith("raised") else f"[{expected}, {expected}, {expected}]")
    assert outcome(evaluate, indicator, MappingProxyType(values), months) == expected
    names = {v.formula_name: values.get(v.key) for v in indicator.required_variables(months)}
    assert outcome(unrounded_result, indicator, values, months) == outcome(reference_formula, indicator.formula, names)


# --- SCORING-CASES.md, row by row ----------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "values", "months"),
    [(c[1], c[2], c[3]) for c in SCORED_CASES]
    + [(I_11_2, {"a": 0, "b": 0}, 6), (I_11_2, {"a": 45, "b": None}, 6), (I_11_5, {}, 6), (I_11_5, {"1": 1}, 12)],
    ids=[f"case-{c[0]}" for c in SCORED_CASES] + ["case-5", "missing", "case-15", "12-month-incomplete"],
)
def test_every_worked_case_scores_as_before(indicator, values, months):
    assert_identical(indicator, values, months)
    # and with the values as the database holds them (floats)
    assert_identical(indicator, {k: None if v is None else float(v) for k, v in values.items()}, months)


# --- generated formulas, criteria and values -----------------------------------------

NAMES = ("a", "b", "v1", "v2", "v3")
numbers = st.one_of(
    st.integers(min_value=-1000, max_value=1000),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0, -0.0, 1, 2, 100, 0.5, 1e-9, 1e300]),
)


def _literal(value) -> str:
    return repr(value) if value >= 0 or (isinstance(value, float) and math.copysign(1, value) > 0) else f"({value!r})"


atoms = st.one_of(st.sampled_from(NAMES), numbers.map(_literal))
formulas = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda f: f"({f})"),
        st.tuples(st.sampled_from(["-", "+"]), inner).map(lambda t: f"{t[0]}{t[1]}"),
    ),
    max_leaves=12,
).filter(lambda f: len(f) <= MAX_FORMULA_LENGTH)


class _Real(float):
    """A float subclass (as numpy.float64 is): converted with float(), never taken as it is."""


values = st.one_of(
    st.none(),
    numbers,
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(min_value=0, max_value=400),
    st.booleans(),
    numbers.map(_Real),
)
thresholds = st.one_of(
    st.lists(numbers, min_size=5, max_size=5).map(lambda t: tuple(sorted(t))),
    st.lists(numbers, min_size=5, max_size=5).map(tuple),  # misconfigured: any order, ties
    st.sampled_from([(80, 85, 90, 95, 100), (10, 8, 6, 4, 2), (1, 2, 3, 4, 5), (3.0, 3.25, 3.5, 3.75, 4.0)]),
)
month_sets = st.sampled_from([frozenset({3, 6, 9, 12}), frozenset({12}), frozenset({6})])


@st.composite
def indicators(draw):
    variables = []
    for name in NAMES:
        if draw(st.booleans()) or name in ("a", "v1"):
            key = name[1:] if name.startswith("v") else name
            variables.append(VariableSpec(key, name, "", kind=VariableKind.NUMBER, required_months=draw(month_sets)))
    return IndicatorSpec(
        code="X",
        name="x",
        weight=1,
        formula=draw(formulas),
        thresholds=draw(thresholds),
        direction=draw(st.sampled_from(list(Direction))),
        variables=tuple(variables),
    )


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(indicators(), st.fixed_dictionaries({}, optional=dict.fromkeys(("a", "b", "1", "2", "3"), values)))
@example(I_11_2, {"a": 44.0, "b": 50.0})
def test_generated_formulas_criteria_and_values_score_as_before(indicator, given_values):
    for months in (6, 12):
        assert_identical(indicator, given_values, months)


@settings(max_examples=600, deadline=None)
@given(formulas, st.fixed_dictionaries(dict.fromkeys(NAMES, numbers)))
def test_generated_formulas_evaluate_as_the_safe_evaluator_did(formula, names):
    assert repr(evaluate_formula(formula, names)) == repr(reference_formula(formula, names))
    check_formula(formula, set(NAMES))  # every formula of the grammar is accepted


# --- rounding half up ----------------------------------------------------------------

finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def near_ties(draw):
    """Decimals ending in 5 just past the rounding place, and their float neighbours."""
    places = draw(st.sampled_from([2, 4]))
    units = draw(st.integers(min_value=-(10**8), max_value=10**8))
    value = float(f"{units}5e-{places + 1}")
    steps = draw(st.integers(min_value=-3, max_value=3))
    for _ in range(abs(steps)):
        value = math.nextafter(value, math.inf if steps > 0 else -math.inf)
    return value, places


@settings(max_examples=1500)
@given(st.one_of(finite_floats, st.floats(min_value=-1e7, max_value=1e7)), st.sampled_from([2, 4]))
@example(1.12345, 4)
@example(2.00005, 4)
@example(0.125, 2)
@example(-0.0, 4)
@example(-0.00001, 4)
@example(-0.00006, 4)
@example(1e300, 4)
def test_fast_rounding_is_the_decimal_rule(value, places):
    expected = outcome(reference_round, value, places)
    assert outcome(round_half_up, value, places) == expected
    assert outcome(round_half_up_decimal, value, places) == expected


@settings(max_examples=1500)
@given(near_ties())
def test_fast_rounding_near_ties_is_the_decimal_rule(tie):
    value, places = tie
    assert repr(round_half_up(value, places)) == repr(reference_round(value, places))


def test_rounding_of_infinities_nan_and_huge_values_is_the_decimal_rule_s():
    for value in (math.inf, -math.inf, math.nan, 1e24, -1e30):
        for places in (2, 4):
            assert outcome(round_half_up, value, places) == outcome(reference_round, value, places)


@given(
    st.floats(allow_nan=False), st.lists(numbers, min_size=5, max_size=5).map(tuple), st.sampled_from(list(Direction))
)
def test_raw_score_is_the_criteria_walk_as_before(result, criteria, direction):
    assert repr(raw_score(result, criteria, direction)) == repr(reference_raw_score(result, criteria, direction))


# --- refused before compiling --------------------------------------------------------

DISALLOWED = {
    "attribute access": ["a.real", "a.__class__", "a.imag + b"],
    "calls": ["abs(a)", "max(a, b)", "a.conjugate()", "float(a)", "__import__('os')"],
    "lambda": ["(lambda: a)()", "lambda: a"],
    "comprehensions": ["[x for x in (a, b)]", "sum(x for x in (a,))", "{x: 1 for x in (a,)}"],
    "subscripts": ["a[0]", "(a, b)[0]", "{'k': a}['k']"],
    "undeclared names": ["c + a", "x", "__builtins__", "v9 * 100"],
    "boolean and conditional": ["a and b", "a or b", "a if b else a", "not a"],
    "comparisons": ["a > b", "a == b"],
    "other operators": ["a ** 2", "a % b", "a // b", "a @ b", "~a", "a << 1"],
    "statements": ["x = a", "a; b", "a += 1", "import os", "del a", "(x := a)"],
    "literals": ["'abc'", "True + a", "None", "1j * a", "...", "[a]", "(a, b)", "f'{a}'", "b'x'"],
}
# The old evaluator (simpleeval) let these through; the whitelist now refuses them.
ONCE_LET_THROUGH = ["a.real", "a.imag + b", "a.conjugate()", "a and b", "a or b", "a if b else a", "x = a", "a; b"]


@pytest.mark.parametrize("formula", [f for group in DISALLOWED.values() for f in group], ids=lambda f: f"{f[:30]}")
def test_disallowed_construct_is_refused_before_compiling(formula, monkeypatch):
    compiled_trees = []
    monkeypatch.setattr(formula_module, "compile", lambda *a, **k: compiled_trees.append(a), raising=False)
    formula_module._compile.cache_clear()
    formula_module._compiled_or_none.cache_clear()
    with pytest.raises(FormulaError) as refused:
        compile_formula(formula, {"a", "b"})
    assert "สูตรคำนวณ" in str(refused.value)
    assert compiled_trees == []
    assert evaluate_formula(formula, {"a": 3.0, "b": 2.0}) is None
    assert compiled_trees == []


@pytest.mark.parametrize("formula", ONCE_LET_THROUGH)
def test_constructs_the_old_evaluator_accepted_are_refused_now(formula):
    with pytest.warns(Warning) if ";" in formula or "=" in formula else _no_warning():
        assert reference_formula(formula, {"a": 3.0, "b": 2.0}) is not None
    with pytest.raises(FormulaError):
        check_formula(formula, {"a", "b"})
    spec = IndicatorSpec("X", "x", 1, formula, (1, 2, 3, 4, 5), variables=(VariableSpec("a", "", ""),))
    assert evaluate(spec, {"a": 3.0}, 6).result is None


class _no_warning:  # noqa: N801 - used as a context manager like pytest.warns
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_compiled_code_sees_no_builtins_and_no_formula_text():
    compiled = compile_formula("a / b * 100", {"a", "b"})
    assert compiled.function.__globals__["__builtins__"] == {}
    assert compiled.function.__code__.co_varnames == ("_0", "_1")  # the names are parameters, not text
    assert compiled.function(45.0, 50.0) == 45.0 / 50.0 * 100
    scorer = RoundScorer(I_11_2, 6)
    for generated in (scorer.evaluate, scorer.evaluate_all):
        assert generated.__globals__["__builtins__"] == {}
        assert set(generated.__code__.co_names) <= {"get", "float", "ArithmeticError", "INF", "ROUND", "NEW"} | {
            "EVALUATION",
            "INCOMPLETE",
            "NO_RESULT",
            "DICT",
            "FLOAT",
            "KeyError",
            "__class__",
            "append",
        }


def test_a_formula_too_deep_for_the_generated_scorer_is_scored_by_the_plain_path(monkeypatch):
    def too_deep(*args):
        raise RecursionError

    monkeypatch.setattr(scorer_module, "_generated", too_deep)
    scorer = RoundScorer(I_11_2, 6)
    assert scorer.evaluate == scorer.evaluate_generic
    assert same(scorer.evaluate({"a": 44.0, "b": 50.0}), (True, True, 88.0, 2.6))


def test_deeply_nested_formula_is_refused_or_scored_never_crashes():
    deep = "-" * (MAX_FORMULA_LENGTH - 1) + "a"
    spec = IndicatorSpec("X", "x", 1, deep, (1, 2, 3, 4, 5), variables=(VariableSpec("a", "", ""),))
    outcome = evaluate(spec, {"a": 2.0}, 6)
    assert outcome.result in (None, 2.0)


def test_the_scorer_is_prepared_once_per_spec_and_round_length_and_leaves_equality_alone():
    spec = IndicatorSpec("Y", "y", 1, "a * 2", (1, 2, 3, 4, 5), variables=(VariableSpec("a", "", ""),))
    twin = IndicatorSpec("Y", "y", 1, "a * 2", (1, 2, 3, 4, 5), variables=(VariableSpec("a", "", ""),))
    evaluate(spec, {"a": 1.0}, 6)
    first = spec.derived[6]
    evaluate(spec, {"a": 2.0}, 6)
    assert spec.derived[6] is first
    assert spec == twin
    assert hash(spec) == hash(twin)


def test_formula_with_a_non_numeric_literal_tree_node_is_not_compiled():
    # The whitelist looks at node types, not at text: a Constant holding a string is refused.
    tree = ast.parse("'a' * 3", mode="eval")
    assert isinstance(tree.body.left, ast.Constant)
    with pytest.raises(FormulaError):
        compile_formula("'a' * 3", {"a"})
