"""Every setting from the environment, with embedded defaults (SQLite in the data directory)."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_ALLOWED_EXTENSIONS = "pdf,png,jpg,jpeg,gif,webp,doc,docx,xls,xlsx,ppt,pptx,odt,ods,csv,txt,zip"


def _origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased, without path or trailing slash."""
    match = re.match(r"^\s*(https?)://([^/?#\s]+)", url, re.I)
    return f"{match.group(1).lower()}://{match.group(2).lower()}" if match else ""


def own_origins() -> list[str]:
    """The origins browsers load KRS from: KRS_API_URL and KRS_DEPLOY_URL (default http://localhost:$KRS_PORT).

    CORS (pages, /api/*, the websocket) allows only these; read from the environment only,
    so rxconfig.py can use it before anything else is set up.
    """
    default = f"http://localhost:{os.environ.get('KRS_PORT', '3000')}"
    origins = []
    for name in ("KRS_API_URL", "KRS_DEPLOY_URL"):
        origin = _origin_of(os.environ.get(name) or default)
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret: str
    demo: bool
    upload_max_bytes: int
    allowed_extensions: frozenset[str]
    session_idle_minutes: int
    login_max_failures: int
    login_lock_minutes: int
    redis_url: str
    login_attempts_per_minute: int = 30  # per client address (services.login_gate)
    login_workers: int = 2  # threads checking passwords
    login_queue: int = 8  # attempts waiting for one; more are refused ("ลองใหม่อีกครั้ง")

    @property
    def evidence_dir(self) -> Path:
        """Evidence files: outside Reflex's public upload folder, served by an authenticated route."""
        return self.data_dir / "evidence"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _secret(data_dir: Path) -> str:
    configured = os.environ.get("KRS_SECRET")
    if configured:
        return configured
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def configured_data_dir() -> Path:
    """The data directory the environment names, without creating it (a restore checks it is empty)."""
    return Path(os.environ.get("KRS_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def configured_database_url(data_dir: Path) -> str:
    return os.environ.get("KRS_DATABASE_URL") or f"sqlite:///{data_dir / 'krs.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    data_dir = configured_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = configured_database_url(data_dir)
    extensions = os.environ.get("KRS_UPLOAD_EXTENSIONS", DEFAULT_ALLOWED_EXTENSIONS)
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret=_secret(data_dir),
        demo=_flag("KRS_DEMO", False),
        upload_max_bytes=int(float(os.environ.get("KRS_UPLOAD_MAX_MB", "20")) * 1024 * 1024),
        allowed_extensions=frozenset(e.strip().lower() for e in extensions.split(",") if e.strip()),
        session_idle_minutes=int(os.environ.get("KRS_SESSION_IDLE_MINUTES", "480")),
        login_max_failures=int(os.environ.get("KRS_LOGIN_MAX_FAILURES", "5")),
        login_lock_minutes=int(os.environ.get("KRS_LOGIN_LOCK_MINUTES", "15")),
        redis_url=os.environ.get("REFLEX_REDIS_URL", ""),
        login_attempts_per_minute=int(os.environ.get("KRS_LOGIN_ATTEMPTS_PER_MINUTE", "30")),
        login_workers=int(os.environ.get("KRS_LOGIN_WORKERS", "2")),
        login_queue=int(os.environ.get("KRS_LOGIN_QUEUE", "8")),
    )


def reset_settings_cache() -> None:
    """Tests change the environment and read settings again."""
    get_settings.cache_clear()
