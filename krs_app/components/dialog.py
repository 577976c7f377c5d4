"""The content box of every dialog of the app (rx.dialog.content with one addition).

A toast can appear while a dialog is open (a failed event's Thai message, the connection
lost). It is drawn above the dialog (the toaster sits outside the page's theme root, with its
own z-index) and takes the pointer there (assets/krs.css: Radix turns pointer events off on
<body> while a modal dialog is open). A press on the toast, to read it or close it, is then a
press outside the dialog, which Radix takes as "close the dialog": here it does not, so what
is typed in the dialog stays. Any other press outside (the overlay) still closes it.
"""

from __future__ import annotations

import reflex as rx

# Radix calls this before dismissing the dialog on a pointer-down outside it; preventDefault keeps it open.
_KEEP_OPEN_FOR_TOASTS = rx.Var(
    "((event) => { const target = event.target;"
    " if (target instanceof Element && target.closest('[data-sonner-toaster]')) event.preventDefault(); })"
)


def dialog_content(*children: rx.Component, **props) -> rx.Component:
    """rx.dialog.content whose dialog a press on a toast does not close."""
    custom_attrs = {"onPointerDownOutside": _KEEP_OPEN_FOR_TOASTS, **props.pop("custom_attrs", {})}
    return rx.dialog.content(*children, custom_attrs=custom_attrs, **props)
