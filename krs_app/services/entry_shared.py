"""Equal rows of the entry page as one object per process (services.entry).

Open pages keep their rows, so what every tab of a district and round shows is kept once: the
round's catalogue text (the same for every district), each district's row states (the same for
every tab of that district and round) and the round selector's choices. Equal values only: a
kept object is handed out when it equals the new one, so nothing here can show a stale value
and nothing needs invalidating. Row states are held weakly: gone once no tab shows them.
"""

from __future__ import annotations

import hashlib
import threading
import weakref

from krs_app.services.views import IndicatorText, RoundOption, RowState

_SHARED_LIMIT = 64
_shared_catalogues: dict[tuple[IndicatorText, ...], list[IndicatorText]] = {}
_shared_rows: weakref.WeakValueDictionary[tuple[int, int, int], RowState] = weakref.WeakValueDictionary()
_catalogue_tags: dict[int, str] = {}  # id of a kept catalogue list -> catalogue_tag
_shared_round_lists: dict[tuple[tuple[str, str], ...], list[RoundOption]] = {}
_shared_lock = threading.Lock()


def shared_catalogue(texts: list[IndicatorText]) -> list[IndicatorText]:
    key = tuple(texts)
    with _shared_lock:
        found = _shared_catalogues.get(key)
        if found is None:
            if len(_shared_catalogues) >= _SHARED_LIMIT:
                _shared_catalogues.clear()
                _catalogue_tags.clear()
            found = _shared_catalogues[key] = list(texts)
            _catalogue_tags[id(found)] = _tag_of(key)
        return found


def _tag_of(texts) -> str:
    return hashlib.sha1(repr(tuple(texts)).encode()).hexdigest()[:12]


def catalogue_tag(texts: list[IndicatorText]) -> str:
    """A short name of a catalogue's content, the same in every process (a watcher's context:
    a push sends the catalogue again only to tabs showing another one)."""
    with _shared_lock:
        tag = _catalogue_tags.get(id(texts))
    return tag if tag is not None and _shared_catalogues.get(tuple(texts)) is texts else _tag_of(texts)


def shared_round_options(options: list[RoundOption]) -> list[RoundOption]:
    """The round selector's choices: one list per process while they stay the same."""
    key = tuple((o.id, o.label) for o in options)
    with _shared_lock:
        found = _shared_round_lists.get(key)
        if found is None:
            if len(_shared_round_lists) >= _SHARED_LIMIT:
                _shared_round_lists.clear()
            found = _shared_round_lists[key] = options
        return found


def shared_row(district_id: int, round_id: int, indicator_id: int, row: RowState) -> RowState:
    key = (district_id, round_id, indicator_id)
    with _shared_lock:
        found = _shared_rows.get(key)
        if found == row:
            return found
        _shared_rows[key] = row
        return row
