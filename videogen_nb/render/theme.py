"""Slide themes: colours, fonts and proportions in one object."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    """How slides look. Sizes are fractions of the short side of the frame."""

    name: str
    background_top: RGB
    background_bottom: RGB
    text: RGB
    muted: RGB
    accent: RGB
    title_font: str = "sans-bold"
    body_font: str = "sans"
    title_size: float = 0.075
    heading_size: float = 0.062
    body_size: float = 0.042
    footer_size: float = 0.022
    min_body_scale: float = 0.6
    margin_x: float = 0.07  # of the width
    margin_y: float = 0.08  # of the height
    line_spacing: float = 1.3


THEMES: dict[str, Theme] = {
    "dark": Theme(
        name="dark",
        background_top=(17, 24, 39),
        background_bottom=(30, 41, 59),
        text=(241, 245, 249),
        muted=(148, 163, 184),
        accent=(56, 189, 248),
    ),
    "light": Theme(
        name="light",
        background_top=(255, 255, 255),
        background_bottom=(241, 245, 249),
        text=(15, 23, 42),
        muted=(100, 116, 139),
        accent=(37, 99, 235),
    ),
}


def get_theme(name: str) -> Theme:
    """The theme called ``name``; a clear error lists the others."""
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}: choose one of {', '.join(THEMES)}") from None
