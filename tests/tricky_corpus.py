"""Documents that break naive slide layouts: long words and URLs, long lists and code, wide tables, scripts."""

from __future__ import annotations

URL = "https://example.com/" + "/".join(f"segment{i:02d}-with-a-long-name" for i in range(7)) + "?query=" + "x" * 40
LONG_WORD = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"

CODE_80 = "\n".join(
    [
        "import os",
        "",
        "class Reader:",
        '    """Reads things."""',
        "",
        "    def read(self, path):",
        "        return open(path).read()",
        "",
    ]
    + [f"def step_{i:02d}(value):\n    return value + {i}  # add {i}" for i in range(36)]
)

CORPUS: dict[str, str] = {
    "long_words.md": f"""
# {LONG_WORD} {LONG_WORD}

## {LONG_WORD} and a heading that goes on and on and on until it is far too long for a single line of any slide

{LONG_WORD} {LONG_WORD} {LONG_WORD}. Pneumonoultramicroscopicsilicovolcanoconiosis is a word, and so is
Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz.

- {LONG_WORD}
- Supercalifragilisticexpialidocious{"o" * 60}
""",
    "urls.md": f"""
# Links everywhere

## A URL in text

Read {URL} and then <{URL}> before lunch.

- {URL}
- see [the guide]({URL})

## {URL}

| Link | Note |
|------|------|
| {URL} | a very long link in a cell |
""",
    "long_list.md": "# Lists\n\n## Thirty items\n\n"
    + "\n".join(f"- Item {i}: something worth saying about item number {i}" + ("\n  - a nested point\n    - deeper still" if i % 7 == 0 else "") for i in range(30))
    + "\n\n## Thirty steps\n\n"
    + "\n".join(f"{i}. Do step {i} carefully and check the result" for i in range(1, 31))
    + "\n\n## One huge paragraph\n\n"
    + " ".join(f"Sentence {i} of a paragraph that never seems to end." for i in range(90))
    + "\n",
    "long_code.md": f"""
# Code

## Eighty lines

```python
{CODE_80}
```

## One very long line

```javascript
const data = {{{", ".join(f'"key{i}": "value number {i}"' for i in range(40))}}};
function load() {{ return data; }}
```
""",
    "wide_table.md": "# Tables\n\n## Ten columns\n\n"
    + "| " + " | ".join(f"Column {c} header" for c in range(10)) + " |\n"
    + "|" + "---|" * 10 + "\n"
    + "\n".join("| " + " | ".join(f"cell {r}.{c} with words" for c in range(10)) + " |" for r in range(4))
    + "\n\n## Forty rows\n\n| Name | Value | Comment |\n|---|---|---|\n"
    + "\n".join(f"| row {r} | {r * r} | a comment about row {r} that is a little long |" for r in range(40))
    + "\n",
    "cjk.md": """
---
lang: zh
---
# 光合作用是如何工作的

## 为什么重要

几乎所有陆地上的生物都依赖光合作用。植物制造我们呼吸的氧气，以及每条食物链底部的糖。这一段文字很长，必须在幻灯片上正确地换行，而不能超出安全区域。

## 日本語のリスト

- 光は葉緑素によって捕らえられます
- 水は根から吸い上げられます
- 二酸化炭素は葉から取り込まれます

## 表

| 名前 | 説明 |
|------|------|
| 光 | エネルギー源 |
| 水 | 原料 |
""",
    "arabic.md": """
---
lang: ar
---
# كيف يعمل التمثيل الضوئي

## لماذا هو مهم

تعتمد جميع الكائنات الحية تقريبا على التمثيل الضوئي. تصنع النباتات الأكسجين الذي نتنفسه والسكر في أسفل كل سلسلة غذائية، وهذه جملة طويلة يجب أن تلتف بشكل صحيح.

- الضوء يلتقطه الكلوروفيل
- الماء من الجذور

## עברית

שלום עולם, זהו משפט בעברית שצריך להיות מיושר לימין.

> العلم نور
> — مثل عربي
""",
    "emoji.md": """
# Emoji 🎉 everywhere 🚀

## Reactions 👍🏽

- Party 🎉🎊 time
- Family 👨‍👩‍👧‍👦 and flags 🇫🇷 🇯🇵
- Hearts ❤️ 💙 and check marks ✅ ✔
- Café, naïve, façade, Ångström, Øre, Łódź
""",
}

SPEC = """
title: Teaching kinds at their longest
scenes:
  - kind: learning_objectives
    title: Objectives
    items: [""" + ", ".join(f'"Objective number {i} that is stated in full"' for i in range(14)) + """]
  - kind: quiz
    title: A long quiz
    question: "Which of these options is the right one, given everything we have said so far about fitting text on slides?"
    options:
      - "The first option, which is quite long and goes on for a while before it ends"
      - "The second option, also long, with a URL """ + URL + """"
      - "The third option"
      - "The fourth option, which is right"
    answer: D
    explanation: "Because the fourth option is right, as the quiz said."
  - kind: checkpoint
    title: Checkpoint
    items: [""" + ", ".join(f'"Topic {i}"' for i in range(12)) + """]
    review: ["What did topic 1 say?", "Why does topic 2 matter?", "How do topics 3 and 4 relate?"]
    next: ["Topic 13", "Topic 14"]
  - kind: code_comparison
    title: Refactoring
    language: python
    before: |
""" + "\n".join(f"      x{i} = compute({i}, {i + 1}, {i + 2})  # the old way of doing things" for i in range(30)) + """
    after: |
      xs = [compute(i, i + 1, i + 2) for i in range(30)]
  - kind: exercise
    title: Try it
    difficulty: hard
    minutes: 15
    body: ["Write a function that lays out text on a slide without overflowing."]
    items: [""" + ", ".join(f'"Task {i}: handle case {i}"' for i in range(16)) + """]
"""
