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


def data_lecture(sections: int = 30) -> str:
    """A lecture as people write them: ``sections`` parts of prose (bold, inline code, a link), bullet lists with a
    nested level, Python code, a table of nine rows, numbered steps with a quotation, and a tip; then a summary."""
    parts = ["---\ntitle: Working with Data in Python\nauthor: Benchmarks\n---\n\n# Working with Data in Python\n\n"
             "A course session on reading, cleaning and summarising tabular data.\n"]
    for k in range(1, sections + 1):
        kind = k % 6
        if kind == 1:
            parts.append(
                f"## {k}. Why step {k} matters\n\nEvery analysis starts with data you did not make yourself. In step {k} "
                "we look at what can go wrong: missing values, **inconsistent units**, dates written three ways, and "
                "columns whose names say less than they should. A few minutes spent here save hours later.\n\n"
                f"The `pandas` library reads most formats; see https://pandas.pydata.org/docs/user_guide/io.html#csv-text-files-{k} for details.\n")
        elif kind == 2:
            parts.append(
                f"## {k}. A checklist\n\n- Read the file and look at the first rows\n- Count missing values in every column\n"
                "- Check the types: numbers read as text are common\n  - dates need `parse_dates`\n  - categories save memory\n"
                "- Plot each column once before you trust it\n- Write down what you changed, and why\n")
        elif kind == 3:
            parts.append(
                f"## {k}. In code\n\nThe whole cleaning step fits in a short function:\n\n```python\nimport pandas as pd\n\n"
                f"def clean(path: str) -> pd.DataFrame:\n    \"\"\"Read and tidy the survey of step {k}.\"\"\"\n"
                "    df = pd.read_csv(path, parse_dates=[\"when\"])\n    df = df.dropna(subset=[\"value\"])\n"
                "    df[\"value\"] = df[\"value\"].astype(float)  # text to numbers\n"
                "    return df.groupby(\"site\", as_index=False).agg(mean=(\"value\", \"mean\"), n=(\"value\", \"size\"))\n```\n")
        elif kind == 4:
            parts.append(
                f"## {k}. Results by site\n\n| Site | Samples | Mean (mg/L) | Note |\n|---|---:|---:|---|\n"
                + "".join(f"| Site {chr(65 + i)}{k} | {40 + i * 7} | {3.1 + i * 0.45:.2f} | {'checked twice' if i % 2 else 'ok'} |\n"
                          for i in range(9)))
        elif kind == 5:
            parts.append(
                f"## {k}. What the numbers say\n\n1. Sites with more samples vary less\n2. The mean rose by about 0.4 mg/L a year\n"
                "3. Two sites were measured with a different instrument\n\n> All models are wrong, but some are useful.\n>\n"
                "> \u2014 George Box\n")
        else:
            parts.append(
                f"## {k}. Putting it together\n\nWe now have a tidy table, a plot of each column and a note of every change. "
                "The next session fits a first model to it, and asks how far its predictions can be trusted. "
                "Before then, try the exercise: clean the second survey with the same function and compare the means. "
                "Where they differ, find out why: a unit, a date, or a real change in the water?\n\n"
                "!!! tip\n    Keep the raw files untouched; clean into new ones.\n")
    parts.append("## Summary\n\n- Look before you clean\n- Clean in code, not by hand\n- Keep a record of every change\n")
    return "\n".join(parts)
