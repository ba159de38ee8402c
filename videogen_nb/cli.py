"""The ``videogen`` command.

Its options are the fields of :class:`PipelineSettings` (one settings object,
as for ``Pipeline`` and ``Pipeline.resume``) and the options of the speech
engines, made into flags from each engine's ``Options`` model, plug-ins'
included.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
import tempfile
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Optional, Sequence, get_args

from .checkpoint import CHECKPOINT_DIR, latest_checkpoint, load_checkpoint
from .errors import VideogenError
from .events import terminal_progress
from .models import THEME_NAMES, PipelineSettings
from .pipeline import Pipeline
from .tts import engine_names, engine_options

EXIT_OK, EXIT_USAGE = 0, 2
DOC_HELP = "a Markdown (.md), plain text (.txt), or YAML/JSON scene spec (.yaml, .json) file"
_ENGINE_DEST = "engine_option_"  # argparse dest prefix of the engines' flags

EPILOG = """\
examples:
  videogen build notebooks/examples/photosynthesis.md -o build/photosynthesis
  videogen build talk.md -o out --resolution 720p --tts silent     # a fast draft
  videogen build talk.md -o out --resume                           # pick up after a failure
  videogen build talk.md -o out --tts gtts --fallback espeak       # Google's voice, espeak when offline
  videogen build talk.md -o out --lang de --rate 150 --pronounce SQL=sequel
  videogen preview talk.md -o slides                               # every slide as PNG + contact sheet, in seconds
  videogen check talk.md --strict                                  # watchability per scene; exit 1 on a problem

By default everything runs offline: speech with espeak-ng, video with the ffmpeg of
imageio-ffmpeg. Speech is cached in ~/.cache/videogen_nb/speech (or $VIDEOGEN_CACHE_DIR,
or --cache-dir) and shared by every build on the machine.
"""


def _version() -> str:
    try:
        return importlib_metadata.version("videogen_nb")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


def _setting(p: argparse.ArgumentParser, flag: str, field: str, help: Optional[str] = None, **kw: Any) -> None:
    """A flag for the settings field ``field``: its help from the field's description, its default from the model."""
    info = PipelineSettings.model_fields[field]
    text = help or info.description or field
    if info.default not in (None, False) and "(default" not in text:
        text += f" (default: {info.default})"
    p.add_argument(flag, dest=field, default=argparse.SUPPRESS, help=text, **kw)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="videogen",
        description="Turn a Markdown, text, YAML or JSON document into a narrated explainer video (MP4 with "
        "narration, thumbnail and metadata).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"videogen_nb {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    b = sub.add_parser(
        "build",
        help="run every stage: document -> narrated MP4",
        description="Run input, parse, script, audio, video and output on DOC; write the video, "
        "its subtitles (.srt, .vtt), thumbnail.png and metadata.json to OUTDIR.",
    )
    _document_options(b, "folder for the finished video")
    b.add_argument("--workdir", metavar="DIR", help="folder for checkpoints, audio and segments (default: OUTDIR/.work)")
    b.add_argument("--resume", action="store_true", help="continue from the checkpoints of an earlier run")
    names = engine_names()
    _setting(b, "--tts", "tts", f"speech engine: {', '.join(names)} (default: espeak, offline; gtts needs the "
             "internet; silent makes timed silence for drafts)", choices=names, metavar="ENGINE")  # fmt: skip
    _setting(b, "--fallback", "fallback", "speak scenes the engine fails on (no network) with this engine",
             choices=names, metavar="ENGINE")  # fmt: skip
    _setting(b, "--lang", "lang", "language of the narration, e.g. en, de, fr (default: front matter or en)")
    _setting(b, "--voice", "voice", "a voice of the speech engine (espeak: a language variant such as en-gb; "
             "gtts: a Google domain for the accent such as co.uk)")  # fmt: skip
    _engine_flags(b)
    b.add_argument("--pronounce", action="append", metavar="WORD=SAY", default=[],
                   help="say WORD as SAY (repeatable); slides and subtitles keep WORD")  # fmt: skip
    _setting(b, "--cache-dir", "cache_dir", metavar="DIR",
             help="speech cache shared by builds (default: $VIDEOGEN_CACHE_DIR or ~/.cache/videogen_nb/speech)")
    _setting(b, "--loudness", "loudness", type=float, metavar="LUFS", help="loudness of every scene (default: -16)")
    _setting(b, "--notes-only", "notes_only", action="store_true")
    _setting(b, "--silent-hold", "silent_hold", type=float, metavar="SECONDS")
    _setting(b, "--workers", "max_workers", type=int, metavar="N")
    _look_options(b)
    _setting(b, "--fps", "fps", type=int)
    _setting(b, "--transition", "transition", type=float, metavar="SECONDS")
    _setting(b, "--burn-subtitles", "burn_subtitles", action="store_true")
    _setting(b, "--strict", "strict", action="store_true")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bars (warnings are still printed)")
    v = sub.add_parser(
        "preview",
        help="draw every slide as PNG plus a contact sheet, without audio or video",
        description="Run input, parse and script on DOC and write each slide to OUTDIR as NN-<scene_id>.png, "
        "plus contact_sheet.png with all of them. Takes seconds: no speech, no encoding.",
    )
    _document_options(v, "folder for the PNG files")
    _look_options(v)
    _setting(v, "--strict", "strict", action="store_true")
    c = sub.add_parser(
        "check",
        help="check how watchable DOC's video will be, before rendering it",
        description="Parse DOC and write its narration (no speech, no video), then print a watchability table, "
        "one row per scene: words on screen, the smallest text, time on screen against reading time (estimated "
        "from the narration), characters no font has, whether the voice speaks the scene's language, markup that "
        "leaked, missing pictures, narration oddities. With --strict, exit 1 on any problem.",
    )
    c.add_argument("document", metavar="DOC", help=DOC_HELP)
    c.add_argument("--plugin", action="append", default=[], metavar="MODULE", help=PLUGIN_HELP)
    c.add_argument("--strict", dest="strict_check", action="store_true", help="exit with 1 if any scene has a problem")
    c.add_argument("--workdir", metavar="DIR", help="check the pipeline in this work folder (measured durations once "
                   "its audio has run) instead of a fresh one")  # fmt: skip
    c.add_argument("--tts", choices=names, metavar="ENGINE", default=argparse.SUPPRESS,
                   help="the speech engine whose voices are checked (default: espeak)")  # fmt: skip
    _setting(c, "--lang", "lang", "language of the narration (default: front matter, else detected)")
    _setting(c, "--voice", "voice", "a voice of the speech engine")
    _look_options(c)
    return parser


def _document_options(p: argparse.ArgumentParser, output_help: str) -> None:
    """DOC, -o OUTDIR and --plugin, which every command takes."""
    p.add_argument("document", metavar="DOC", help=DOC_HELP)
    p.add_argument("-o", "--output", metavar="OUTDIR", required=True, help=output_help)
    p.add_argument("--plugin", action="append", default=[], metavar="MODULE", help=PLUGIN_HELP)


PLUGIN_HELP = (
    "import MODULE first: a module of your own that registers scene kinds (@scene_kind) or speech engines "
    "(register_engine); repeatable. Installed plug-ins (entry points videogen_nb.kinds, videogen_nb.engines) "
    "need no flag"
)


def import_plugins(argv: Sequence[str]) -> None:
    """Import the modules named by --plugin before the parser is built, so their engines get flags too."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--plugin", action="append", default=[])
    known, _ = pre.parse_known_args(argv)
    if known.plugin and "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # a module of one's own usually sits in the current folder
    for name in known.plugin:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ValueError(
                f"--plugin {name}: cannot import it ({exc}); put its folder on PYTHONPATH or install it"
            ) from None


def _look_options(p: argparse.ArgumentParser) -> None:
    """--resolution, --theme and --offline: how the slides look and where their pictures come from, the same
    for build and preview."""
    _setting(p, "--offline", "offline", action="store_true")
    _setting(p, "--resolution", "resolution", "1080p, 720p, vertical or WIDTHxHEIGHT (default: 1080p)")
    _setting(p, "--theme", "theme", "slide theme (default: the document's 'theme:', else dark)", choices=THEME_NAMES)


def _engines_by_option() -> dict[str, list[tuple[str, Any]]]:
    """Each option name of any engine, with the engines that take it and their field."""
    out: dict[str, list[tuple[str, Any]]] = {}
    for name in engine_names():
        try:
            model = engine_options(name)
        except ValueError:  # a broken plug-in: it is reported when asked for, not on every --help
            continue
        for field, info in (model.model_fields.items() if model is not None else ()):
            out.setdefault(field, []).append((name, info))
    return out


def _engine_flags(p: argparse.ArgumentParser) -> None:
    """A flag for every option of every engine (``rate`` -> ``--rate``), its help and type from the options model."""
    for field, takers in _engines_by_option().items():
        flag = "--" + field.replace("_", "-")
        if flag in p._option_string_actions:  # an engine option named like a setting: the setting wins
            continue
        engines = ", ".join(name for name, _ in takers)
        info = takers[0][1]
        types = {info.annotation for _, info in takers}
        typ = types.pop() if len(types) == 1 else str
        typ = next((a for a in get_args(typ) if a is not type(None)), typ) if get_args(typ) else typ  # Optional[x]
        text = f"{engines}: {info.description or field}"
        defaults = {name: i.default for name, i in takers}
        default = info.default if len(set(map(str, defaults.values()))) == 1 else ", ".join(f"{n} {d}" for n, d in defaults.items())
        if typ is bool:
            p.add_argument(flag, dest=_ENGINE_DEST + field, action="store_true", default=argparse.SUPPRESS, help=text)
        else:
            number = typ in (int, float)
            p.add_argument(flag, dest=_ENGINE_DEST + field, type=typ if number else str, metavar="N" if number else
                           field.upper(), default=argparse.SUPPRESS, help=f"{text} (default: {default})")  # fmt: skip


def engine_flags(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    """The engine's options from its flags; a flag the engine does not take is an error."""
    given = {k[len(_ENGINE_DEST) :]: v for k, v in vars(args).items() if k.startswith(_ENGINE_DEST)}
    model = engine_options(engine)
    accepted = set(model.model_fields) if model is not None else set()
    wrong = [f"--{f.replace('_', '-')}" for f in given if f not in accepted]
    if wrong:
        raise ValueError(f"{', '.join(wrong)} does not apply to --tts {engine}")
    return given


def pronunciations(pairs: Sequence[str]) -> dict[str, str]:
    """``["SQL=sequel"]`` as ``{"SQL": "sequel"}``."""
    out = {}
    for pair in pairs:
        word, sep, say = pair.partition("=")
        if not sep or not word.strip() or not say.strip():
            raise ValueError(f"--pronounce {pair!r}: write it as WORD=HOW-TO-SAY-IT, e.g. --pronounce SQL=sequel")
        out[word.strip()] = say.strip()
    return out


def given_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings fields given on the command line (only those: the rest keep their defaults or saved values)."""
    fields = PipelineSettings.model_fields
    given = {k: v for k, v in vars(args).items() if k in fields}
    if getattr(args, "pronounce", None):
        given["pronunciations"] = pronunciations(args.pronounce)
    return given


EXIT_PROBLEMS = 1


def cmd_check(args: argparse.Namespace) -> int:
    given = given_settings(args)
    if args.workdir and (Path(args.workdir) / CHECKPOINT_DIR).is_dir():
        p = Pipeline.resume(Path(args.workdir), progress=None, **given)
        report = p.check(thumbnails=False)
    else:
        with tempfile.TemporaryDirectory(prefix="videogen-check-") as work:
            p = Pipeline(Path(args.document), Path(args.workdir or work), progress=None, **given)
            report = p.check(thumbnails=False)
    for w in dict.fromkeys(p.ctx.warnings):
        print(f"warning: {_one_line(w)}", file=sys.stderr)
    print(report.table())
    return EXIT_PROBLEMS if args.strict_check and not report.ok else EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="videogen-preview-") as work:
        p = Pipeline(Path(args.document), Path(work), tts="silent", progress=None, **given_settings(args))
        p.run(until="script")
        saved = p.save_slides(Path(args.output))
    for w in dict.fromkeys(p.ctx.warnings + saved.warnings):
        print(f"warning: {_one_line(w)}", file=sys.stderr)
    w, h = p.ctx.settings.resolution
    print(f"{len(saved.slides)} slides ({w}x{h}) in {saved.folder}")
    print(f"contact sheet: {saved.contact_sheet}")
    return EXIT_OK


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def cmd_build(args: argparse.Namespace) -> int:
    out = Path(args.output)
    workdir = Path(args.workdir) if args.workdir else out / ".work"
    progress = None if args.quiet else terminal_progress()
    given = given_settings(args)
    given["output_dir"] = out
    if args.resume and (workdir / CHECKPOINT_DIR).is_dir():
        saved = load_checkpoint(latest_checkpoint(workdir)).context.settings
        engine = given.get("tts", saved.tts)
        flags = engine_flags(args, engine)
        if flags:  # options of the same engine add to the saved ones; another engine starts afresh
            given["tts_options"] = {**(saved.tts_options if engine == saved.tts else {}), **flags}
        p = Pipeline.resume(workdir, progress=progress, **given)
        print(f"resuming from {workdir}", file=sys.stderr)
    else:
        given["tts_options"] = engine_flags(args, given.get("tts", "espeak"))
        p = Pipeline(Path(args.document), workdir, progress=progress, **given)
    plugins = [x for name in args.plugin for x in ("--plugin", name)]
    p.resume_command = shlex.join(["videogen", "build", args.document, "-o", args.output, *plugins, "--resume"])
    p.run()
    ctx = p.ctx
    if args.quiet:  # no progress display showed them as they came: the warnings still matter
        for w in dict.fromkeys(ctx.warnings):
            print(f"warning: {_one_line(w)}", file=sys.stderr)
    if ctx.output_dir is None:
        print(f"video (output stage failed, see the warning above): {ctx.final_video_path}")
        return EXIT_OK
    w, h = ctx.settings.resolution
    print(f"video: {p.video_path} ({ctx.timing_report.total_duration:.1f} s, {w}x{h}, {ctx.settings.fps} fps)")
    print(f"subtitles: {ctx.subtitle_paths['srt']} {ctx.subtitle_paths['vtt']}")
    print(f"thumbnail: {ctx.thumbnail_path}")
    print(f"metadata: {ctx.metadata_path}")
    fell_back = ctx.timing_report.fallback_scenes
    if fell_back:
        scenes = ", ".join(str(i + 1) for i in fell_back)
        print(f"note: scenes {scenes} were spoken by {ctx.settings.fallback} ({ctx.settings.tts} failed)", file=sys.stderr)
    return EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        import_plugins(argv)
    except ValueError as exc:
        print(f"videogen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        commands = {"preview": cmd_preview, "check": cmd_check, "build": cmd_build}
        return commands[args.command](args)
    except VideogenError as exc:
        print(f"videogen: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # bad option values (resolution, theme, engine) from the models
        print(f"videogen: error: {_one_line(_first_error(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("videogen: interrupted; continue later with --resume", file=sys.stderr)
        return 130


def _first_error(exc: ValueError) -> str:
    """A pydantic error as one sentence (its first problem), any other ValueError as it is."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
