"""The bureau's decisions on the review page: certify, refuse (with its explicit correction
choice), undo, not applicable, bulk certify and reminders. A mixin of ReviewState (state/review.py):
its handlers act on the page's open result and selection and reload through the page."""

from __future__ import annotations

from datetime import date

import reflex as rx

from krs_app.domain.certification import correction_choice
from krs_app.domain.roles import Role
from krs_app.domain.thai_dates import parse_date_input
from krs_app.services import decisions, idempotency, not_applicable, reminders
from krs_app.services.errors import ServiceError
from krs_app.state.feedback import error_message
from krs_app.state.panel import PanelState
from krs_app.state.session import guarded
from krs_app.state.submit import form_request_id, new_request_id


def _parse_date(text: str) -> date | None:
    """A typed day (Buddhist era dd/mm/yyyy, or ISO from a date picker); a Thai message otherwise."""
    try:
        return parse_date_input(text)
    except ValueError as error:
        raise ServiceError(str(error)) from None


def _correction_deadline(form: dict) -> date | None:
    """The refusal dialog's explicit choice: "ไม่เปิดให้แก้ไข" ticked (None), or a correction day."""
    final = bool(form.get("final"))
    day = None if final else _parse_date(form.get("deadline", ""))
    choice = correction_choice(final, day)
    if not choice.allowed:
        raise ServiceError(choice.reason)
    return day


class ReviewDecisions(rx.State, mixin=True):
    """The decision handlers; the fields they set are declared on ReviewState."""

    @rx.event
    def open_refuse(self):
        self.refuse_open = True
        self.request_id = new_request_id()
        self.decision_error = ""

    @rx.event
    def cancel_refuse(self):
        self.refuse_open = False

    def _decide(self, user, action):
        try:
            outcome = action(user)
        except (ServiceError, ValueError, TypeError) as error:
            self.decision_error = error_message(error)
            return None
        self.decision_error = ""
        self.refuse_open = False
        self.not_applicable_open = False
        self.notice, self.notice_ok = outcome if isinstance(outcome, str) else outcome.message, True
        self._reload(user)
        self._reload_detail(user)
        return PanelState.load_for(self.detail.indicator_id, self.detail.district_id, self.round_id)

    @rx.event
    @guarded(Role.BUREAU)
    def certify(self, user):
        d = self.detail
        return self._decide(user, lambda user: decisions.certify(user, d.district_id, d.indicator_id, d.round_id))

    @rx.event
    @guarded(Role.BUREAU)
    def refuse(self, user, form_data: dict):
        """ยืนยันไม่รับรอง: once per refusal form (a doubled click sends one refusal, same answer)."""
        d = self.detail
        form = form_data if isinstance(form_data, dict) else {}
        reason = str(form.get("reason", ""))
        faulty = [key[len("faulty-") :] for key, value in form.items() if str(key).startswith("faulty-") and value]
        self.busy = True
        yield
        answer = self._decide(
            user,
            lambda user: idempotency.once(
                user,
                form_request_id(form),
                "refuse",
                lambda: (
                    decisions.refuse(
                        user,
                        d.district_id,
                        d.indicator_id,
                        d.round_id,
                        reason,
                        _correction_deadline(form),
                        faulty,
                    ).message
                ),
            ),
        )
        self.busy = False
        yield answer

    @rx.event
    @guarded(Role.BUREAU)
    def undo(self, user, form_data: dict):
        d = self.detail
        reason = str((form_data if isinstance(form_data, dict) else {}).get("undo_reason", ""))
        return self._decide(
            user, lambda user: decisions.undo_certification(user, d.district_id, d.indicator_id, d.round_id, reason)
        )

    @rx.event
    def open_not_applicable(self):
        self.not_applicable_open = True
        self.refuse_open = False
        self.decision_error = ""

    @rx.event
    def cancel_not_applicable(self):
        self.not_applicable_open = False

    @rx.event
    @guarded(Role.BUREAU)
    def mark_not_applicable(self, user, form_data: dict):
        d = self.detail
        reason = str((form_data if isinstance(form_data, dict) else {}).get("reason", ""))
        return self._decide(
            user,
            lambda user: not_applicable.mark_not_applicable(user, d.district_id, d.indicator_id, d.round_id, reason),
        )

    @rx.event
    @guarded(Role.BUREAU)
    def undo_not_applicable(self, user, form_data: dict):
        d = self.detail
        reason = str((form_data if isinstance(form_data, dict) else {}).get("reason", ""))
        return self._decide(
            user,
            lambda user: not_applicable.undo_not_applicable(user, d.district_id, d.indicator_id, d.round_id, reason),
        )

    # ------------------------------------------------------------------ many districts

    @rx.event
    def set_bulk_confirm_open(self, value: bool):
        self.bulk_confirm_open = bool(value)
        if self.bulk_confirm_open:
            self.request_id = new_request_id()

    @rx.event
    @guarded(Role.BUREAU)
    def bulk_certify(self, user, request_id: str = ""):
        """ยืนยันรับรองผล for the chosen districts, once per confirmation (request_id from the dialog)."""
        chosen = list(self.selected)
        self.bulk_confirm_open = False
        indicator_id, round_id = int(self.indicator_id or 0), int(self.round_id or 0)

        def act(user):
            self.notice = idempotency.once(
                user,
                request_id,
                "bulk_certify",
                lambda: f"รับรองผลแล้ว {decisions.bulk_certify(user, indicator_id, round_id, chosen)} เขตพื้นที่",
            )
            self.notice_ok = True
            self.selected = []

        return self._run(user, act)

    @rx.event
    def set_remind_open(self, value: bool):
        self.remind_open = bool(value)
        self.remind_error = ""

    def _load_reminders(self, user) -> None:
        """How many districts a reminder would reach now, and the reminders already sent."""
        indicator_id, round_id = int(self.indicator_id or 0), int(self.round_id or 0)
        self.remind_count = reminders.reminder_reach(user, indicator_id, round_id)
        self.reminders_sent = reminders.sent_reminders(user, indicator_id, round_id)

    @rx.event
    @guarded(Role.BUREAU)
    def open_remind(self, user):
        """แจ้งเตือน: the dialog says whom it will reach before anything is sent."""
        self.remind_error = ""
        self.remind_request_id = new_request_id()
        try:
            self._load_reminders(user)
        except (ServiceError, ValueError, TypeError) as error:
            self.notice, self.notice_ok = error_message(error), False
            return None
        self.remind_open = True
        return None

    @rx.event
    @guarded(Role.BUREAU)
    def remind(self, user, form_data: dict):
        """ส่งแจ้งเตือน: once per dialog (a doubled click sends one reminder, same answer)."""
        form = form_data if isinstance(form_data, dict) else {}
        indicator_id, round_id = int(self.indicator_id or 0), int(self.round_id or 0)
        try:
            deadline = _parse_date(form.get("remind_deadline", ""))
            if deadline is None:
                raise ServiceError("กรุณาระบุวันสิ้นสุด")
            message = str(form.get("remind_message", ""))
            count = idempotency.once(
                user,
                form_request_id(form),
                "remind",
                lambda: reminders.remind(user, indicator_id, round_id, message, deadline),
            )
        except (ServiceError, ValueError, TypeError) as error:
            self.remind_error = error_message(error)
            return None
        self.remind_open = False
        self.notice, self.notice_ok = f"ส่งแจ้งเตือนแล้ว {count} เขตพื้นที่", True
        self._reload(user)
        self._load_reminders(user)
        return None


# The evidence and message windows opened from this page reload its rows after a change there.
