"""Outlier flags: a value far from every other district's is flagged, a normal spread is not."""

from __future__ import annotations

import random

from krs_app.domain.outliers import modified_z_scores, outlier_flags


def test_a_value_twenty_times_the_others_is_flagged_with_a_thai_reason():
    rng = random.Random(14)
    values = {f"d{i}": rng.uniform(70, 90) for i in range(60)}
    values["spm07"] = 20 * 80.0
    flags = outlier_flags(values)
    assert list(flags) == ["spm07"]
    (flag,) = flags["spm07"]
    assert flag.kind == "spread" and flag.z > 3.5
    assert flag.reason.startswith("ต่างจากค่ากลางของทุกเขต")
    assert "เท่า" in flag.reason and "1,600.00" in flag.reason


def test_a_normal_spread_flags_nothing():
    rng = random.Random(2562)
    for _ in range(20):
        values = {i: rng.uniform(55, 100) for i in range(245)}  # the results of a usual round
        assert outlier_flags(values) == {}
    counts = {i: float(rng.randint(20, 60)) for i in range(245)}  # school counts
    assert outlier_flags(counts) == {}


def test_equal_values_with_one_planted_value_still_flag_it():
    # More than half the values equal: the MAD is 0 and the mean absolute deviation stands in.
    values = dict.fromkeys(range(30), 100.0)
    values[7] = 2000.0
    assert list(outlier_flags(values)) == [7]
    assert outlier_flags(dict.fromkeys(range(30), 100.0)) == {}


def test_missing_values_and_too_few_values_are_left_alone():
    assert outlier_flags({1: 10.0, 2: None, 3: 500.0}) == {}
    assert modified_z_scores({1: 1.0, 2: 2.0}) == {}


def test_a_jump_from_the_same_districts_previous_round_is_flagged():
    rng = random.Random(7)
    previous = {i: rng.uniform(60, 90) for i in range(50)}
    current = {i: v + rng.uniform(-2, 2) for i, v in previous.items()}
    current[3] = 5.0 if previous[3] > 40 else 95.0  # inside the others' range, but a big fall
    flags = outlier_flags(current, previous)
    assert 3 in flags and [f.kind for f in flags[3]][-1] == "jump"
    assert "รอบก่อน" in flags[3][-1].reason
    assert all(i == 3 for i in flags)
