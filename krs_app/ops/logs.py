"""Structured logs: every line carries the request/event id and the acting user's id.

- `bind_event(kind, name)` starts a new id for one Reflex event or one HTTP request;
  `bind_user(user_id)` records who acts once the session is resolved (context variables, so
  concurrent events and requests never mix theirs up, and worker threads inherit them).
- `log_write(...)` is called for every audited change (services.audit.record) and
  `log_refusal(...)` for every refused request (services.errors.ServiceError): ids, the action
  and the Thai message only — never a password, a token, a payload or a file's content.
- `configure_logging()` installs the handler on the `krs_app` loggers: JSON lines when
  KRS_LOG_FORMAT=json, else one readable line each.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import uuid
from datetime import UTC, datetime

event_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("krs_event_id", default="-")
event_name_var: contextvars.ContextVar[str] = contextvars.ContextVar("krs_event_name", default="")
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("krs_user_id", default=None)

WRITE_LOGGER = logging.getLogger("krs_app.write")
REFUSAL_LOGGER = logging.getLogger("krs_app.refusal")
_FIELDS = ("event_id", "event", "user_id")
_EXTRA_KEYS = ("action", "entity", "entity_id", "district_id", "round_id", "indicator_id", "refusal", "status")
# Anything that looks like a secret is cut out of a message before it is written.
_SECRET = re.compile(r"(?i)(password|passwd|token|secret|cookie|authorization)(\s*[=:]\s*)\S+")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def bind_event(name: str, given_id: str | None = None) -> str:
    """A new event/request id for what this task does from now on (a sane X-Request-ID is kept)."""
    event_id = given_id if given_id and _REQUEST_ID.match(given_id) else new_id()
    event_id_var.set(event_id)
    event_name_var.set(name[:120])
    user_id_var.set(None)
    return event_id


def bind_user(user_id: int | None) -> None:
    user_id_var.set(user_id)


class ContextFilter(logging.Filter):
    """Puts the current event id, event name and user id on every record; scrubs secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.event_id = event_id_var.get()
        record.event = event_name_var.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = user_id_var.get()
        if isinstance(record.msg, str):
            record.msg = _SECRET.sub(r"\1\2[removed]", record.msg)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _SECRET.sub(r"\1\2[removed]", record.getMessage()),
        }
        for name in (*_FIELDS, *_EXTRA_KEYS):
            value = getattr(record, name, None)
            if value not in (None, ""):
                line[name] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [event=%(event_id)s user=%(user_id)s] %(message)s"
_HANDLER_MARK = "_krs_structured"


def make_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    fmt = os.environ.get("KRS_LOG_FORMAT", "text").strip().lower()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    setattr(handler, _HANDLER_MARK, True)
    return handler


def configure_logging(stream=None) -> logging.Handler:
    """Once per process: the app's loggers (krs_app.*) write structured lines at INFO."""
    logger = logging.getLogger("krs_app")
    for existing in list(logger.handlers):
        if getattr(existing, _HANDLER_MARK, False):
            logger.removeHandler(existing)
    handler = make_handler(stream)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return handler


def log_write(*, user_id: int | None, action: str, entity: str, **ids: int | None) -> None:
    extra = {"action": action, "entity": entity, **{k: v for k, v in ids.items() if k in _EXTRA_KEYS}}
    if user_id is not None:
        extra["user_id"] = user_id
    WRITE_LOGGER.info("write %s %s", action, entity, extra=extra)


def log_refusal(kind: str, message: str) -> None:
    REFUSAL_LOGGER.info("refused (%s): %s", kind, message, extra={"refusal": kind})
