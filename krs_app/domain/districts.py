"""Districts (สพท.) as the pages name them."""

from __future__ import annotations

LEVEL_LABELS = {"primary": "สพป.", "secondary": "สพม."}  # a district's level, as its short prefix
