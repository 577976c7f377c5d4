"""Small form pieces the /admin tabs share: a labelled text input, a native select, and the
Thai refusal shown under the field it is about."""

from __future__ import annotations

import reflex as rx

from krs_app import styles


def field_error(message, show, element_id: str = "") -> rx.Component:
    """The Thai refusal at its field (present only when `show`)."""
    return rx.cond(
        show,
        rx.text(message, id=element_id or None, color=styles.TEXT_ERROR, size="2", role="alert"),
        rx.fragment(),
    )


def text_input(element_id, value, on_change, placeholder: str = "", width: str = "100%", **props) -> rx.Component:
    return rx.el.input(
        id=element_id,
        value=value,
        on_change=on_change,
        placeholder=placeholder,
        class_name="krs-select",
        width=width,
        style={"width": width, "min_width": "0"},
        **props,
    )


_FIELD_TAGS = {"input", "select", "textarea", "TextField.Root", "TextArea"}  # native, and Radix's text fields


def _field_id(component: rx.Component):
    """The id (a str or Var) of the first form field in `component`, itself or a descendant."""
    if getattr(component, "tag", None) in _FIELD_TAGS and getattr(component, "id", None) is not None:
        return component.id
    for child in getattr(component, "children", []):
        found = _field_id(child)
        if found:
            return found
    return None


def labelled(label: str, control: rx.Component, *extra: rx.Component, min_width: str = "10em") -> rx.Component:
    """`label` above `control`, tied to the control's first field (its accessible name)."""
    return rx.vstack(
        rx.el.label(label, html_for=_field_id(control), font_size="0.875rem", color=styles.TEXT_LABEL),
        control,
        *extra,
        spacing="1",
        flex="1",
        min_width=min_width,
        class_name="krs-field",  # a whole line each at phone width (krs.css)
    )


def select(element_id, value, on_change, options: list[tuple[str, str]], **props) -> rx.Component:
    """A native select over fixed (value, Thai label) options."""
    return rx.el.select(
        *[rx.el.option(label, value=v) for v, label in options],
        id=element_id,
        value=value,
        on_change=on_change,
        class_name="krs-select",
        **props,
    )


def var_select(element_id, value, on_change, options, placeholder: str = "") -> rx.Component:
    """A native select over a state's list of {"id", "label"} rows."""
    return rx.el.select(
        rx.el.option(placeholder or "— เลือก —", value=""),
        rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["id"])),
        id=element_id,
        value=value,
        on_change=on_change,
        class_name="krs-select",
    )


def notice(text, ok) -> rx.Component:
    return rx.cond(
        text != "",
        rx.text(text, id="admin-notice", color=rx.cond(ok, styles.TEXT_SUCCESS, styles.TEXT_ERROR), size="2"),
        rx.fragment(),
    )
