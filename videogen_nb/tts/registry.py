"""Speech engines by name: the built-in ones, those registered in code, and plug-ins found by entry point.

A plug-in package makes an engine available everywhere (``Pipeline(tts=...)``,
``videogen build --tts ...``, resume) by declaring it in its metadata::

    [project.entry-points."videogen_nb.engines"]
    beep = "beep_engine:BeepEngine"

A factory is a SpeechEngine class (or any callable returning an engine); its
``Options`` model, if it has one, checks the options and gives the CLI its flags.
"""

from __future__ import annotations

import difflib
import threading
from importlib import metadata as importlib_metadata
from typing import Any, Callable, Optional, Union

from .base import EngineOptions, SpeechEngine

ENTRY_POINT_GROUP = "videogen_nb.engines"

Factory = Callable[..., SpeechEngine]

_FACTORIES: dict[str, Factory] = {}
_PLUGINS: dict[str, importlib_metadata.EntryPoint] = {}  # found by entry point, loaded on first use
_LOCK = threading.Lock()
_scanned = False


def register_engine(name: str, factory: Optional[Factory] = None, *, replace: bool = False):
    """Make ``factory`` the engine called ``name``; use as ``register_engine("beep", BeepEngine)`` or a decorator.

    Registering a name again replaces it only with ``replace=True`` (or the same factory again).
    """
    if not name or not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"an engine name is a word like 'beep' or 'my-voice', not {name!r}")

    def register(f: Factory) -> Factory:
        if not callable(f):
            raise TypeError(f"the factory of engine {name!r} must be callable (a SpeechEngine class), not {f!r}")
        with _LOCK:
            old = _FACTORIES.get(name)
            same = old is not None and (getattr(old, "__module__", None), getattr(old, "__qualname__", None)) == (
                getattr(f, "__module__", None), getattr(f, "__qualname__", None))  # fmt: skip
            if old is not None and not (replace or same):
                raise ValueError(f"a speech engine called {name!r} is registered already; pass replace=True to replace it")
            _FACTORIES[name] = f
        return f

    return register(factory) if factory is not None else register


def _scan_entry_points(refresh: bool = False) -> None:
    global _scanned
    with _LOCK:
        if _scanned and not refresh:
            return
        for ep in importlib_metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.name not in _FACTORIES:
                _PLUGINS.setdefault(ep.name, ep)
        _scanned = True


def engine_names() -> tuple[str, ...]:
    """Every engine that can be asked for by name: built-in, registered, and installed plug-ins."""
    _scan_entry_points()
    return tuple(dict.fromkeys([*_FACTORIES, *sorted(_PLUGINS)]))


def engine_factory(name: str) -> Factory:
    """The factory registered as ``name``, loading a plug-in on first use; ValueError lists the names."""
    if name in _FACTORIES:
        return _FACTORIES[name]
    _scan_entry_points(refresh=name not in _PLUGINS)  # a plug-in installed since the last look
    ep = _PLUGINS.get(name)
    if ep is None:
        close = difflib.get_close_matches(str(name), engine_names(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown speech engine {name!r}{hint}: choose one of {', '.join(engine_names())}, "
            f"register one with register_engine(name, factory), or install a plug-in that declares one "
            f"in the entry-point group {ENTRY_POINT_GROUP!r}"
        )
    try:
        factory = ep.load()
    except Exception as exc:  # a broken plug-in must say which one and why
        dist = getattr(ep, "dist", None)
        where = f" (from the package {dist.name})" if dist is not None else ""
        raise ValueError(f"the speech engine plug-in {name!r}{where} failed to load {ep.value}: {exc}") from exc
    register_engine(name, factory, replace=True)
    return factory


def is_registered(name: str) -> bool:
    """Whether ``name`` can be made again by name (on resume, in another process)."""
    try:
        engine_factory(name)
    except ValueError:
        return False
    return True


def engine_options(name: str) -> Optional[type[EngineOptions]]:
    """The options model of the engine called ``name`` (None if its factory declares none)."""
    options = getattr(engine_factory(name), "Options", None)
    return options if isinstance(options, type) and issubclass(options, EngineOptions) else None


def get_engine(engine: Union[str, SpeechEngine], **options: Any) -> SpeechEngine:
    """An engine object from a name and its options (checked against its ``Options``), or the object itself."""
    if isinstance(engine, SpeechEngine):
        if options:
            raise ValueError(f"tts_options {sorted(options)} apply to an engine chosen by name, not to {engine!r}")
        return engine
    factory = engine_factory(engine)
    model = engine_options(engine)
    kwargs = model.parse(engine, options).model_dump(exclude_unset=True) if model is not None else options
    try:
        made = factory(**kwargs)
    except TypeError as exc:
        raise ValueError(f"speech engine {engine!r} does not take these options {sorted(options)}: {exc}") from None
    if not isinstance(made, SpeechEngine):
        raise TypeError(f"the factory of speech engine {engine!r} returned a {type(made).__name__}, not a SpeechEngine")
    if made.name != engine:
        made.name = engine  # the name it was asked for is the name resume will ask for
    return made
