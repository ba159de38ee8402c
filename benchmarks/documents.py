"""Generated lectures the benchmarks share: a known number of scenes, each spoken for a few seconds."""

from __future__ import annotations


def lecture(scenes: int, title: str = "Benchmark Lecture") -> str:
    """Markdown that parses into exactly ``scenes`` scenes: a title, sections, and a closing summary.

    Sections alternate prose and bullets, like a real lecture; the last one is
    a "Summary", so the parser adds no summary of its own.
    """
    if scenes < 1:
        raise ValueError("a lecture has at least its title scene")
    parts = [f"# {title}\n\nA generated lecture for measuring videogen_nb.\n"]
    for k in range(1, scenes - 1):
        if k % 2:
            parts.append(
                f"## Part {k}: an idea\n\nThis part explains idea number {k}. It takes a few sentences, as a real "
                "lecture would, so that each scene is spoken for several seconds before the next.\n"
            )
        else:
            parts.append(f"## Part {k}: key points\n\n- the first point of part {k}\n- a second point\n- a third one\n")
    if scenes > 1:
        parts.append("## Summary\n\n- ideas explained one at a time\n- key points listed between them\n")
    return "\n".join(parts)
