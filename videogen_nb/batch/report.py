"""The batch's own files: ``index.html`` (every video with its thumbnail, duration and status) and ``batch.json``.

Paths in both are relative to the output folder, so the folder can be
moved, copied to a web server or opened from a file browser as it is.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any, Optional

from ..atomic import atomic_write_bytes
from .models import STATUS_COLOURS, BatchResult, VideoResult, clock

INDEX, DATA = "index.html", "batch.json"


def _rel(path: Optional[Path], out: Path) -> Optional[str]:
    return None if path is None else Path(os.path.relpath(path, out)).as_posix()


def batch_data(result: BatchResult) -> dict[str, Any]:
    """``batch.json``: the batch and every video, paths relative to the output folder."""
    out = result.out
    data = result.model_dump(mode="json", exclude={"out", "index_path", "data_path", "videos"})
    data["summary"] = {
        "videos": len(result.videos),
        "rendered": len(result.rendered),
        "unchanged": len(result.unchanged),
        "failed": len(result.failed),
        "video_seconds": round(result.video_seconds, 3),
    }
    videos = []
    for v in result.videos:
        item = v.model_dump(mode="json", exclude={"video", "thumbnail", "metadata", "subtitles"})
        item.update(video=_rel(v.video, out), thumbnail=_rel(v.thumbnail, out), metadata=_rel(v.metadata, out),
                    subtitles={k: _rel(p, out) for k, p in v.subtitles.items()})  # fmt: skip
        videos.append(item)
    data["videos"] = videos
    return data


def _row(v: VideoResult, out: Path) -> str:
    esc = html.escape
    if v.ok and v.video is not None:
        video = esc(_rel(v.video, out) or "")
        thumb = f'<a href="{video}"><img src="{esc(_rel(v.thumbnail, out) or "")}" alt="" loading="lazy"></a>'
        links = [f'<a href="{video}">video</a>'] + [
            f'<a href="{esc(_rel(p, out) or "")}">{esc(k)}</a>' for k, p in sorted(v.subtitles.items())
        ] + ([f'<a href="{esc(_rel(v.metadata, out) or "")}">metadata</a>'] if v.metadata else [])
        detail = f"{v.scenes} scenes, {v.frames} frames &middot; " + " &middot; ".join(links)
        duration = clock(v.duration)
    else:
        thumb, duration = '<div class="none">no video</div>', ""
        detail = f'<span class="error">{esc(v.error or "failed")}</span>'
    title = esc(v.title or v.name)
    return (
        f'<tr class="{v.status}"><td class="thumb">{thumb}</td>'
        f'<td><div class="title">{title}</div><code>{esc(v.name)}</code> <span class="origin">{esc(v.origin)}</span>'
        f'<div class="detail">{detail}</div></td>'
        f'<td class="duration">{duration}</td><td class="status" style="color:{STATUS_COLOURS[v.status]}">{v.status}</td></tr>'
    )


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1e293b; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #e2e8f0; padding: .5rem; vertical-align: top; text-align: left; }
td.thumb { width: 192px; } td.thumb img { width: 192px; border-radius: 4px; display: block; }
div.none { width: 192px; height: 108px; background: #f1f5f9; color: #94a3b8; display: flex;
           align-items: center; justify-content: center; border-radius: 4px; }
.title { font-weight: 600; } .origin, .detail { color: #64748b; font-size: .9em; }
.error { color: #b91c1c; white-space: pre-wrap; } td.status, td.duration { white-space: nowrap; }
"""


def index_html(result: BatchResult) -> str:
    """``index.html``: a page listing every video with its thumbnail, duration and status."""
    title = html.escape(result.title or "Videos")
    rows = "\n".join(_row(v, result.out) for v in result.videos)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n<p>{html.escape(result.summary())}</p>\n"
        f"<table><thead><tr><th></th><th>video</th><th>duration</th><th>status</th></tr></thead><tbody>\n{rows}\n"
        f"</tbody></table>\n<p><small>made by videogen_nb; data: <a href=\"{DATA}\">{DATA}</a></small></p></body></html>\n"
    )


def write_report(result: BatchResult) -> BatchResult:
    """Write ``index.html`` and ``batch.json`` into the output folder (each atomically); note where on ``result``."""
    out = result.out
    result.index_path, result.data_path = out / INDEX, out / DATA
    atomic_write_bytes(result.data_path, json.dumps(batch_data(result), indent=1, ensure_ascii=False).encode("utf-8"))
    atomic_write_bytes(result.index_path, index_html(result).encode("utf-8"))
    return result
