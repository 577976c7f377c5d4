"""The round selector's choices: the current round first, then the rest newest first."""

from __future__ import annotations

from sqlmodel import Session

from krs_app.db.engine import session_scope
from krs_app.services.catalogue import current_of, rounds_newest_first
from krs_app.services.views import RoundOption


def round_options(session: Session) -> list[RoundOption]:
    """Rounds for the selector: current round first, then the rest newest first."""
    rounds = rounds_newest_first(session)
    current = current_of(rounds)  # one query for both
    ordered = ([current] if current else []) + [r for r in rounds if current is None or r.id != current.id]
    return [RoundOption(id=str(r.id), label=r.label) for r in ordered]


def round_options_for() -> list[RoundOption]:
    with session_scope() as session:
        return round_options(session)
