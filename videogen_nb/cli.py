"""The ``videogen`` command."""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Optional, Sequence

from .checkpoint import CHECKPOINT_DIR
from .errors import VideogenError
from .events import terminal_progress
from .models import THEME_NAMES
from .pipeline import Pipeline
from .tts import ENGINES

EXIT_OK, EXIT_USAGE = 0, 2
DOC_HELP = "a Markdown (.md), plain text (.txt), or YAML/JSON scene spec (.yaml, .json) file"

EPILOG = """\
examples:
  videogen build notebooks/examples/photosynthesis.md -o build/photosynthesis
  videogen build talk.md -o out --resolution 720p --tts silent     # a fast draft
  videogen build talk.md -o out --resume                           # pick up after a failure
  videogen build talk.md -o out --tts gtts --fallback espeak       # Google's voice, espeak when offline
  videogen build talk.md -o out --lang de --rate 150 --pronounce SQL=sequel
  videogen preview talk.md -o slides                               # every slide as PNG + contact sheet, in seconds

By default everything runs offline: speech with espeak-ng, video with the ffmpeg of
imageio-ffmpeg. Speech is cached in ~/.cache/videogen_nb/speech (or $VIDEOGEN_CACHE_DIR,
or --cache-dir) and shared by every build on the machine.
"""


def _version() -> str:
    try:
        return importlib_metadata.version("videogen_nb")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


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
        help="run all six stages: document -> narrated MP4",
        description="Run input, parse, script, audio, video and output on DOC; write the video, "
        "its subtitles (.srt, .vtt), thumbnail.png and metadata.json to OUTDIR.",
    )
    _document_options(b, "folder for the finished video")
    b.add_argument("--workdir", metavar="DIR", help="folder for checkpoints, audio and segments (default: OUTDIR/.work)")
    b.add_argument("--resume", action="store_true", help="continue from the checkpoints of an earlier run")
    b.add_argument("--tts", choices=sorted(ENGINES), help="speech engine: espeak (default, offline), gtts "
                   "(Google's voice, needs the internet) or silent (timed silence for drafts)")  # fmt: skip
    b.add_argument("--fallback", choices=["espeak"], help="speak scenes the engine fails on (no network) with this one")
    b.add_argument("--lang", help="language of the narration, e.g. en, de, fr (default: front matter or en)")
    b.add_argument("--voice", help="a voice of the speech engine (espeak: a language variant such as en-gb; "
                   "gtts: a Google domain for the accent such as co.uk)")  # fmt: skip
    b.add_argument("--rate", type=int, metavar="WPM", help="speaking rate in words a minute (espeak, silent)")
    b.add_argument("--tld", metavar="DOMAIN", help="gtts: the Google domain whose accent to use, e.g. co.uk, com.au")
    b.add_argument("--slow", action="store_true", help="gtts: speak slowly")
    b.add_argument("--retries", type=int, metavar="N", help="gtts: times to ask again after a network failure (default: 3)")
    b.add_argument("--pronounce", action="append", metavar="WORD=SAY", default=[],
                   help="say WORD as SAY (repeatable); slides and subtitles keep WORD")  # fmt: skip
    b.add_argument("--cache-dir", metavar="DIR", help="speech cache shared by builds (default: $VIDEOGEN_CACHE_DIR "
                   "or ~/.cache/videogen_nb/speech)")  # fmt: skip
    b.add_argument("--loudness", type=float, default=-16.0, metavar="LUFS", help="loudness of every scene (default: -16)")
    b.add_argument("--workers", type=int, metavar="N", help="parallel speech and slide workers (default: what the engine prefers)")
    _look_options(b)
    b.add_argument("--fps", type=int, default=30, help="frames per second (default: 30)")
    b.add_argument("--transition", type=float, default=0.5, metavar="SECONDS",
                   help="crossfade into each next scene (default: 0.5; 0 for cuts)")  # fmt: skip
    b.add_argument("--burn-subtitles", action="store_true", help="draw the subtitles onto the video as well")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    v = sub.add_parser(
        "preview",
        help="draw every slide as PNG plus a contact sheet, without audio or video",
        description="Run input, parse and script on DOC and write each slide to OUTDIR as NN-<scene_id>.png, "
        "plus contact_sheet.png with all of them. Takes seconds: no speech, no encoding.",
    )
    _document_options(v, "folder for the PNG files")
    _look_options(v)
    return parser


def _document_options(p: argparse.ArgumentParser, output_help: str) -> None:
    """DOC and -o OUTDIR, which every command takes."""
    p.add_argument("document", metavar="DOC", help=DOC_HELP)
    p.add_argument("-o", "--output", metavar="OUTDIR", required=True, help=output_help)


def _look_options(p: argparse.ArgumentParser) -> None:
    """--resolution and --theme: how the slides look, the same for build and preview."""
    p.add_argument("--resolution", default="1080p", help="1080p, 720p, vertical or WIDTHxHEIGHT (default: 1080p)")
    p.add_argument("--theme", choices=THEME_NAMES, help="slide theme (default: the document's 'theme:', else dark)")


def cmd_preview(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="videogen-preview-") as work:
        p = Pipeline(Path(args.document), Path(work), tts="silent", resolution=args.resolution, theme=args.theme, progress=None)
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


def tts_options(args: argparse.Namespace) -> dict[str, Any]:
    """The engine's keyword arguments from --rate, --tld, --slow, --retries; a flag the engine lacks is an error."""
    engine = args.tts or "espeak"
    given = {"rate": args.rate, "tld": args.tld, "slow": args.slow or None, "retries": args.retries}
    accepted = {
        "espeak": {"rate": "rate"},
        "silent": {"rate": "wpm"},
        "gtts": {"tld": "tld", "slow": "slow", "retries": "retries"},
    }.get(engine, {})
    wrong = [f"--{flag}" for flag, value in given.items() if value is not None and flag not in accepted]
    if wrong:
        raise ValueError(f"{', '.join(wrong)} does not apply to --tts {engine}")
    return {accepted[flag]: value for flag, value in given.items() if value is not None}


def pronunciations(pairs: Sequence[str]) -> dict[str, str]:
    """``["SQL=sequel"]`` as ``{"SQL": "sequel"}``."""
    out = {}
    for pair in pairs:
        word, sep, say = pair.partition("=")
        if not sep or not word.strip() or not say.strip():
            raise ValueError(f"--pronounce {pair!r}: write it as WORD=HOW-TO-SAY-IT, e.g. --pronounce SQL=sequel")
        out[word.strip()] = say.strip()
    return out


def cmd_build(args: argparse.Namespace) -> int:
    out = Path(args.output)
    workdir = Path(args.workdir) if args.workdir else out / ".work"
    progress = None if args.quiet else terminal_progress()
    if args.resume and (workdir / CHECKPOINT_DIR).is_dir():
        p = Pipeline.resume(
            workdir, tts=args.tts, lang=args.lang, voice=args.voice, fallback=args.fallback,
            cache_dir=args.cache_dir, max_workers=args.workers, progress=progress,
        )  # fmt: skip
        print(f"resuming from {workdir}", file=sys.stderr)
    else:
        p = Pipeline(
            Path(args.document), workdir, tts=args.tts or "espeak", tts_options=tts_options(args),
            lang=args.lang, voice=args.voice, fallback=args.fallback, cache_dir=args.cache_dir,
            pronunciations=pronunciations(args.pronounce), loudness=args.loudness, max_workers=args.workers,
            resolution=args.resolution, fps=args.fps, theme=args.theme, output_dir=out, progress=progress,
            transition=args.transition, burn_subtitles=args.burn_subtitles,
        )  # fmt: skip
    p.resume_command = shlex.join(["videogen", "build", args.document, "-o", args.output, "--resume"])
    p.run()
    ctx = p.ctx
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return cmd_preview(args) if args.command == "preview" else cmd_build(args)
    except VideogenError as exc:
        print(f"videogen: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # bad option values (resolution, theme, engine) from the models
        print(f"videogen: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("videogen: interrupted; continue later with --resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
