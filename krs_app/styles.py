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
TEXT_MUTED = "#5f6673"  # side notes: who, when, sizes, "nothing here yet" (5.3:1 on PAGE_BACKGROUND)
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

# ---------------------------------------------------------------- Radix Themes colours

# The Radix scales the app uses (color_scheme=...), made dark enough for WCAG 2.1 AA (4.5:1 for
# text up to 12 px): step 9/10 is the solid background under white text (buttons, solid badges),
# step 11 (and its alpha twin a11) the text of soft buttons, soft badges, callouts and links,
# on their step a3 tint or on PAGE_BACKGROUND. Amber's solid step keeps Radix's dark text.
RADIX_SCALES = {
    "blue": {"9": "#2563eb", "10": "#1d4ed8", "11": "#1d4ed8"},  # white on 9: 5.2:1; 11 on blue-a3: 5.6:1
    "red": {"9": "#c62828", "10": "#b71c1c", "11": TEXT_ERROR},  # white on 9: 5.6:1; 11 on red-a3: 5.2:1
    "green": {"9": "#15803d", "10": "#166534", "11": "#166534"},  # white on 9: 5.0:1; 11 on green-a3: 5.9:1
    "orange": {"9": "#c2410c", "10": "#9a3412", "11": "#9a3412"},  # white on 9: 5.2:1; 11 on orange-a3: 6.0:1
    "amber": {"11": "#92400e"},  # 11 on amber-a3: 6.1:1
}


def radix_scale_css() -> str:
    """The stylesheet that puts RADIX_SCALES over Radix's own values: on the page root and on
    every Radix Theme element (dialogs render in a Theme of their own outside the page's),
    with a selector that outranks Radix's `:root, .light`."""
    lines = []
    for name, steps in RADIX_SCALES.items():
        for step, value in steps.items():
            lines.append(f"--{name}-{step}: {value};")
            if step == "11":
                lines.append(f"--{name}-a11: {value};")
    return "html:root, html .radix-themes { " + " ".join(lines) + " }"


# ---------------------------------------------------------------- the app-wide style (rx.App(style=...))

APP_STYLE = {
    "font_family": "'Sarabun', system-ui, sans-serif",
}
