"""What the server does before it serves: migrate, and load the demo data in demo mode."""

from __future__ import annotations

import logging

from krs_app.settings import get_settings

logger = logging.getLogger(__name__)


def prepare_database() -> None:
    from krs_app.db.migrate import upgrade_to_head

    upgrade_to_head()
    if get_settings().demo:
        from krs_app.seed.demo import load_demo

        if load_demo():
            logger.warning("KRS: demo data loaded")
    from krs_app.db.engine import get_engine

    get_engine().dispose()  # workers forked from this process open their own connections
