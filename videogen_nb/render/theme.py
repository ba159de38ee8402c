"""Slide themes: colours, fonts, proportions and the safe area, in one object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..models import ACCENTS

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Theme:
    """How slides look. Sizes are fractions of the short side of the frame."""

    name: str
    background_top: RGB
    background_bottom: RGB
    text: RGB
    muted: RGB
    accent: RGB
    #: every accent name of models.ACCENTS with this theme's shade of it
    accents: dict[str, RGB] = field(default_factory=dict)
    panel: RGB = (30, 41, 59)  # code panels, table header, quiz options
    panel_line: RGB = (71, 85, 105)
    code_style: str = "monokai"  # a Pygments style
    correct: RGB = (34, 197, 94)
    title_font: str = "sans-bold"
    body_font: str = "sans"
    title_size: float = 0.075
    heading_size: float = 0.062
    body_size: float = 0.042
    code_size: float = 0.034
    label_size: float = 0.03
    footer_size: float = 0.022
    max_body_scale: float = 1.24  # a slide with little on it shows it larger
    min_body_scale: float = 0.75  # text never shrinks below this; what still does not fit continues on the next slide
    #: no text on a slide's body is smaller than this (34 px at 1080p): smaller is not read from a couch
    min_text: float = 34 / 1080
    page_scale: float = 0.8  # a section split over several slides fills each at this scale
    margin_x: float = 0.06  # the safe area: of the width
    margin_y: float = 0.06  # of the height
    line_spacing: float = 1.3

    def accent_colour(self, name: Optional[str]) -> RGB:
        """The theme's shade of accent ``name`` (its default accent for None)."""
        return self.accents.get(name, self.accent) if name else self.accent

    def min_text_px(self, unit: int) -> int:
        """The smallest text size in pixels on a frame whose short side is ``unit``."""
        return max(6, int(round(self.min_text * unit)))

    def safe_area(self, size: tuple[int, int]) -> Box:
        """(left, top, right, bottom) inside which all text is drawn."""
        w, h = size
        mx, my = int(round(self.margin_x * w)), int(round(self.margin_y * h))
        return (mx, my, w - mx, h - my)

    def __repr__(self) -> str:
        return f"<Theme {self.name}: accent {self.accent}, {len(self.accents)} accent colours>"


# shades chosen for contrast: bright on the dark background, deep on the light one
_DARK_ACCENTS: dict[str, RGB] = {
    "blue": (96, 165, 250), "sky": (56, 189, 248), "teal": (45, 212, 191), "green": (74, 222, 128),
    "amber": (251, 191, 36), "orange": (251, 146, 60), "red": (248, 113, 113), "pink": (244, 114, 182),
    "purple": (192, 132, 252),
}  # fmt: skip
_LIGHT_ACCENTS: dict[str, RGB] = {
    "blue": (37, 99, 235), "sky": (2, 132, 199), "teal": (13, 148, 136), "green": (22, 163, 74),
    "amber": (180, 83, 9), "orange": (234, 88, 12), "red": (220, 38, 38), "pink": (219, 39, 119),
    "purple": (147, 51, 234),
}  # fmt: skip
assert set(_DARK_ACCENTS) == set(_LIGHT_ACCENTS) == set(ACCENTS)

THEMES: dict[str, Theme] = {
    "dark": Theme(
        name="dark",
        background_top=(17, 24, 39),
        background_bottom=(30, 41, 59),
        text=(241, 245, 249),
        muted=(148, 163, 184),
        accent=_DARK_ACCENTS["sky"],
        accents=_DARK_ACCENTS,
        panel=(11, 17, 30),
        panel_line=(71, 85, 105),
        code_style="monokai",
        correct=(74, 222, 128),
    ),
    "light": Theme(
        name="light",
        background_top=(255, 255, 255),
        background_bottom=(241, 245, 249),
        text=(15, 23, 42),
        muted=(100, 116, 139),
        accent=_LIGHT_ACCENTS["blue"],
        accents=_LIGHT_ACCENTS,
        panel=(226, 232, 240),
        panel_line=(148, 163, 184),
        code_style="friendly",
        correct=(22, 163, 74),
    ),
}


def get_theme(name: Optional[str]) -> Theme:
    """The theme called ``name`` (None: dark); a clear error lists the others."""
    try:
        return THEMES[name or "dark"]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}: choose one of {', '.join(THEMES)}") from None
