"""Status icons with distinct shapes as well as colours, and the new-data badge."""

from __future__ import annotations

import reflex as rx

from krs_app import styles

# status -> (lucide icon, colour)
STATUS_LOOK = {
    "not_reported": ("circle-dashed", styles.STATUS_NOT_REPORTED),
    "awaiting": ("hourglass", styles.STATUS_AWAITING),
    "not_certified": ("octagon-x", styles.STATUS_NOT_CERTIFIED),
    "certified": ("circle-check", styles.STATUS_CERTIFIED),
}


def status_icon(status: rx.Var, label: rx.Var, help_text: rx.Var, element_id: rx.Var) -> rx.Component:
    icon = rx.match(
        status,
        *[(key, rx.icon(name, color=colour, size=18)) for key, (name, colour) in STATUS_LOOK.items()],
        rx.icon("circle", size=18),
    )
    colour = rx.match(status, *[(key, look[1]) for key, look in STATUS_LOOK.items()], styles.STATUS_NOT_REPORTED)
    return rx.tooltip(
        rx.hstack(
            icon,
            rx.text(label, size="2", color=colour, weight="medium"),
            id=element_id,
            custom_attrs={"data-status": status},
            align="center",
            spacing="1",
            aria_label=label,
            tab_index=0,
        ),
        content=help_text,
    )
