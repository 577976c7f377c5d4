"""The district's data-entry page (บันทึกข้อมูล): plain rows from services.entry."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from krs_app.domain.roles import Role
from krs_app.live.bus import Change
from krs_app.live.registry import district_key
from krs_app.live.targets import pushed, take_stale, watch
from krs_app.routes import ENTRY
from krs_app.services import entry, entry_shared, idempotency, resubmission
from krs_app.services.entry_summary import entry_summary
from krs_app.services.errors import ServiceError
from krs_app.services.views import EMPTY_ROW, IndicatorRow, IndicatorText, RoundOption, RowState
from krs_app.state.feedback import cell_errors_after, cell_key, error_message
from krs_app.state.page_query import url_round
from krs_app.state.panel import set_host_refresh
from krs_app.state.session import SessionState, guarded
from krs_app.state.submit import new_request_id

SAVED_MARK_SECONDS = 3
# The page's rows by position: the catalogue text in one var (sent once per load or round change),
# each row's state in a slot var of its own (row_00, row_01, …), so that an edit, or a live push,
# sends only the slots that changed: Reflex sends a changed var whole.
MAX_ROWS = 60
ROW_SLOTS = tuple(f"row_{n:02d}" for n in range(MAX_ROWS))
TOO_MANY_ROWS = "รอบนี้มีตัวชี้วัดเกิน {limit} ตัว หน้านี้แสดงได้ {limit} ตัวแรก โปรดแจ้ง กพร."
logger = logging.getLogger(__name__)


def _empty_row() -> RowState:
    return EMPTY_ROW  # shared: a frozen row is never copied per tab


@pushed
class EntryState(SessionState):
    district_name: str = ""
    round_id: str = ""
    round_label: str = ""
    round_closed: bool = False
    deadline_text: str = ""
    countdown_text: str = ""
    overall_text: str = "1.0000"
    rounds: list[RoundOption] = []
    catalogue: list[IndicatorText] = []  # the round's (services.entry: one shared list per round)
    for _slot in ROW_SLOTS:
        __annotations__[_slot] = "RowState"
        vars()[_slot] = rx.field(default_factory=_empty_row)
    del _slot
    # The summary at the top (entry-summary): what needs attention, derived from the rows above.
    summary_headline: str = ""
    attention_count: int = 0  # its lines are in the row slots (RowState.attention)
    cell_errors: dict[str, str] = {}
    request_id: str = ""  # the resubmit buttons' (state/submit.py)
    # The cells just saved (the one left, and refused ones a change there let through): each
    # says บันทึกแล้ว for SAVED_MARK_SECONDS.
    saved_cells: list[str] = []
    notice: str = ""
    draft_user: str = ""  # whose typing this tab keeps until saved (assets/krs.js: krs-draft|user|round|cell)
    # Cells whose typed value was refused, kept (element id -> (variable id, text)) so that a
    # change of another cell of the same indicator re-checks them and saves them once they pass.
    _refused: dict[str, tuple[int, str]] = {}
    _screen_ahead: bool = False  # a live push left the screen ahead of this stored state (_note_stale)

    def _note_stale(self) -> bool:
        """Whether a live push sent this tab's screen rows newer than this stored state holds (kept
        until the next reload, which then sends every row: what the screen shows is not what is
        stored, so "assign only what changed" cannot be judged against the stored rows)."""
        if take_stale(self):
            self._screen_ahead = True
        return self._screen_ahead

    def _reload(self, user) -> None:
        self.draft_user = user.username
        shown = self.get_value("catalogue")
        self._apply_page(entry.entry_page(user, int(self.round_id) if self.round_id.isdigit() else None))
        if self.get_value("catalogue") is not shown and shown:
            self._watch(user)  # the catalogue was edited: pushes are for the one now shown

    def _apply_page(self, page) -> None:
        force, self._screen_ahead = self._screen_ahead, False
        self.request_id = new_request_id()
        self.district_name = page.district_name
        self.round_id = str(page.round_id)
        self.round_label = page.round_label
        self.round_closed = page.round_closed
        self.deadline_text = page.deadline_text
        self.countdown_text = page.countdown_text
        self.overall_text = page.overall_text
        if force or self.get_value("rounds") != page.rounds:
            self.rounds = page.rounds
        if force or self.get_value("catalogue") is not page.catalogue:
            self.catalogue = page.catalogue[:MAX_ROWS] if len(page.catalogue) > MAX_ROWS else page.catalogue
        if len(page.catalogue) > MAX_ROWS:
            logger.error(
                "entry page: round %s has %d indicators, %d shown", page.round_id, len(page.catalogue), MAX_ROWS
            )
            self.notice = TOO_MANY_ROWS.format(limit=MAX_ROWS)
        self._set_rows(dict(enumerate(page.row_states[:MAX_ROWS])), clear_rest=True, force=force)

    def _set_rows(self, by_position: dict[int, RowState], clear_rest: bool = False, force: bool = False) -> None:
        """Put row states into their slots: a slot is assigned (and so sent) only when it changed,
        or every one with `force` (the screen is ahead of the stored state: _note_stale)."""
        for position, row in by_position.items():
            slot = ROW_SLOTS[position]
            if force or self.get_value(slot) != row:
                setattr(self, slot, row)
        if clear_rest:
            for slot in ROW_SLOTS[len(by_position) :]:
                if self.get_value(slot) is not EMPTY_ROW:
                    setattr(self, slot, EMPTY_ROW)
        summary = entry_summary(self._rows())
        if force or self.summary_headline != summary.headline:
            self.summary_headline = summary.headline
        if force or self.attention_count != len(summary.items):
            self.attention_count = len(summary.items)

    def _rows(self) -> list[IndicatorRow]:
        """The page's rows as a whole (catalogue text with each slot's state)."""
        return [
            IndicatorRow(text, self.get_value(slot))
            for text, slot in zip(self.get_value("catalogue"), ROW_SLOTS, strict=False)
        ]

    def _reload_indicators(self, user, indicator_ids: set[int]) -> None:
        """Replace only the rows a change touched, and the overall score."""
        positions = {text.id: n for n, text in enumerate(self.get_value("catalogue"))}
        shown = {i: self.get_value(ROW_SLOTS[n]) for i, n in positions.items() if i in indicator_ids}
        rows, overall = entry.entry_rows(user, int(self.round_id), indicator_ids, shown)
        self._set_rows({positions[i]: row for i, row in rows.items() if i in positions})
        if self.overall_text != overall:
            self.overall_text = overall

    def _watch(self, user) -> None:
        """Register this tab for live pushes of its district, with the round it shows and which
        catalogue of it ("round:tag": a push sends the catalogue again to tabs showing another)."""
        tag = entry_shared.catalogue_tag(self.get_value("catalogue"))
        watch(self, district_key(user.district_id), context=f"{self.round_id}:{tag}")

    def _catch_up(self, user) -> None:
        """A live push sent this tab newer rows than this stored state holds: reload them first,
        so what this event sends back never takes the screen back to older values."""
        if self._note_stale():
            self._reload(user)

    @rx.event
    @guarded(Role.DISTRICT)
    def load(self, user):
        """on_load, also on reload and Back: the round the URL names (/entry?round=4), else the current."""
        self.cell_errors = {}
        self._refused = {}
        self.notice = ""
        self.round_id = url_round(self.router.url.query_parameters)
        self._note_stale()
        try:
            self._reload(user)
        except ServiceError as error:
            self.round_id = ""
            self.notice = error.message
            self._reload(user)
        self._watch(user)
        return None

    @rx.event
    @guarded(Role.DISTRICT)
    def refresh(self, user):
        """Reload the rows (after a file, a message or a change from the other side)."""
        self._note_stale()
        self._reload(user)
        return None

    @rx.event
    @guarded(Role.DISTRICT)
    def change_round(self, user, round_id: str):
        self.round_id = str(round_id) if str(round_id).isdigit() else ""
        if self.round_id and self.round_id != url_round(self.router.url.query_parameters):
            return rx.redirect(ENTRY + "?round=" + self.round_id)  # a history entry; its on_load reloads
        self.cell_errors = {}
        self._refused = {}
        self._note_stale()
        try:
            self._reload(user)
        except ServiceError as error:
            self.notice = error.message
            self.round_id = ""
            self._reload(user)
        self._watch(user)
        return None

    @rx.event
    @guarded(Role.DISTRICT)
    def save_cell(self, user, variable_id: int, element_id: str, text: str):
        """A cell was left (blur or Enter): store its value through the service."""
        self._catch_up(user)
        key = cell_key(element_id)
        changed = self._save(user, key, variable_id, text)
        saved = [key]
        if changed is not None:
            waiting = set(self._refused)
            changed |= self._recheck_refused(user, key)
            saved += sorted(k for k in waiting - set(self._refused) if k not in self.cell_errors)
            if changed:
                self._reload_indicators(user, changed)
        # A push that arrived while this ran would otherwise be overtaken by these older rows.
        self._catch_up(user)
        if changed:
            self.saved_cells = saved
            return EntryState.hide_saved_mark(saved)
        return None

    @rx.event
    @guarded(Role.DISTRICT)
    def resubmit(self, user, indicator_id: int, request_id: str = ""):
        """ส่งผลให้พิจารณาอีกครั้ง on a refused row (once per click, services/idempotency.py)."""
        try:
            self.notice = idempotency.once(
                user,
                request_id,
                "resubmit",
                lambda: resubmission.resubmit(user, int(indicator_id), int(self.round_id)),
            )
        except (ServiceError, ValueError, TypeError) as error:
            self.notice = error_message(error)
        self._reload(user)
        return None

    @rx.event(background=True)
    async def hide_saved_mark(self, keys: list[str]):
        """บันทึกแล้ว shows briefly: cleared after a moment unless another cell was saved since."""
        await asyncio.sleep(SAVED_MARK_SECONDS)
        async with self:
            if self.saved_cells == keys:
                self.saved_cells = []

    def _save(self, user, key: str, variable_id: object, text: object) -> set[int] | None:
        """Store one cell; the indicator changed (a set, possibly empty) or None when refused."""
        try:
            outcome = entry.enter_value(user, int(self.round_id), int(variable_id), text)
        except (ServiceError, ValueError, TypeError) as error:
            self.cell_errors = cell_errors_after(self.cell_errors, key, error_message(error))
            self._refused.pop(key, None)  # not a value a change elsewhere can make right
            return None
        self.cell_errors = cell_errors_after(self.cell_errors, key, "" if outcome.ok else outcome.message)
        refused = dict(self._refused)
        if outcome.ok:
            refused.pop(key, None)
        else:
            refused[key] = (int(variable_id), str(text)[:100])
        self._refused = refused
        if not outcome.ok:
            return None
        return {outcome.indicator_id} if outcome.changed and outcome.indicator_id is not None else set()

    def _recheck_refused(self, user, saved_key: str) -> set[int]:
        """After a cell of an indicator was saved, its refused cells (a cross-field rule: a ≤ b)
        are checked again against the new values, and saved when they now pass."""
        row_prefix = saved_key.rsplit("-", 1)[0] + "-"
        changed: set[int] = set()
        for key, (variable_id, text) in list(self._refused.items()):
            if key != saved_key and key.startswith(row_prefix):
                changed |= self._save(user, key, variable_id, text) or set()
        return changed

    @classmethod
    def _live_delta(cls, change: Change, context: str, memo) -> dict[str, Any] | None:
        """What every tab of the changed district showing the round `context` (see _watch) is
        sent: the same values for all of them, computed once per change (live.dispatch)."""
        round_text, _, tag = context.partition(":")
        if not round_text.isdigit():
            return None
        round_id = int(round_text)
        if change.round_id != round_id and change.kind not in ("message", "opened"):
            return None
        page = memo.get(
            ("entry_page", change.district_id, round_id), lambda: entry.page_for_watchers(change.district_id, round_id)
        )
        summary = memo.get(("entry_summary", change.district_id, round_id), lambda: entry_summary(page.indicators))
        # Only the changed indicator's slot (every slot when the change names none: a round's
        # deadline, a closing). The catalogue is the one the tab loaded for this round.
        positions = range(min(len(page.catalogue), MAX_ROWS))
        catalogue = {}
        if tag != entry_shared.catalogue_tag(page.catalogue):  # edited since these tabs loaded it
            catalogue = {"catalogue": page.catalogue[:MAX_ROWS]}
        elif change.indicator_id is not None:
            positions = [n for n in positions if page.catalogue[n].id == change.indicator_id]
        return {
            **catalogue,
            "summary_headline": summary.headline,
            "attention_count": len(summary.items),
            "round_label": page.round_label,
            "round_closed": page.round_closed,
            "deadline_text": page.deadline_text,
            "countdown_text": page.countdown_text,
            "overall_text": page.overall_text,
            **{ROW_SLOTS[n]: page.row_states[n] for n in positions},
        }


# The evidence and message windows opened from this page reload its rows after a change there.
set_host_refresh(Role.DISTRICT, EntryState.refresh)
