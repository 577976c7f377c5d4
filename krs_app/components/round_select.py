"""The round selector (รอบการรายงาน) every page carries, with the stable id `round-select`."""

from __future__ import annotations

import reflex as rx

from krs_app.services.round_options import RoundOption


def _round_option(option: RoundOption) -> rx.Component:
    return rx.el.option(option.label, value=option.id)


def round_select(rounds: rx.Var, value: rx.Var, on_change) -> rx.Component:
    """A select of the page state's `rounds` (RoundOption rows) showing `value`; `on_change` gets the id."""
    return rx.el.select(
        rx.foreach(rounds, _round_option),
        id="round-select",
        value=value,
        on_change=on_change,
        class_name="krs-select",
        aria_label="รอบการรายงาน",
    )
