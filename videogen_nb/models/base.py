"""What every model shares: validation on assignment, and the small value types (resolution, accent, theme)."""

from __future__ import annotations

from typing import Any, Literal, Mapping, Union

from pydantic import BaseModel, ConfigDict

RESOLUTIONS: dict[str, tuple[int, int]] = {
    "1080p": (1920, 1080),
    "720p": (1280, 720),
    "480p": (854, 480),
    "vertical": (1080, 1920),
}

#: accent colours a scene (or the whole video) can pick; each theme gives each name a shade
ACCENTS: tuple[str, ...] = ("blue", "sky", "teal", "green", "amber", "orange", "red", "pink", "purple")
Accent = Literal["blue", "sky", "teal", "green", "amber", "orange", "red", "pink", "purple"]
THEME_NAMES: tuple[str, ...] = ("dark", "light")
ThemeName = Literal["dark", "light"]


class Model(BaseModel):
    """A pydantic model that validates on assignment and refuses unknown fields.

    A notebook user who types ``p.ctx.audio_dir = 5`` gets a validation error,
    not a broken video later.
    """

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a checkpoint pickled before a field was added lacks it: give it the field's default
        super().__setstate__(state)
        for name, info in type(self).model_fields.items():
            if name not in self.__dict__ and not info.is_required():
                self.__dict__[name] = info.get_default(call_default_factory=True)


def short(text: str, n: int = 50) -> str:
    """``text`` cut to ``n`` characters with an ellipsis, for reprs."""
    return text if len(text) <= n else text[: n - 3] + "..."


def parse_resolution(value: Union[str, tuple[int, int], list[int]]) -> tuple[int, int]:
    """Turn "1080p", "720p", "vertical", "1280x720" or (w, h) into (width, height)."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in RESOLUTIONS:
            return RESOLUTIONS[key]
        if "x" in key:
            w, _, h = key.partition("x")
            if w.isdigit() and h.isdigit():
                return parse_resolution((int(w), int(h)))
        raise ValueError(
            f"unknown resolution {value!r}: use one of {', '.join(RESOLUTIONS)}, 'WIDTHxHEIGHT' or (w, h)"
        )
    w, h = (int(v) for v in value)
    if w < 64 or h < 64 or w > 7680 or h > 7680:
        raise ValueError(f"resolution {w}x{h} is out of range (64..7680 pixels a side)")
    if w % 2 or h % 2:
        # yuv420p needs even sides; say so instead of letting ffmpeg fail later
        raise ValueError(f"resolution {w}x{h} must have even width and height (H.264 yuv420p)")
    return (w, h)


def check_pronunciations(value: Any, where: str) -> dict[str, str]:
    """``value`` as a ``{word: spoken form}`` dict; ValueError naming ``where`` if it is not one."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{where}: pronunciations must map words to how they are said, e.g. {{SQL: sequel}}, "
            f"not a {type(value).__name__}"
        )
    out: dict[str, str] = {}
    for word, spoken in value.items():
        if not isinstance(word, str) or not word.strip() or isinstance(spoken, (dict, list)) or spoken is None:
            raise ValueError(f"{where}: the pronunciation {word!r}: {spoken!r} needs a word and a text to say")
        out[word.strip()] = str(spoken)
    return out
