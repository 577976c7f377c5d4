"""The entry page's row slots (state.entry: row_00, row_01, …) read by position in the browser.

Each slot is a var of its own on the server, so an edit sends only the slot it changed. In the
page, `rx.foreach` over the catalogue gives a position; `row_slot(n)` is that slot's value,
read from the state's object by name (`state["row_" + n padded + suffix]`), one short
expression whatever the number of slots. The name is taken from the first slot var as Reflex
compiles it, and checked here once: should a Reflex upgrade compile field reads another way,
importing this module fails instead of the page showing empty rows.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import VarData

from krs_app.services.views import RowState
from krs_app.state.entry import ROW_SLOTS, EntryState

_FIRST = getattr(EntryState, ROW_SLOTS[0])
_HOLDER, _DOT, _FIELD = str(_FIRST).rpartition(".")
_BEFORE, _NAME, _SUFFIX = _FIELD.partition(ROW_SLOTS[0])
if not (_HOLDER and _DOT and _NAME and not _BEFORE and all(n == f"row_{i:02d}" for i, n in enumerate(ROW_SLOTS))):
    raise RuntimeError(f"row slots: unexpected compiled name of a state field: {_FIRST!s}")


def row_slot(position: rx.Var[int]) -> rx.Var[RowState]:
    """The row state in the slot at `position` (a foreach index)."""
    expression = f'{_HOLDER}[`row_${{String({position}).padStart(2, "0")}}{_SUFFIX}`]'
    data = VarData.merge(_FIRST._get_all_var_data(), position._get_all_var_data())
    return rx.Var(_js_expr=expression, _var_type=RowState, _var_data=data).guess_type()
