"""Fixtures of the attack suite: the session cases' backend-only app (session_*) and the
HTTP / websocket cases' full app (http_*), each in its own module."""

from tests.security.http_fixtures import *  # noqa: F403
from tests.security.session_fixtures import *  # noqa: F403
