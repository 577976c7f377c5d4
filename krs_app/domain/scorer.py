"""One indicator's scoring in rounds of one length, prepared once and compiled.

domain.scoring.evaluate is the rule: the formula over the variables required in the
round (domain.formula), the result placed between the criteria (linear interpolation),
both rounded half up. Scoring a round applies that rule some 10,000 times with the same
few indicators, so RoundScorer prepares everything that does not depend on the values
and compiles one straight-line function per indicator and round length:

    def score(values):
        get = values.get
        v0 = get('a'); v1 = get('b')              # the required variables' keys
        if v0 is None or v1 is None: return INCOMPLETE
        try: u = float(float(v0) / float(v1) * 100)   # the validated formula tree
        except ArithmeticError: return NO_RESULT
        ... criteria as constants, then rounding half up (numbers.round_half_up's rule)

The function is built from a fixed template of this module (identifiers made of digits
only) and the formula's rebuilt whitelisted tree; the catalogue's keys and criteria go in
as constants of the tree, never as text. Anything the template cannot take (a formula too
deeply nested to rebuild) is scored by RoundScorer.evaluate_generic, the same steps in
plain Python. Tests hold both to the rule written out, on the worked cases and on
generated formulas and values.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from krs_app.domain.formula import MAX_FORMULA_LENGTH, CompiledFormula, FormulaError, compile_formula
from krs_app.domain.indicators import Direction, IndicatorSpec
from krs_app.domain.numbers import (
    FAST_LIMIT,
    RESULT_PLACES,
    SCALE_FOR_PLACES,
    SCORE_PLACES,
    TIE_MARGIN,
    round_half_up,
)

MIN_SCORE = 1.0
MAX_SCORE = 5.0
_INF = math.inf


class Evaluation(NamedTuple):
    """An indicator's outcome for one district in one round (an immutable plain value)."""

    assessed: bool  # False: not assessed in this round, left out of the overall score
    complete: bool  # every required variable has a value
    result: float | None  # rounded to 2 decimals; None: no result
    score: float | None  # rounded to 4 decimals; None: no result


NOT_ASSESSED = Evaluation(assessed=False, complete=False, result=None, score=None)
INCOMPLETE = Evaluation(assessed=True, complete=False, result=None, score=None)
NO_RESULT = Evaluation(assessed=True, complete=True, result=None, score=None)
_new_tuple = tuple.__new__


def interpolated(result: float, thresholds: tuple[float, ...]) -> float:
    """The unrounded score for higher-is-better criteria (lower-is-better ones come negated)."""
    if result <= thresholds[0]:
        return MIN_SCORE
    if result >= thresholds[-1]:
        return MAX_SCORE
    for level in range(1, len(thresholds)):
        low, high = thresholds[level - 1], thresholds[level]
        if result < high:
            if high == low:
                return float(level + 1)
            return level + (result - low) / (high - low)
    return MAX_SCORE


def scorer_for(indicator: IndicatorSpec, months: int) -> RoundScorer:
    """The indicator's scorer for rounds of `months` months, built once per spec and round length."""
    scorer = indicator.derived.get(months)
    if scorer is None:
        scorer = indicator.derived[months] = RoundScorer(indicator, months)
    return scorer


class RoundScorer:
    """evaluate(values) -> Evaluation, evaluate_all(rows) -> [Evaluation, ...] (one per row, in order)
    and unrounded(values) -> float | None for one indicator and round length."""

    __slots__ = ("_arguments", "_function", "_required", "_thresholds", "evaluate", "evaluate_all", "negate")

    def __init__(self, indicator: IndicatorSpec, months: int) -> None:
        required = indicator.required_variables(months)
        # As the rule's names dict: formula name -> key (a later variable of the same name wins);
        # the values checked for None are those that dict holds.
        key_for_name = {v.formula_name: v.key for v in required}
        self._required = tuple(key_for_name.values())
        compiled = _compiled(indicator.formula, key_for_name)
        self._function = compiled.function if compiled else None
        self._arguments = tuple(key_for_name[name] for name in compiled.names) if compiled else ()
        self.negate = indicator.direction == Direction.LOWER_IS_BETTER
        self._thresholds = tuple(-t for t in indicator.thresholds) if self.negate else tuple(indicator.thresholds)
        self.evaluate_all = self._each
        if not required:
            self.evaluate = _not_assessed
        elif compiled is None:
            self.evaluate = self._incomplete_or_no_result
        else:
            try:
                self.evaluate, self.evaluate_all = _generated(
                    compiled, key_for_name, self._required, self._thresholds, self.negate
                )
            except (RecursionError, MemoryError, SyntaxError, ValueError):
                self.evaluate = self.evaluate_generic

    def _each(self, rows: Iterable[Mapping[str, float | None]]) -> list[Evaluation]:
        evaluate = self.evaluate
        return [evaluate(values) for values in rows]

    def _incomplete_or_no_result(self, values: Mapping[str, float | None]) -> Evaluation:
        get = values.get
        for key in self._required:
            if get(key) is None:
                return INCOMPLETE
        return NO_RESULT

    def unrounded(self, values: Mapping[str, float | None]) -> float | None:
        """The formula's value over the required variables; None if one is missing or it has no value."""
        get = values.get
        for key in self._required:
            if get(key) is None:
                return None
        if self._function is None:
            return None
        try:
            value = float(self._function(*[float(values[key]) for key in self._arguments]))
        except ArithmeticError:  # a division by zero, an int too large for a float
            return None
        return value if -_INF < value < _INF else None

    def evaluate_generic(self, values: Mapping[str, float | None]) -> Evaluation:
        """The same steps as the generated function, in plain Python."""
        if not self._required:
            return NOT_ASSESSED
        get = values.get
        for key in self._required:
            if get(key) is None:
                return INCOMPLETE
        unrounded = self.unrounded(values)
        if unrounded is None:
            return NO_RESULT
        raw = interpolated(-unrounded if self.negate else unrounded, self._thresholds)
        return _new_tuple(
            Evaluation, (True, True, round_half_up(unrounded, RESULT_PLACES), round_half_up(raw, SCORE_PLACES))
        )


def _not_assessed(values: Mapping[str, float | None]) -> Evaluation:
    return NOT_ASSESSED


def _compiled(formula: str, key_for_name: dict[str, str]) -> CompiledFormula | None:
    """The formula compiled over the round's names; None when it is refused (it has no value, as before)."""
    if len(formula) > MAX_FORMULA_LENGTH:
        return None
    try:
        return compile_formula(formula, key_for_name)
    except FormulaError:
        return None


def _rounding_lines(target: str, source: str, places: int) -> list[str]:
    """numbers.round_half_up(source, places) written out; ROUND (the function itself) near a tie."""
    return [
        f"s = {source} * SCALE{places}",
        "if -FAST_LIMIT < s < FAST_LIMIT:",
        "    w = s // 1.0",
        "    f = s - w",
        "    if f < BELOW_HALF:",
        f"        {target} = w / SCALE{places}",
        "    elif f > ABOVE_HALF:",
        "        w += 1.0",
        f"        {target} = w / SCALE{places} if w else -0.0",
        "    else:",
        f"        {target} = ROUND({source}, {places})",
        "else:",
        f"    {target} = ROUND({source}, {places})",
    ]


def _body(required: int, levels: int, flat: list[bool], negate: bool, float_formula: bool) -> list[str]:
    """One evaluation, unindented; `RETURN x` stands for handing x back (return, or append and next)."""
    keys = range(required)
    lines = [
        # A plain dict: subscripts, a missing key is a missing value (dict.get's None, without the calls).
        "if values.__class__ is DICT:",
        "    try:",
        *[f"        v{index} = values[K{index}]" for index in keys],
        "    except KeyError:",
        "        RETURN INCOMPLETE",
        "else:",
        "    get = values.get",
        *[f"    v{index} = get(K{index})" for index in keys],
        "if " + " or ".join(f"v{index} is None" for index in keys) + ":",
        "    RETURN INCOMPLETE",
        "try:",
        # float() of an exact float is that float: only other values go through float().
        "    u = float(FORMULA)" if float_formula else "    u = FORMULA",
        "except ArithmeticError:",
        "    RETURN NO_RESULT",
        "if not -INF < u < INF:",
        "    RETURN NO_RESULT",
        "r = -u" if negate else "r = u",
        "if r <= T0:",
        "    raw = MIN_SCORE",
        f"elif r >= T{levels - 1}:",
        "    raw = MAX_SCORE",
    ]
    for level in range(1, levels):
        lines.append(f"elif r < T{level}:")
        if flat[level - 1]:
            lines.append(f"    raw = float({level + 1})")
        else:
            lines.append(f"    raw = {level} + (r - T{level - 1}) / (T{level} - T{level - 1})")
    lines += ["else:", "    raw = MAX_SCORE"]
    lines += _rounding_lines("result", "u", RESULT_PLACES)
    lines += _rounding_lines("score", "raw", SCORE_PLACES)
    lines.append("RETURN NEW(EVALUATION, (True, True, result, score))")
    return lines


def _template(required: int, levels: int, flat: list[bool], negate: bool, float_formula: bool = True) -> str:
    """The scorers' source: only names of this module's making (v0, K0, T0, ...), no catalogue text.

    `score(values)` evaluates one district's values; `score_all(rows)` the same steps for each
    of many (one indicator, all districts) in one loop, without a call per district."""
    body = _body(required, levels, flat, negate, float_formula)
    single = ["def score(values):"] + ["    " + line.replace("RETURN ", "return ") for line in body]
    batch = ["def score_all(rows):", "    out = []", "    append = out.append", "    for values in rows:"]
    for line in body:
        indent = line[: len(line) - len(line.lstrip())]
        if line.lstrip().startswith("RETURN "):
            value = line.lstrip()[len("RETURN ") :]
            batch += [f"        {indent}append({value})", f"        {indent}continue"]
        else:
            batch.append("        " + line)
    batch = batch[:-1]  # the last evaluation's `continue` ends the loop's body anyway
    batch.append("    return out")
    return "\n".join(single + batch) + "\n"


class _Fill(ast.NodeTransformer):
    """Put the constants and the formula into the template's tree."""

    def __init__(self, constants: dict[str, object], formula: ast.expr) -> None:
        self.constants = constants
        self.formula = formula

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id == "FORMULA":
            return self.formula
        if node.id in self.constants:
            return ast.copy_location(ast.Constant(value=self.constants[node.id]), node)
        return node


class _FormulaNames(ast.NodeTransformer):
    """The formula's parameters _0, _1, ... become the required variable they stand for, as a float:
    `v<i> if v<i>.__class__ is FLOAT else float(v<i>)` (float() of an exact float is that float)."""

    def __init__(self, local_for_parameter: dict[str, str]) -> None:
        self.local_for_parameter = local_for_parameter

    def visit_Name(self, node: ast.Name) -> ast.expr:
        def local() -> ast.Name:
            return ast.Name(id=self.local_for_parameter[node.id], ctx=ast.Load())

        is_float = ast.Compare(
            left=ast.Attribute(value=local(), attr="__class__", ctx=ast.Load()),
            ops=[ast.Is()],
            comparators=[ast.Name(id="FLOAT", ctx=ast.Load())],
        )
        converted = ast.Call(func=ast.Name(id="float", ctx=ast.Load()), args=[local()], keywords=[])
        return ast.IfExp(test=is_float, body=local(), orelse=converted)


def _generated(
    compiled: CompiledFormula,
    key_for_name: dict[str, str],
    required: tuple[str, ...],
    thresholds: tuple[float, ...],
    negate: bool,
) -> tuple[Callable[[Mapping[str, float | None]], Evaluation], Callable[[Iterable], list[Evaluation]]]:
    """The generated `score(values)` and `score_all(rows)` of one indicator and round length."""
    if not all(type(t) in (int, float) for t in thresholds):
        raise ValueError("criteria must be numbers to be compiled")
    position = {key: index for index, key in enumerate(required)}
    local_for_parameter = {f"_{index}": f"v{position[key_for_name[name]]}" for index, name in enumerate(compiled.names)}
    formula = _FormulaNames(local_for_parameter).visit(compiled.tree_copy())
    levels = len(thresholds)
    flat = [thresholds[level] == thresholds[level - 1] for level in range(1, levels)]
    constants: dict[str, object] = {f"K{index}": key for index, key in enumerate(required)}
    constants.update({f"T{index}": t for index, t in enumerate(thresholds)})
    constants.update(
        {
            f"SCALE{RESULT_PLACES}": SCALE_FOR_PLACES[RESULT_PLACES],
            f"SCALE{SCORE_PLACES}": SCALE_FOR_PLACES[SCORE_PLACES],
            "FAST_LIMIT": FAST_LIMIT,
            "BELOW_HALF": 0.5 - TIE_MARGIN,
            "ABOVE_HALF": 0.5 + TIE_MARGIN,
            "MIN_SCORE": MIN_SCORE,
            "MAX_SCORE": MAX_SCORE,
            "INF": _INF,  # a constant: -INF is folded at compile time
        }
    )
    # Every operation with a float operand gives a float, so a formula reading a variable gives one
    # already; only a formula of literals alone (1 + 2) needs the float() the rule applies.
    reads_a_variable = bool(compiled.names)
    module = ast.parse(_template(len(required), levels, flat, negate, float_formula=not reads_a_variable))
    module = ast.fix_missing_locations(_Fill(constants, formula).visit(module))
    namespace = {
        "__builtins__": {},
        "float": float,
        "FLOAT": float,
        "DICT": dict,
        "KeyError": KeyError,
        "ArithmeticError": ArithmeticError,
        "ROUND": round_half_up,
        "NEW": _new_tuple,
        "EVALUATION": Evaluation,
        "INCOMPLETE": INCOMPLETE,
        "NO_RESULT": NO_RESULT,
    }
    # The module is this file's template with constants and the rebuilt whitelisted formula tree in it.
    exec(compile(module, "<scorer>", "exec", dont_inherit=True), namespace)
    return namespace["score"], namespace["score_all"]
