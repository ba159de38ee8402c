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


SECONDS_PER_PART = 21  # what one part of a timed lecture takes to say (measured with espeak at its default rate)


def timed_lecture(minutes: float, title: str = "Benchmark Lecture") -> str:
    """Markdown whose narration lasts about ``minutes``: parts of about 60 spoken words (21 s) each, prose and
    lists in turn, so a 40-minute lecture is ten times a 4-minute one in every way (scenes, audio, video)."""
    parts = [f"# {title}\n\nA generated lecture of about {minutes:g} minutes for measuring videogen_nb.\n"]
    for k in range(1, max(2, round(minutes * 60 / SECONDS_PER_PART))):
        if k % 2:
            parts.append(
                f"## Part {k}: an idea\n\nThis part explains idea number {k} in a paragraph that takes about half a "
                "minute to say. It goes on for several sentences, as a real lecture would. The speaker gives an example, "
                "then a second one, and says why the idea matters. A listener has time to think about it before the "
                "next part begins. Then the part closes with a short remark on what comes next in the lecture.\n"
            )
        else:
            parts.append(
                f"## Part {k}: key points\n\n- the first point of part {k}, said in a full sentence or two\n"
                "- a second point that adds something to the first one\n- a third point with an example of it\n"
                "- a fourth point that warns about a common mistake\n- a fifth point that sums the others up\n"
            )
    parts.append("## Summary\n\n- ideas explained one at a time\n- key points listed between them\n")
    return "\n".join(parts)
