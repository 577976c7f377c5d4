"""Formulas are arithmetic over the indicator's variables and nothing else."""

from __future__ import annotations

import builtins
import os
import time

import pytest

from krs_app.domain.formula import FormulaError, check_formula, evaluate_formula

NAMES = {"a", "b", "v1", "v2"}
VALUES = {"a": 45.0, "b": 50.0, "v1": 1.0, "v2": 0.0}

DANGEROUS = [
    "__import__('os').system('x')",
    "__import__('os').system('touch pwned')",
    "a.__class__",
    "a.__class__.__mro__[1].__subclasses__()",
    "open('x')",
    "open('pwned', 'w')",
    "exec('x = 1')",
    "eval('1')",
    "a ** 99999999",
    "9 ** 9 ** 9",
    "a > b",
    "a % b",
    "a // b",
    "lambda: 1",
    "[a, b]",
    "{'a': a}",
    "(x := 5)",
    "'x' * 99999999999",
    "'x' * 300000000",
    "'abc'",
    "f'{a}'",
    "c + a",  # a name that is not a variable of the indicator
    "a +",
    "",
    "-" * 5000 + "a",  # nesting deep enough to exhaust the parser
    "+".join(["a"] * 3000),  # long enough to exhaust the evaluator's recursion
]


@pytest.fixture
def spy(monkeypatch, tmp_path):
    """Work in an empty folder and record any call to os.system / builtins.open."""
    calls: list[tuple] = []
    real_open = builtins.open
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "system", lambda *args: calls.append(("system", args)) or 0)

    def recording_open(*args, **kwargs):
        calls.append(("open", args))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    return calls, tmp_path


@pytest.mark.parametrize("formula", DANGEROUS, ids=lambda f: f[:40])
def test_dangerous_formula_is_refused_and_runs_nothing(formula, spy):
    calls, folder = spy
    started = time.perf_counter()
    with pytest.raises(FormulaError):
        check_formula(formula, NAMES)
    assert evaluate_formula(formula, VALUES) is None
    assert time.perf_counter() - started < 2.0
    assert calls == []
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("formula", "values", "expected"),
    [
        ("a / b * 100", {"a": 45.0, "b": 50.0}, 90.0),
        ("a / b * 100", {"a": 7.0, "b": 9.0}, 700 / 9),
        ("(v1 + v2) / 2 * 100", {"v1": 1.0, "v2": 0.0}, 50.0),
        ("v1 + v2 + v3", {"v1": 1.0, "v2": 1.0, "v3": 0.0}, 2.0),
        ("v1 * 100", {"v1": 1.0}, 100.0),
        ("v1", {"v1": 3.6}, 3.6),
        ("-a + +b", {"a": 2.0, "b": 5.0}, 3.0),
        ("(a - b) / b * 100", {"a": 60.0, "b": 50.0}, 20.0),
    ],
)
def test_arithmetic_formulas_evaluate(formula, values, expected):
    check_formula(formula, set(values))
    assert evaluate_formula(formula, values) == pytest.approx(expected, rel=1e-12)


def test_evaluate_returns_a_float():
    assert type(evaluate_formula("a / b * 100", {"a": 45, "b": 50})) is float


@pytest.mark.parametrize("formula", ["a / b", "a / b * 100", "a / (b - b)", "(v1 + v2) / (v1 - v1)"])
def test_division_by_zero_gives_none(formula):
    assert evaluate_formula(formula, {"a": 3.0, "b": 0.0, "v1": 1.0, "v2": 1.0}) is None


def test_a_formula_that_can_divide_by_zero_is_still_a_valid_formula():
    check_formula("a / (b - b)", {"a", "b"})  # no exception


def test_missing_value_gives_none():
    assert evaluate_formula("a / b * 100", {"a": 45.0, "b": None}) is None
    assert evaluate_formula("a / b * 100", {"a": None, "b": None}) is None
    assert evaluate_formula("a / b * 100", {"a": 45.0}) is None  # b not given at all


def test_overflow_to_infinity_gives_none():
    assert evaluate_formula("a * a * a", {"a": 1e200}) is None


def test_formula_error_carries_a_thai_message():
    with pytest.raises(FormulaError) as caught:
        check_formula("open('x')", NAMES)
    assert "สูตรคำนวณ" in str(caught.value)
