"""The app's look in one place: named colours (by what they mean) and the app-wide style.

Pages and components use these names, never a hex value; assets/krs.css holds the class styles.
"""

from __future__ import annotations

# ---------------------------------------------------------------- surfaces

BRAND_BLUE = "#1f4e8c"  # the header bar, the KRS title, indicator codes, the overall score
PAGE_BACKGROUND = "#f4f6f9"  # behind every logged-in page
LOGIN_BACKGROUND = "#eef2f7"  # behind the login card
ROW_GROUP_BACKGROUND = "#f9fafb"  # a bureau's line above its indicators (tracking table)
ROW_LATE_BACKGROUND = "#fef2f2"  # ... when the bureau is late

# ---------------------------------------------------------------- text

TEXT_LABEL = "#374151"  # labels and explanations next to a value
TEXT_SECONDARY = "#4b5563"  # descriptions, units, legends
TEXT_MUTED = "#6b7280"  # side notes: who, when, sizes, "nothing here yet"
TEXT_ERROR = "#b91c1c"  # an error at the place it was entered; refusals; overdue counts
TEXT_WARNING = "#b45309"  # countdowns to a deadline; problems found in a file
TEXT_SUCCESS = "#15803d"  # certified
TEXT_HINT = "#1d4ed8"  # "what it takes" hints on the entry page

# ---------------------------------------------------------------- result statuses (status_icon)

STATUS_NOT_REPORTED = TEXT_MUTED
STATUS_AWAITING = TEXT_WARNING
STATUS_NOT_CERTIFIED = TEXT_ERROR
STATUS_CERTIFIED = TEXT_SUCCESS

# The report heat map: score 1 -> 5 from dark to light (cividis-like, lightness rising, so it
# reads in greyscale), with the text colour that stays legible on each step.
HEAT_STEPS = ("#00224e", "#35456c", "#666970", "#958f78", "#cbba69", "#fee838")
HEAT_TEXT = ("#ffffff", "#ffffff", "#ffffff", "#000000", "#000000", "#000000")
HEAT_NONE = "#ffffff"  # not applicable
CHART_BAR = BRAND_BLUE
CHART_THRESHOLD = TEXT_ERROR

# ---------------------------------------------------------------- the app-wide style (rx.App(style=...))

APP_STYLE = {
    "font_family": "'Sarabun', system-ui, sans-serif",
}
