"""The ``%%videogen`` cell magic: Markdown in a cell becomes a video shown below it.

    %load_ext videogen_nb
    %%videogen --resolution 720p --tts silent --theme light
    # My talk
    ## First point
    Some text.

Options are those of ``videogen build`` (``videogen build --help``), plus
``-o DIR`` (default ``build/<title>``), ``--until STAGE`` (stop there; the
editor is shown instead of the video), ``--editor`` (the live editor below
the video) and ``--name VAR`` (the pipeline is kept in that variable, default
``videogen_pipeline``).
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any, Optional

from .cli import build_parser, engine_flags, given_settings, import_plugins
from .errors import VideogenError
from .models import InputConfig
from .notebook import video_player
from .pipeline import Pipeline, default_workdir


def _magic_options(line: str) -> tuple[argparse.Namespace, argparse.Namespace]:
    """(the magic's own options, the ``videogen build`` options) from the magic line."""
    words = shlex.split(line)
    own = argparse.ArgumentParser(prog="%%videogen", add_help=False)
    own.add_argument("--until")
    own.add_argument("--editor", action="store_true")
    own.add_argument("--name", default="videogen_pipeline")
    mine, rest = own.parse_known_args(words)
    import_plugins(rest)
    if not any(w in ("-o", "--output") or w.startswith("--output=") for w in rest):
        rest += ["-o", ""]
    try:
        build = build_parser().parse_args(["build", "<cell>", *rest])
    except SystemExit:
        raise ValueError(f"%%videogen {line}: not options of `videogen build` (see videogen build --help)") from None
    return mine, build


def videogen_cell(line: str, cell: str, user_ns: Optional[dict[str, Any]] = None):
    """Run the cell's Markdown through every stage (or up to ``--until``); return what to show below the cell."""
    if not cell.strip():
        raise ValueError("%%videogen: the cell is empty; write Markdown under the magic line, e.g. '# Title' then text")
    mine, args = _magic_options(line)
    settings = given_settings(args)
    settings["tts_options"] = engine_flags(args, settings.get("tts", "espeak"))
    out = Path(args.output) if args.output else default_workdir(InputConfig(input_type="document", source=cell))
    p = Pipeline(cell, workdir=out / "work", output_dir=out, **settings)
    if user_ns is not None:
        user_ns[mine.name] = p
    p.run(until=mine.until)
    if mine.until or mine.editor:
        return p.preview()
    return video_player(p)


def load_ipython_extension(ipython) -> None:
    """``%load_ext videogen_nb``: registers ``%%videogen``."""
    from IPython.core.error import UsageError

    def videogen(line: str, cell: str):
        try:
            return videogen_cell(line, cell, ipython.user_ns)
        except ValueError as exc:
            if isinstance(exc, VideogenError):
                raise
            raise UsageError(str(exc)) from None

    ipython.register_magic_function(videogen, magic_kind="cell", magic_name="videogen")
