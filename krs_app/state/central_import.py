"""The import preview of the central-data page (ข้อมูลส่วนกลาง), in a state of its own.

A file's preview holds up to 5,000 changed and refused lines and a signed token of up to
4 MB. Kept beside CentralState (a sibling under SessionState, not a substate: Reflex loads
a state's substates with it), it is loaded and stored only by the import events, never by
saving one cell of the grid. CentralState's import events reach it with get_state.
"""

from __future__ import annotations

from krs_app.services.views import PreviewChange, PreviewRefusal
from krs_app.state.feedback import answer_int, answer_text
from krs_app.state.session import SessionState
from krs_app.state.submit import new_request_id

MAX_SHOWN_ITEMS = 5000  # preview lines kept for display (the service caps a file at 5,000 rows)
MAX_TOKEN_CHARS = 4_000_000
WRONG_TARGET = "ไฟล์ที่ตรวจสอบเป็นของตัวชี้วัดหรือรอบอื่น กรุณาตรวจสอบไฟล์อีกครั้ง"


def _items(result: dict, name: str) -> list:
    value = result.get(name)
    return value if isinstance(value, list) else []


class CentralImportState(SessionState):
    preview_shown: bool = False
    preview_filename: str = ""
    preview_message: str = ""
    preview_changes: list[PreviewChange] = []
    preview_refused: list[PreviewRefusal] = []
    preview_problems: list[str] = []
    preview_value_count: int = 0
    import_message: str = ""
    import_ok: bool = False
    request_id: str = ""  # the shown preview's ยืนยันนำเข้า (state/submit.py)
    busy: bool = False
    _token: str = ""

    def _clear(self) -> None:
        """No pending import (the message under the file input stays)."""
        self._token = ""
        self.preview_shown = False
        self.preview_filename = ""
        self.preview_message = ""
        self.preview_changes = []
        self.preview_refused = []
        self.preview_problems = []
        self.preview_value_count = 0

    def _refuse(self, message: str) -> None:
        self.import_ok, self.import_message = False, message

    def _show(self, result: object, indicator_id: str, round_id: str) -> None:
        """Show the answer of POST /api/central-import for the indicator and round on screen.

        The token is signed by the server for this user; apply_import checks it again, so
        nothing the browser changes here can write anything the preview did not allow."""
        self._clear()
        result = result if isinstance(result, dict) else {}
        if not result.get("ok") or not isinstance(result.get("token"), str):
            self._refuse(answer_text(result.get("message")) or "ตรวจสอบไฟล์ไม่สำเร็จ")
            return
        if str(result.get("indicator_id")) != indicator_id or str(result.get("round_id")) != round_id:
            self._refuse(WRONG_TARGET)
            return
        self.preview_changes = [
            PreviewChange(
                line=answer_int(item.get("line")),
                district_code=answer_text(item.get("district_code"), 30),
                district_name=answer_text(item.get("district_name"), 200),
                summary=answer_text(item.get("summary"), 500),
            )
            for item in _items(result, "changes")[:MAX_SHOWN_ITEMS]
            if isinstance(item, dict)
        ]
        self.preview_refused = [
            PreviewRefusal(
                line=answer_int(item.get("line")),
                district_code=answer_text(item.get("district_code"), 30),
                reason=answer_text(item.get("reason"), 300),
            )
            for item in _items(result, "refused")[:MAX_SHOWN_ITEMS]
            if isinstance(item, dict)
        ]
        self.preview_problems = [answer_text(p) for p in _items(result, "problems")[:100]]
        self.preview_value_count = answer_int(result.get("value_count"))
        self.preview_filename = answer_text(result.get("filename"), 200)
        self.preview_message = answer_text(result.get("message"))
        self.preview_shown = True
        self.import_message = ""
        self._token = result["token"][:MAX_TOKEN_CHARS]
        self.request_id = new_request_id()
