"""A wide table's own scroll box: it scrolls sideways inside the page (the page itself never
does, down to 390 px), and a keyboard user can reach it (tabindex 0) and hear what it is
(role region + a Thai label) — WCAG 2.1.1 / axe's scrollable-region-focusable."""

from __future__ import annotations

import reflex as rx


def scrollable(label) -> dict:
    """The props that make a box scrolling on its own reachable and named (for an existing rx.box)."""
    return {"tab_index": 0, "role": "region", "aria_label": label, "class_name": "krs-scroll"}


def scroll_region(*children: rx.Component, label, **props) -> rx.Component:
    """`children` in a labelled, focusable box that scrolls on its own (`props` as for rx.box)."""
    props.setdefault("overflow", "auto")
    props.setdefault("width", "100%")
    return rx.box(*children, **scrollable(label), **props)
