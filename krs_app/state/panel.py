"""The evidence window (📎) and the message thread window of one district × indicator.

Used from the district's entry page and the bureau's review page. Which district
and indicator are open is kept in backend-only vars; every call is authorized again
by the services from the logged-in user. After a change made here (a file, a message, an
opening) the host page reloads its rows: each host state hands the panel its refresh event
(set_host_refresh), so the panel imports no page state.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler, EventSpec

from krs_app.domain.roles import Role
from krs_app.services import catalogue, evidence, idempotency, threads
from krs_app.services.errors import ServiceError
from krs_app.services.evidence import EvidenceRow
from krs_app.services.threads import MessageRow
from krs_app.settings import get_settings
from krs_app.state.session import SessionState, guarded
from krs_app.state.submit import form_request_id, new_request_id

PANEL_ROLES = (Role.DISTRICT, Role.BUREAU)  # the district's entry page and the bureau's review page

# The host page of the panel for each role (the page a user of that role opens it from).
_host_refresh: dict[str, EventHandler] = {}


def set_host_refresh(role: str, refresh: EventHandler) -> None:
    """A page state hosting the panel for users of `role` gives it the event reloading its rows."""
    _host_refresh[role] = refresh


def scroll_to_message(message_id: object) -> EventSpec:
    """After sending: once the new message is drawn, scroll the thread so it shows (the newest row
    when the id is not a number)."""
    row = f"'message-{int(message_id)}'" if isinstance(message_id, int) else "''"
    return rx.call_script(
        "(() => { let tries = 0; const go = () => {"
        " const list = document.getElementById('comment-list');"
        f" const row = document.getElementById({row}) || (list && list.querySelector('tbody tr:last-child'));"
        " if (list && row && (tries > 5 || row.id)) { list.scrollTop = list.scrollHeight;"
        " row.scrollIntoView({block: 'nearest'}); return; }"
        " if (tries++ < 60) setTimeout(go, 50); }; go(); })()"
    )


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
    withdraw_pending: int = 0  # the file whose withdrawal waits for "ยืนยันถอนไฟล์"
    request_id: str = ""  # the comment form's (state/submit.py)
    comment_busy: bool = False
    comment_length: int = 0  # the box's counter (threads.message_length of what is typed)
    comment_length_text: str = "0"  # the same, as shown ("2,001")
    _district_id: int = 0
    _indicator_id: int = 0
    _opened: bool = False  # the last _load_result recorded an opening (the host page reloads its badges)

    def _target(self, user, indicator_id, district_id, title: str, round_id: object = None) -> bool:
        """Keep which result is open (a district only ever opens its own); False for ids that are not numbers."""
        if user.is_district:
            district_id = user.district_id
        try:
            self._district_id = int(district_id)
            self._indicator_id = int(indicator_id)
        except (TypeError, ValueError):
            return False
        self.title = str(title)[:300]
        if round_id is not None:
            self.round_key = int(round_id) if str(round_id).isdigit() else 0
        self.indicator_key = self._indicator_id
        self.round_open = not catalogue.round_is_closed(self.round_key or None)
        self.can_attach = user.is_district and self.round_open
        return True

    def _load_files(self, user) -> None:
        self.files = evidence.list_evidence(user, self._district_id, self._indicator_id)

    def _load_messages(self, user) -> None:
        self.request_id = new_request_id()
        self._set_comment_length(0)
        self.messages = threads.thread(user, self._district_id, self._indicator_id)

    @rx.event
    @guarded(*PANEL_ROLES)
    def open_evidence(self, user, indicator_id: int, district_id: int, round_id: str, title: str):
        if not self._target(user, indicator_id, district_id, title, round_id):
            return None
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
    @guarded(*PANEL_ROLES)
    def open_comments(self, user, indicator_id: int, district_id: int, round_id: str, title: str):
        if not self._target(user, indicator_id, district_id, title, round_id):
            return None
        opened = self._open_what_is_new(user)
        self._show_comments(user)
        return PanelState.refresh_page if opened else None

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
    @guarded(*PANEL_ROLES)
    def load_for(self, user, indicator_id: int, district_id: int, round_id: str):
        """Show one result's files and thread inside another window (the bureau's detail view)."""
        if not self._load_result(user, indicator_id, district_id, round_id):
            return None
        return PanelState.refresh_page if self._opened else None

    def _open_what_is_new(self, user) -> bool:
        """Showing the other side's messages and files is opening them: record who and when (the
        manual's evidence), so the new-data badge goes. The KPI office only reads: nothing recorded."""
        if user.is_kpi_office:
            return False
        try:
            return threads.mark_opened(user, self._district_id, self._indicator_id) > 0
        except ServiceError:
            return False  # the window then says why it cannot be read

    def _load_result(self, user, indicator_id, district_id, round_id) -> bool:
        """load_for's work, for a host state opening its window in the same event (get_state):
        the thread, the files and round_open reach the page with the window, not after it."""
        if not self._target(user, indicator_id, district_id, self.title, round_id):
            return False
        self._opened = self._open_what_is_new(user)  # opening what is new counts as opening it
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
    @guarded(*PANEL_ROLES)
    def mark_seen(self, user, indicator_id: int, district_id: int, round_id: str):
        """The new-data badge inside a detail view: record the opening and reload."""
        if not self._target(user, indicator_id, district_id, self.title, round_id):
            return None
        refused = self._mark_opened(user)
        self._show_files_and_messages(user)
        if refused and not self.evidence_message:
            self.evidence_message = refused
        return PanelState.refresh_page

    @rx.event
    @guarded(*PANEL_ROLES)
    def open_badge(self, user, indicator_id: int, district_id: int, round_id: str, title: str):
        """มีข้อมูลใหม่: record the opening (the evidence the manual asks for), then show the thread."""
        if not self._target(user, indicator_id, district_id, title, round_id):
            return None
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
    @guarded(*PANEL_ROLES)
    def upload_finished(self, user, outcome: dict):
        """The upload script's answer ({ok, message}); the server already stored or refused the file."""
        outcome = outcome if isinstance(outcome, dict) else {}
        self.evidence_ok = bool(outcome.get("ok"))
        self.evidence_message = str(outcome.get("message", ""))[:300]
        try:
            self._load_files(user)
        except ServiceError as error:
            self.evidence_message = error.message
        return PanelState.refresh_page

    def _file_action(self, user, action, file_id, done: str, failed: str):
        try:
            action(user, int(file_id))
            self.evidence_ok, self.evidence_message = True, done
        except (ServiceError, ValueError, TypeError) as error:
            self.evidence_ok, self.evidence_message = False, getattr(error, "message", failed)
        self._load_files(user)
        return PanelState.refresh_page

    @rx.event
    def ask_withdraw(self, file_id: int):
        """ถอนไฟล์ asks first: the row shows "ยืนยันถอนไฟล์" / "ยกเลิก"."""
        self.withdraw_pending = int(file_id) if str(file_id).isdigit() else 0

    @rx.event
    def cancel_withdraw(self):
        self.withdraw_pending = 0

    @rx.event
    @guarded(*PANEL_ROLES)
    def withdraw(self, user, file_id: int):
        """Confirmed: only the file the user asked about (the service authorizes it again)."""
        if not self.withdraw_pending or str(file_id) != str(self.withdraw_pending):
            return None
        self.withdraw_pending = 0
        return self._file_action(user, evidence.withdraw_evidence, file_id, "ถอนไฟล์แล้ว", "ถอนไฟล์ไม่ได้")

    @rx.event
    @guarded(*PANEL_ROLES)
    def register_receipt(self, user, file_id: int):
        return self._file_action(user, evidence.register_receipt, file_id, "ลงทะเบียนรับแล้ว", "ลงทะเบียนรับไม่ได้")

    @rx.event
    @guarded(*PANEL_ROLES)
    def send_comment(self, user, form_data: dict):
        """ส่งความคิดเห็น: the button is busy while it runs; a doubled send posts once (idempotency)."""
        self.comment_busy = True
        yield
        body = form_data.get("comment", "") if isinstance(form_data, dict) else ""
        district_id, indicator_id, round_id = self._district_id, self._indicator_id, self.round_key or None
        self._set_comment_length(threads.message_length(body))
        try:
            message_id = idempotency.once(
                user,
                form_request_id(form_data),
                "post_message",
                lambda: threads.post_message(user, district_id, indicator_id, round_id, body),
            )
        except ServiceError as error:
            self.comment_error = error.message  # at the box; what was typed stays in it, whole
            self.comment_busy = False
            return
        self.comment_error = ""
        self._load_messages(user)
        self.comment_busy = False
        yield [rx.set_value("comment-input", ""), scroll_to_message(message_id), PanelState.refresh_page]

    @rx.event
    def count_comment(self, text: str):
        """The box's counter while typing: only a length is kept (no office data; nothing stored)."""
        self._set_comment_length(threads.message_length(text))

    def _set_comment_length(self, length: int) -> None:
        self.comment_length, self.comment_length_text = length, f"{length:,}"

    @rx.event
    def refresh_page(self):
        """Ask the page underneath to reload its rows (badges, evidence counts)."""
        return _host_refresh.get(self.user_role)
