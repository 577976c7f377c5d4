"""The review page's choices in its URL (bookmarkable, kept on reload and Back).

`/review?indicator=11.3&round=4&status=awaiting&level=primary&new=1&outliers=1&q=...&sort=code&page=2`
(and `district=` to open one result, the report's heat-map cell). What a browser sends is never
trusted: each parameter is checked against its allowed shape or set and dropped when it does not
fit; whether the user may see the indicator or round is decided by the services, as for any event.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from krs_app.domain.districts import LEVEL_LABELS
from krs_app.domain.status import Status
from krs_app.routes import REVIEW

_INDICATOR_CODE = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){0,3}$")
_DISTRICT_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
_ID = re.compile(r"^[0-9]{1,9}$")
STATUSES = frozenset(s.value for s in Status)
SORTS = frozenset(("status", "code", "name", "score", "-status", "-code", "-name", "-score"))
DEFAULT_SORT = "status"
MAX_SEARCH = 100


@dataclass(frozen=True)
class ReviewQuery:
    indicator: str = ""  # the indicator's code (codes are per fiscal year: read with the round)
    round_id: str = ""
    status: str = ""
    level: str = ""
    new_only: bool = False
    outliers_only: bool = False
    search: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    district: str = ""  # a district's code: open its result


def _text(params: Mapping, key: str) -> str:
    value = params.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _fits(value: str, pattern: re.Pattern) -> str:
    return value if pattern.match(value) else ""


def review_query(params: Mapping) -> ReviewQuery:
    """The checked choices of a /review URL; a bad or unknown parameter is left at its default."""
    params = params if isinstance(params, Mapping) else {}
    page = _fits(_text(params, "page"), _ID)
    status, level, sort = _text(params, "status"), _text(params, "level"), _text(params, "sort")
    return ReviewQuery(
        indicator=_fits(_text(params, "indicator"), _INDICATOR_CODE),
        round_id=_fits(_text(params, "round"), _ID),
        status=status if status in STATUSES else "",
        level=level if level in LEVEL_LABELS else "",
        new_only=_text(params, "new") == "1",
        outliers_only=_text(params, "outliers") == "1",
        search=_text(params, "q")[:MAX_SEARCH],
        sort=sort if sort in SORTS else DEFAULT_SORT,
        page=max(1, int(page)) if page else 1,
        district=_fits(_text(params, "district"), _DISTRICT_CODE),
    )


def url_round(params: object) -> str:
    """The round id a page's URL names (`?round=4`: /entry, /report), or "" (the current round)."""
    return _fits(_text(params, "round"), _ID) if isinstance(params, Mapping) else ""


def review_url(query: ReviewQuery) -> str:
    """The /review URL naming these choices (defaults left out, so a plain list stays /review)."""
    query = review_query(_as_params(query))  # what is written is what would be read back
    pairs = [
        ("indicator", query.indicator),
        ("round", query.round_id),
        ("status", query.status),
        ("level", query.level),
        ("new", "1" if query.new_only else ""),
        ("outliers", "1" if query.outliers_only else ""),
        ("q", query.search),
        ("sort", "" if query.sort == DEFAULT_SORT else query.sort),
        ("page", "" if query.page == 1 else str(query.page)),
        ("district", query.district),
    ]
    text = urlencode([(key, value) for key, value in pairs if value])
    return REVIEW + ("?" + text if text else "")


def _as_params(query: ReviewQuery) -> dict[str, str]:
    return {
        "indicator": query.indicator,
        "round": query.round_id,
        "status": query.status,
        "level": query.level,
        "new": "1" if query.new_only else "",
        "outliers": "1" if query.outliers_only else "",
        "q": query.search,
        "sort": query.sort,
        "page": str(query.page),
        "district": query.district,
    }


__all__ = ["ReviewQuery", "replace", "review_query", "review_url", "url_round"]
