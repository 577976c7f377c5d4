"""Benchmark: score every district x every indicator of a 6-month round, plus overalls.

245 districts (as many as OBEC's service areas) x a 40-indicator catalogue: the demo's 27
(krs_app.seed.indicators.INDICATORS) and 13 synthetic ones of the same shapes (ratios, a
lower-is-better ratio, milestones, a plain value, round-specific flags); `--indicators 27`
scores the demo catalogue alone. Random plausible values, pure domain rules (no database).
Two ways of scoring the same round are timed: "per call" calls `evaluate` once per district and
indicator (any version of the domain code has it); "per indicator" hands all districts' values of
one indicator to `evaluate_all` (one pass of its compiled scorer), where the domain code has it.
Both end in each district's `weighted_overall`, and must give the same checksum. Run from the
project folder:

    python bench/bench_scoring.py [--repeat 20] [--districts 245] [--indicators 40] [--months 6] [--seed 2562]
                                  [--path both|call|indicator]
"""

from __future__ import annotations

import argparse
import os
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

try:
    from krs_app.domain.scoring import evaluate_all
except ImportError:  # a version of the domain code before one-pass scoring
    evaluate_all = None
from krs_app.seed.indicator_shapes import DONE_FLAG, PEOPLE, SCHOOLS, IndicatorSeed, VariableSeed
from krs_app.seed.indicators import INDICATORS
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


def _synthetic(number: int) -> IndicatorSeed:
    """One more indicator for the catalogue, cycling through the demo's shapes."""
    code = f"{13 + number // 5}.{number % 5 + 1}"
    name = f"ตัวชี้วัดสังเคราะห์ {code}"
    shape = number % 6
    ratio = (VariableSeed("a", "ส่วน", SCHOOLS, whole_key="b"), VariableSeed("b", "ทั้งหมด", SCHOOLS))
    if shape == 0:
        return IndicatorSeed(code, name, "academic", 2, "a / b * 100", (60, 70, 80, 90, 100), ratio)
    if shape == 1:  # lower is better, as 3.2
        return IndicatorSeed(code, name, "policy", 2, "a / b * 100", (2.0, 1.5, 1.0, 0.5, 0.0), ratio, "lower")
    if shape == 2:  # milestones, as 4.2
        steps = tuple(VariableSeed(str(k), f"ขั้นที่ {k}", DONE_FLAG, kind="flag") for k in range(1, 6))
        return IndicatorSeed(code, name, "ict", 2, "v1 + v2 + v3 + v4 + v5", (1, 2, 3, 4, 5), steps, kind="level")
    if shape == 3:  # a plain value, as 12
        value = (VariableSeed("1", "ค่าเฉลี่ย", "คะแนน", kind="number", min_value=1, max_value=5),)
        return IndicatorSeed(code, name, "personnel", 2, "v1", (3.0, 3.25, 3.5, 3.75, 4.0), value, kind="value")
    if shape == 4:  # two flags of one round, as 11.5 / 11.6
        months = "6" if number % 2 else "12"
        flags = tuple(
            VariableSeed(str(k), f"ส่งข้อมูล {k}", DONE_FLAG, kind="flag", required_months=months) for k in (1, 2)
        )
        return IndicatorSeed(
            code, name, "finance", 2, "(v1 + v2) / 2 * 100", (20, 40, 60, 80, 100), flags, kind="level"
        )
    people = (VariableSeed("a", "ผ่าน", PEOPLE, whole_key="b"), VariableSeed("b", "ทั้งหมด", PEOPLE, source="central"))
    return IndicatorSeed(code, name, "testing", 2, "a / b * 100", (30, 35, 40, 45, 50), people)


def catalogue(size: int) -> list[IndicatorSeed]:
    """The demo catalogue cut or padded with synthetic indicators to `size`."""
    seeds = list(INDICATORS[:size])
    seeds.extend(_synthetic(number) for number in range(size - len(seeds)))
    return seeds


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


def score_round_by_indicator(
    specs: list[IndicatorSpec], districts: list[dict[str, dict]], months: int
) -> tuple[int, float]:
    """The same round as score_round, one indicator at a time over all districts (evaluate_all)."""
    columns = [evaluate_all(spec, [values[spec.code] for values in districts], months) for spec in specs]
    weights = [spec.weight for spec in specs]
    checksum = 0.0
    for evaluations in zip(*columns, strict=True):
        scored = [
            (weight, (1.0 if e.score is None else e.score) if e.assessed else None)
            for weight, e in zip(weights, evaluations, strict=True)
        ]
        overall = weighted_overall(scored)
        checksum += overall or 0.0
    return sum(len(column) for column in columns), checksum


def timed(score, specs, districts, months: int, repeat: int) -> tuple[list[float], list[float], int, float]:
    """Wall and CPU milliseconds of `repeat` runs after one warm-up, the evaluation count and checksum."""
    score(specs, districts, months)  # warm-up
    timings_ms = []
    cpu_ms = []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        evaluated, checksum = score(specs, districts, months)
        timings_ms.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.process_time() - cpu_started) * 1000)
    return timings_ms, cpu_ms, evaluated, checksum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--districts", type=int, default=245)
    parser.add_argument("--indicators", type=int, default=40, help="catalogue size (27: the demo's alone)")
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2562)
    parser.add_argument("--path", choices=("both", "call", "indicator"), default="both")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    specs = [indicator_spec(seed) for seed in catalogue(args.indicators)]
    districts = [{spec.code: plausible_values(spec, rng) for spec in specs} for _ in range(args.districts)]
    assessed = sum(1 for spec in specs if spec.is_assessed_in(args.months))

    paths = {"call": ("per call (evaluate)", score_round)}
    if evaluate_all is not None:
        paths["indicator"] = ("per indicator (evaluate_all)", score_round_by_indicator)
    chosen = list(paths) if args.path == "both" else [args.path]
    if any(path not in paths for path in chosen):
        parser.error("this version of the domain code has no evaluate_all")
    for index, path in enumerate(chosen):
        label, score = paths[path]
        timings_ms, cpu_ms, evaluated, checksum = timed(score, specs, districts, args.months, args.repeat)
        if index == 0:
            print(
                f"{args.districts} districts x {len(specs)} indicators ({assessed} assessed in the "
                f"{args.months}-month round) = {evaluated} evaluations + {args.districts} weighted overalls"
            )
        print(f"{label}: mean overall score {checksum / args.districts:.4f} (checksum, seed {args.seed})")
        print(
            f"  {args.repeat} runs: min {min(timings_ms):.1f} ms, median {statistics.median(timings_ms):.1f} ms, "
            f"max {max(timings_ms):.1f} ms; median {statistics.median(timings_ms) * 1000 / evaluated:.2f} µs "
            "per evaluation"
        )
        # On a busy machine wall time includes waiting for a core; this process's CPU time does not.
        print(f"  this process's CPU time per run: min {min(cpu_ms):.1f} ms, median {statistics.median(cpu_ms):.1f} ms")
    print(f"machine load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
