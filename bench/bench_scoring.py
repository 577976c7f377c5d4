"""Benchmark: score every district x every indicator of a 6-month round, plus overalls.

245 districts (as many as OBEC's service areas) x the demo catalogue
(krs_app.seed.indicators.INDICATORS), random plausible values, pure domain rules
(no database). Run from the project folder:

    python bench/bench_scoring.py [--repeat 20] [--districts 245] [--months 6] [--seed 2562]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import _harness  # noqa: F401  (puts this checkout on sys.path)

from krs_app.domain.indicators import (
    Direction,
    IndicatorKind,
    IndicatorSpec,
    VariableKind,
    VariableSource,
    VariableSpec,
)
from krs_app.domain.scoring import evaluate, weighted_overall
from krs_app.seed.indicators import INDICATORS, IndicatorSeed, VariableSeed
from krs_app.services.catalogue import parse_months


def variable_spec(seed: VariableSeed) -> VariableSpec:
    return VariableSpec(
        key=seed.key,
        label=seed.label,
        unit=seed.unit,
        kind=VariableKind(seed.kind),
        source=VariableSource(seed.source),
        required_months=parse_months(seed.required_months),
        min_value=seed.min_value,
        max_value=seed.max_value,
        whole_key=seed.whole_key,
    )


def indicator_spec(seed: IndicatorSeed) -> IndicatorSpec:
    return IndicatorSpec(
        code=seed.code,
        name=seed.name,
        weight=seed.weight,
        formula=seed.formula,
        thresholds=tuple(seed.thresholds),
        direction=Direction(seed.direction),
        kind=IndicatorKind(seed.kind),
        variables=tuple(variable_spec(v) for v in seed.variables),
    )


def plausible_values(spec: IndicatorSpec, rng: random.Random) -> dict[str, float | None]:
    """Values a district could hold: wholes 0..400, parts mostly near the top, a few gaps."""
    values: dict[str, float | None] = {}
    for variable in spec.variables:
        if variable.whole_key is None and variable.kind == VariableKind.COUNT:
            values[variable.key] = float(rng.randint(0, 400))
    for variable in spec.variables:
        if rng.random() < 0.05:  # not entered yet
            values[variable.key] = None
            continue
        if variable.kind == VariableKind.FLAG:
            values[variable.key] = float(rng.random() < 0.7)
        elif variable.kind == VariableKind.NUMBER:
            low = variable.min_value if variable.min_value is not None else 0.0
            high = variable.max_value if variable.max_value is not None else 100.0
            values[variable.key] = round(rng.uniform(low, high), 2)
        elif variable.whole_key is not None:
            whole = values.get(variable.whole_key)
            if whole is None:
                values[variable.key] = float(rng.randint(0, 400))
            elif spec.direction == Direction.LOWER_IS_BETTER:
                values[variable.key] = float(rng.randint(0, max(0, int(whole * 0.02))))
            else:
                values[variable.key] = float(round(whole * rng.uniform(0.5, 1.0)))
    return values


def score_round(specs: list[IndicatorSpec], districts: list[dict[str, dict]], months: int) -> tuple[int, float]:
    """Evaluate every district x indicator and each district's weighted overall."""
    evaluated = 0
    checksum = 0.0
    for district_values in districts:
        scored = []
        for spec in specs:
            evaluation = evaluate(spec, district_values[spec.code], months)
            evaluated += 1
            if not evaluation.assessed:
                scored.append((spec.weight, None))
            else:
                scored.append((spec.weight, evaluation.score if evaluation.score is not None else 1.0))
        overall = weighted_overall(scored)
        checksum += overall or 0.0
    return evaluated, checksum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--districts", type=int, default=245)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2562)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    specs = [indicator_spec(seed) for seed in INDICATORS]
    districts = [{spec.code: plausible_values(spec, rng) for spec in specs} for _ in range(args.districts)]
    assessed = sum(1 for spec in specs if spec.is_assessed_in(args.months))

    score_round(specs, districts, args.months)  # warm-up
    timings_ms = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        evaluated, checksum = score_round(specs, districts, args.months)
        timings_ms.append((time.perf_counter() - started) * 1000)

    print(
        f"{args.districts} districts x {len(specs)} indicators ({assessed} assessed in the "
        f"{args.months}-month round) = {evaluated} evaluations + {args.districts} weighted overalls"
    )
    print(f"mean overall score {checksum / args.districts:.4f} (checksum, seed {args.seed})")
    print(
        f"{args.repeat} runs: min {min(timings_ms):.1f} ms, median {statistics.median(timings_ms):.1f} ms, "
        f"max {max(timings_ms):.1f} ms; median {statistics.median(timings_ms) * 1000 / evaluated:.1f} µs per evaluation"
    )


if __name__ == "__main__":
    main()
