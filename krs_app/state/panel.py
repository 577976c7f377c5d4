"""The evidence window (📎) and the message thread window of one district × indicator.

Used from the district's entry page and the bureau's review page. Which district
and indicator are open is kept in backend-only vars; every call is authorized again
by the services from the logged-in user. After a change made here (a file, a message, an
opening) the host page reloads its rows: each host state hands the panel its refresh event
(set_host_refresh), so the panel imports no page state.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler

from krs_app.services import catalogue, evidence, threads
from krs_app.services.errors import ServiceError
from krs_app.services.evidence import EvidenceRow
from krs_app.services.threads import MessageRow
from krs_app.settings import get_settings
from krs_app.state.session import SessionState

# The host page of the panel for each role (the page a user of that role opens it from).
_host_refresh: dict[str, EventHandler] = {}


def set_host_refresh(role: str, refresh: EventHandler) -> None:
    """A page state hosting the panel for users of `role` gives it the event reloading its rows."""
    _host_refresh[role] = refresh


class PanelState(SessionState):
    evidence_open: bool = False
    comments_open: bool = False
    title: str = ""
    files: list[EvidenceRow] = []
    messages: list[MessageRow] = []
    evidence_message: str = ""
    evidence_ok: bool = False
    comment_error: str = ""
    can_attach: bool = False
    round_open: bool = True  # False: the round is closed, the windows offer no input (closed is closed)
    indicator_key: int = 0  # the open indicator, as the upload script needs it (authorized again on upload)
    round_key: int = 0
    max_upload_bytes: int = 0
    _district_id: int = 0
    _indicator_id: int = 0

    def _target(self, indicator_id, district_id, title: str, round_id: object = None):
        user = self._user()
        if user is None:
            return None
        if user.is_district:
            district_id = user.district_id
        try:
            self._district_id = int(district_id)
            self._indicator_id = int(indicator_id)
        except (TypeError, ValueError):
            return None
        self.title = str(title)[:300]
        if round_id is not None:
            self.round_key = int(round_id) if str(round_id).isdigit() else 0
        self.indicator_key = self._indicator_id
        self.round_open = not catalogue.round_is_closed(self.round_key or None)
        self.can_attach = user.is_district and self.round_open
        return user

    def _load_files(self, user) -> None:
        self.files = evidence.list_evidence(user, self._district_id, self._indicator_id)

    def _load_messages(self, user) -> None:
        self.messages = threads.thread(user, self._district_id, self._indicator_id)

    @rx.event
    def open_evidence(self, indicator_id: int, district_id: int, round_id: str, title: str):
        user = self._target(indicator_id, district_id, title, round_id)
        if user is None:
            return self._away()
        self.max_upload_bytes = get_settings().upload_max_bytes
        self.evidence_message = ""
        try:
            self._load_files(user)
        except ServiceError as error:
            self.evidence_message = error.message
            return None
        self.evidence_open = True
        return None

    @rx.event
    def open_comments(self, indicator_id: int, district_id: int, round_id: str, title: str):
        user = self._target(indicator_id, district_id, title, round_id)
        if user is None:
            return self._away()
        self._show_comments(user)
        return None

    def _show_comments(self, user) -> bool:
        """Open the thread window on the target's messages (or say why it cannot be read)."""
        self.comment_error = ""
        try:
            self._load_messages(user)
        except ServiceError as error:
            self.comment_error = error.message
            return False
        self.comments_open = True
        return True

    @rx.event
    def load_for(self, indicator_id: int, district_id: int, round_id: str):
        """Show one result's files and thread inside another window (the bureau's detail view)."""
        if not self._load_result(indicator_id, district_id, round_id):
            return self._away()
        return None

    def _load_result(self, indicator_id, district_id, round_id) -> bool:
        """load_for's work, for a host state opening its window in the same event (get_state):
        the thread, the files and round_open reach the page with the window, not after it."""
        user = self._target(indicator_id, district_id, self.title, round_id)
        if user is None:
            return False
        self._show_files_and_messages(user)
        return True

    def _show_files_and_messages(self, user) -> None:
        self.evidence_message = ""
        self.comment_error = ""
        try:
            self._load_files(user)
            self._load_messages(user)
        except ServiceError as error:
            self.evidence_message = error.message

    @rx.event
    def mark_seen(self, indicator_id: int, district_id: int, round_id: str):
        """The new-data badge inside a detail view: record the opening and reload."""
        user = self._target(indicator_id, district_id, self.title, round_id)
        if user is None:
            return self._away()
        refused = self._mark_opened(user)
        self._show_files_and_messages(user)
        if refused and not self.evidence_message:
            self.evidence_message = refused
        return PanelState.refresh_page

    @rx.event
    def open_badge(self, indicator_id: int, district_id: int, round_id: str, title: str):
        """มีข้อมูลใหม่: record the opening (the evidence the manual asks for), then show the thread."""
        user = self._target(indicator_id, district_id, title, round_id)
        if user is None:
            return self._away()
        refused = self._mark_opened(user)
        if self._show_comments(user) and refused:
            self.comment_error = refused  # the thread shows, and says the opening was not recorded
        return PanelState.refresh_page

    def _mark_opened(self, user) -> str:
        """Record the opening of the target's new items; the service's message if it refuses."""
        try:
            threads.mark_opened(user, self._district_id, self._indicator_id)
        except ServiceError as error:
            return error.message
        return ""

    @rx.event
    def set_evidence_open(self, value: bool):
        self.evidence_open = bool(value)

    @rx.event
    def set_comments_open(self, value: bool):
        self.comments_open = bool(value)

    @rx.event
    def upload_finished(self, outcome: dict):
        """The upload script's answer ({ok, message}); the server already stored or refused the file."""
        user = self._user()
        if user is None:
            return self._away()
        outcome = outcome if isinstance(outcome, dict) else {}
        self.evidence_ok = bool(outcome.get("ok"))
        self.evidence_message = str(outcome.get("message", ""))[:300]
        try:
            self._load_files(user)
        except ServiceError as error:
            self.evidence_message = error.message
        return PanelState.refresh_page

    def _file_action(self, action, file_id, done: str, failed: str):
        user = self._user()
        if user is None:
            return self._away()
        try:
            action(user, int(file_id))
            self.evidence_ok, self.evidence_message = True, done
        except (ServiceError, ValueError, TypeError) as error:
            self.evidence_ok, self.evidence_message = False, getattr(error, "message", failed)
        self._load_files(user)
        return PanelState.refresh_page

    @rx.event
    def withdraw(self, file_id: int):
        return self._file_action(evidence.withdraw_evidence, file_id, "ถอนไฟล์แล้ว", "ถอนไฟล์ไม่ได้")

    @rx.event
    def register_receipt(self, file_id: int):
        return self._file_action(evidence.register_receipt, file_id, "ลงทะเบียนรับแล้ว", "ลงทะเบียนรับไม่ได้")

    @rx.event
    def send_comment(self, form_data: dict):
        user = self._user()
        if user is None:
            return self._away()
        body = form_data.get("comment", "") if isinstance(form_data, dict) else ""
        try:
            threads.post_message(user, self._district_id, self._indicator_id, self.round_key or None, body)
        except ServiceError as error:
            self.comment_error = error.message
            return None
        self.comment_error = ""
        self._load_messages(user)
        return [rx.set_value("comment-input", ""), PanelState.refresh_page]

    @rx.event
    def refresh_page(self):
        """Ask the page underneath to reload its rows (badges, evidence counts)."""
        return _host_refresh.get(self.user_role)
