"""Spoken forms: how the written words of a narration are said, per language.

Slides and subtitles keep what the author wrote ("300M downloads/week", "127.0.0.1:8000", "%PATH%",
"main.rs"); the voice is given what a person would say ("three hundred million downloads per week",
"localhost, port 8000", "PATH", "main dot R S"). Each rule is a regular expression over one narration
and a function giving the words to say; :func:`spoken_rewrites` lists the replacements, and
:mod:`videogen_nb.pronounce` applies them keeping track of which written word each spoken one came
from, so subtitles stay timed to the written words. Numbers become words with num2words in the
narration's language; emoji are never spoken.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

#: words each language needs for the rules (English is the fallback for a language not listed)
WORDS: dict[str, dict[str, str]] = {
    "en": {"dot": "dot", "slash": "slash", "port": "port", "link": "the link on screen", "percent": "percent",
           "per": "per", "plusminus": "plus or minus", "to": "to", "ge": "greater than or equal to",
           "le": "less than or equal to", "ne": "not equal to", "times": "times", "about": "about",
           "thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion",
           "newline": "newline", "dash": "dash", "and": "and", "version": "version",
           "eg": "for example", "ie": "that is", "etc": "and so on", "vs": "versus"},
    "de": {"dot": "Punkt", "slash": "Schrägstrich", "port": "Port", "link": "der Link auf dem Bildschirm",
           "percent": "Prozent", "per": "pro", "plusminus": "plus minus", "to": "zu", "ge": "größer oder gleich",
           "le": "kleiner oder gleich", "ne": "ungleich", "times": "mal", "about": "etwa", "thousand": "tausend",
           "million": "Millionen", "billion": "Milliarden", "trillion": "Billionen", "newline": "Zeilenumbruch",
           "dash": "Strich", "and": "und", "version": "Version", "eg": "zum Beispiel", "ie": "das heißt",
           "etc": "und so weiter", "vs": "gegen"},
    "es": {"dot": "punto", "slash": "barra", "port": "puerto", "link": "el enlace en pantalla",
           "percent": "por ciento", "per": "por", "plusminus": "más o menos", "to": "a", "ge": "mayor o igual que",
           "le": "menor o igual que", "ne": "distinto de", "times": "por", "about": "unos", "thousand": "mil",
           "million": "millones", "billion": "mil millones", "trillion": "billones", "newline": "salto de línea",
           "dash": "guion", "and": "y", "version": "versión", "eg": "por ejemplo", "ie": "es decir",
           "etc": "etcétera", "vs": "contra"},
    "fr": {"dot": "point", "slash": "barre oblique", "port": "port", "link": "le lien à l'écran",
           "percent": "pour cent", "per": "par", "plusminus": "plus ou moins", "to": "vers",
           "ge": "supérieur ou égal à", "le": "inférieur ou égal à", "ne": "différent de", "times": "fois",
           "about": "environ", "thousand": "mille", "million": "millions", "billion": "milliards",
           "trillion": "billions", "newline": "saut de ligne", "dash": "tiret", "and": "et", "version": "version",
           "eg": "par exemple", "ie": "c'est-à-dire", "etc": "et cetera", "vs": "contre"},
    "ru": {"dot": "точка", "slash": "слэш", "port": "порт", "link": "ссылка на экране", "percent": "процентов",
           "per": "в", "plusminus": "плюс-минус", "to": "в", "ge": "больше или равно", "le": "меньше или равно",
           "ne": "не равно", "times": "на", "about": "около", "thousand": "тысяч", "million": "миллионов",
           "billion": "миллиардов", "trillion": "триллионов", "newline": "перевод строки", "dash": "дефис",
           "and": "и", "version": "версия", "eg": "например", "ie": "то есть", "etc": "и так далее", "vs": "против"},
    "zh": {"dot": "点", "slash": "斜杠", "port": "端口", "link": "屏幕上的链接", "percent": "百分之", "per": "每",
           "plusminus": "正负", "to": "到", "ge": "大于等于", "le": "小于等于", "ne": "不等于", "times": "乘",
           "about": "大约", "thousand": "千", "million": "百万", "billion": "十亿", "trillion": "万亿",
           "newline": "换行", "dash": "横线", "and": "和", "version": "版本", "eg": "例如", "ie": "即",
           "etc": "等等", "vs": "对"},
    "fa": {"dot": "نقطه", "slash": "اسلش", "port": "پورت", "link": "پیوند روی صفحه", "percent": "درصد",
           "per": "در", "plusminus": "مثبت منفی", "to": "به", "ge": "بزرگتر یا مساوی", "le": "کوچکتر یا مساوی",
           "ne": "نامساوی", "times": "ضرب در", "about": "حدود", "thousand": "هزار", "million": "میلیون",
           "billion": "میلیارد", "trillion": "تریلیون", "newline": "خط جدید", "dash": "خط تیره", "and": "و",
           "version": "نسخه", "eg": "برای مثال", "ie": "یعنی", "etc": "و غیره", "vs": "در برابر"},
    "ar": {"dot": "نقطة", "slash": "شرطة مائلة", "port": "منفذ", "link": "الرابط على الشاشة", "percent": "بالمئة",
           "per": "في", "plusminus": "زائد أو ناقص", "to": "إلى", "ge": "أكبر من أو يساوي",
           "le": "أصغر من أو يساوي", "ne": "لا يساوي", "times": "ضرب", "about": "حوالي", "thousand": "ألف",
           "million": "مليون", "billion": "مليار", "trillion": "تريليون", "newline": "سطر جديد", "dash": "شرطة",
           "and": "و", "version": "الإصدار", "eg": "على سبيل المثال", "ie": "أي", "etc": "إلخ", "vs": "مقابل"},
}  # fmt: skip
#: units after a number, per language ({singular, plural} in English; the same word elsewhere)
UNITS_EN = {
    "KB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "KiB": ("kibibyte", "kibibytes"), "MiB": ("mebibyte", "mebibytes"),
    "GiB": ("gibibyte", "gibibytes"), "ms": ("millisecond", "milliseconds"), "s": ("second", "seconds"),
    "min": ("minute", "minutes"), "h": ("hour", "hours"), "px": ("pixel", "pixels"), "km": ("kilometre", "kilometres"),
    "kg": ("kilogram", "kilograms"), "cm": ("centimetre", "centimetres"), "mm": ("millimetre", "millimetres"),
    "GHz": ("gigahertz", "gigahertz"), "MHz": ("megahertz", "megahertz"), "fps": ("frame a second", "frames a second"),
}  # fmt: skip
PER_EN = {"s": "second", "sec": "second", "min": "minute", "h": "hour", "hr": "hour", "day": "day", "d": "day",
          "week": "week", "wk": "week", "month": "month", "mo": "month", "year": "year", "yr": "year"}  # fmt: skip
# file extensions said letter by letter, or as the word people use
EXTENSIONS = {"rs": "R S", "py": "P Y", "md": "M D", "js": "J S", "ts": "T S", "jsx": "J S X", "tsx": "T S X",
              "sh": "S H", "rb": "R B", "go": "go", "c": "C", "h": "H", "cpp": "C P P", "json": "JSON",
              "toml": "toml", "yaml": "yaml", "yml": "yaml", "txt": "text", "html": "HTML", "css": "CSS",
              "xml": "XML", "csv": "CSV", "cfg": "config", "ini": "I N I", "lock": "lock", "ipynb": "I P Y N B",
              "png": "PNG", "jpg": "JPEG", "svg": "SVG", "pdf": "PDF", "zip": "zip", "exe": "exe", "whl": "wheel",
              "mdx": "M D X", "env": "env", "log": "log", "sql": "SQL", "java": "java", "kt": "K T"}  # fmt: skip
SHORT_URL = 32  # characters (without the scheme) a link may have and still be read out


def words_for(lang: Optional[str]) -> dict[str, str]:
    """The rule words of ``lang`` (its base language: "de-AT" -> "de"); English for others."""
    base = (lang or "en").lower().replace("_", "-").split("-")[0]
    return WORDS.get(base, WORDS["en"])


@lru_cache(maxsize=4096)
def number_words(number: str, lang: Optional[str]) -> str:
    """``"300"`` -> ``"three hundred"`` with num2words in ``lang``; the number as written if num2words cannot."""
    base = (lang or "en").lower().replace("-", "_").split("_")[0]
    try:
        from num2words import num2words

        value: float | int = float(number) if "." in number else int(number.replace(",", ""))
        return num2words(value, lang=base)
    except (ImportError, NotImplementedError, ValueError, OverflowError, TypeError):
        return number


def is_emoji(ch: str) -> bool:
    """Pictographs, dingbats and their modifiers: drawn on slides, never spoken."""
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF or 0x1F1E6 <= cp <= 0x1F1FF
        or cp in (0x200D, 0x20E3, 0xFE0F, 0xFE0E, 0x2122, 0x00A9, 0x00AE, 0x2139, 0x231A, 0x231B, 0x23F0, 0x23F3)
        or 0xE0020 <= cp <= 0xE007F or 0x2300 <= cp <= 0x23FF and unicodedata.category(ch) == "So"
    )  # fmt: skip


def strip_emoji(text: str) -> str:
    """``text`` without emoji (a keycap's digit stays) and without the spaces they leave."""
    out = "".join(" " if is_emoji(ch) else ch for ch in text)
    return " ".join(out.split()) if out != text else text


# --- the rules ----------------------------------------------------------------------------------------

Rule = tuple[re.Pattern[str], Callable[[re.Match[str], dict[str, str], Optional[str]], str]]

_HOST = r"(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})"
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>]*[^\s<>.,;:!?)\]'\"]|\b(?:localhost|\d{1,3}(?:\.\d{1,3}){3}):\d{2,5}(?:/[^\s<>]*[^\s<>.,;:!?)\]'\"])?",
    re.IGNORECASE,
)


def _say_url(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    url = m.group(0)
    rest = re.sub(r"^(?:https?|ftp)://", "", url, flags=re.IGNORECASE)
    host, _, path = rest.partition("/")
    host, _, port = host.partition(":")
    path = path.strip("/")
    local = host.lower() in ("localhost", "127.0.0.1", "0.0.0.0")
    if "?" in rest or "#" in rest or "@" in host or (len(rest) > SHORT_URL and not local) or path.count("/") > 1:
        return w["link"]
    if local:
        said = "localhost"
    else:
        said = f" {w['dot']} ".join(host.removeprefix("www.").split("."))
    if port:
        said += f", {w['port']} {port}"
    if path:
        said += f" {w['slash']} " + f" {w['slash']} ".join(p.replace("-", " ").replace("_", " ") for p in path.split("/"))
    return said


def _magnitude(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    word = {"k": "thousand", "K": "thousand", "M": "million", "B": "billion", "T": "trillion"}[m.group(2)]
    return f"{number_words(m.group(1), lang)} {w[word]}"


def _unit(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    number, unit = m.group(1), m.group(2)
    base = (lang or "en").split("-")[0]
    if base != "en":
        return f"{number_words(number, lang)} {unit}"  # units stay as written outside English: the voice knows them
    one, many = UNITS_EN[unit]
    return f"{number_words(number, lang)} {one if number in ('1', '1.0') else many}"


def _percent(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    number = number_words(m.group(1), lang)
    base = (lang or "en").split("-")[0]
    return f"{w['percent']}{number}" if base == "zh" else f"{number} {w['percent']}"


def _per(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    unit = m.group(1)
    return f" {w['per']} {PER_EN.get(unit.lower(), unit) if (lang or 'en').startswith('en') else unit}"


def _version(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    parts = m.group(1).split(".")
    return f" {w['dot']} ".join(number_words(p, lang) for p in parts)


def _file(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    name, ext = m.group(1), m.group(2)
    said_name = name.replace("_", " ").replace("-", " ").strip()
    return f"{said_name} {w['dot']} {EXTENSIONS.get(ext.lower(), ext)}".strip()


def _dotfile(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    return f"{w['dot']} {m.group(1)}"


def _envvar(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    return next(g for g in m.groups() if g)


def _dotted(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    return f" {w['dot']} ".join(p.replace("_", " ") for p in m.group(0).split("."))


def _path(m: re.Match[str], w: dict[str, str], lang: Optional[str]) -> str:
    parts = [p for p in m.group(0).split("/") if p not in ("", ".")]
    return f" {w['slash']} ".join(p.replace("_", " ") for p in parts)


def _word(key: str) -> Callable[[re.Match[str], dict[str, str], Optional[str]], str]:
    return lambda m, w, lang: f" {w[key]} "


_EXT = "|".join(sorted(EXTENSIONS, key=len, reverse=True))
RULES: list[Rule] = [
    (_URL, _say_url),
    (re.compile(r"(?<![\w.])v?(\d+(?:\.\d+){2,})(?![\w.]*\w)"), _version),  # 0.1.0, v1.2.3
    (re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)([kKMBT])(?![\w])"), _magnitude),  # 300M, 2.5k
    (re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(" + "|".join(sorted(UNITS_EN, key=len, reverse=True)) + r")(?![\w])"), _unit),
    (re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?%"), _percent),
    (re.compile(r"(?<=[\w)])\s?/\s?(second|sec|s|minute|min|hour|hr|h|day|d|week|wk|month|mo|year|yr)\b", re.IGNORECASE), _per),
    (re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)%|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|(?<![\w$])\$([A-Z_][A-Z0-9_]*)\b"), _envvar),
    (re.compile(r"(?<![\w./])\.?/?(?:[\w-]+/)+[\w.-]*[\w]"), _path),  # ./target/debug/hello_world, src/main.rs
    (re.compile(rf"(?<![\w/.])([\w-]+)\.({_EXT})\b"), _file),  # main.rs, Cargo.toml
    (re.compile(r"(?<![\w.])\.([a-z][\w-]*)\b"), _dotfile),  # .netrc, .env
    (re.compile(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\b(?=\(|\s|$|[,;:!?]|\.(?:\s|$))"), _dotted),  # httpx.get, r.iter_bytes
    (re.compile(r"\\n"), _word("newline")),
    (re.compile(r"(?<!\S)--(?=[a-z])"), lambda m, w, lang: f"{w['dash']} {w['dash']} "),
    (re.compile("\u00b1"), _word("plusminus")),
    (re.compile("[\u2192\u27f6\u21d2]|(?<=\\s)->(?=\\s)"), _word("to")),
    (re.compile("\u2265|(?<=\\s)>=(?=\\s)"), _word("ge")),
    (re.compile("\u2264|(?<=\\s)<=(?=\\s)"), _word("le")),
    (re.compile("\u2260|(?<=\\s)!=(?=\\s)"), _word("ne")),
    (re.compile(r"(?<=\d)\s?[x\u00d7]\s?(?=\d)"), _word("times")),
    (re.compile(r"(?<!\S)~(?=\d)"), lambda m, w, lang: f"{w['about']} "),
    (re.compile(r"(?<!\S)&(?!\S)"), _word("and")),
    (re.compile(r"\be\.g\.(?=\s|,|$)", re.IGNORECASE), _word("eg")),
    (re.compile(r"\bi\.e\.(?=\s|,|$)", re.IGNORECASE), _word("ie")),
    (re.compile(r"\betc\.(?=\s|,|$)"), _word("etc")),
    (re.compile(r"\bvs\.?(?=\s)"), _word("vs")),
    (re.compile(r"\b([a-z]+)_([a-z_]+)\b"), lambda m, w, lang: m.group(0).replace("_", " ")),  # hello_world
]


@dataclass(frozen=True)
class Rewrite:
    """Say ``text`` for the written characters ``start``..``end`` of a narration."""

    start: int
    end: int
    text: str


def _foreign(ch: str, lang: Optional[str]) -> bool:
    """A letter of a script the voice of ``lang`` does not read (it would spell it out: "Chinese letter")."""
    if not ch.isalpha() or ord(ch) < 0x250:
        return False
    name = unicodedata.name(ch, "")
    base = (lang or "en").split("-")[0].lower()
    scripts = {
        "zh": ("CJK",), "ja": ("CJK", "HIRAGANA", "KATAKANA"), "ko": ("HANGUL", "CJK"), "fa": ("ARABIC",),
        "ar": ("ARABIC",), "ur": ("ARABIC",), "he": ("HEBREW",), "ru": ("CYRILLIC",), "uk": ("CYRILLIC",),
        "bg": ("CYRILLIC",), "el": ("GREEK",), "hi": ("DEVANAGARI",), "th": ("THAI",),
    }.get(base, ("LATIN",))  # fmt: skip
    return not name.startswith(scripts + ("LATIN", "FULLWIDTH", "HALFWIDTH"))


def spoken_rewrites(narration: str, lang: Optional[str] = None) -> list[Rewrite]:
    """What to say instead of parts of ``narration`` in ``lang``: emoji and letters of scripts the voice cannot
    read say nothing; URLs, numbers with units, symbols, variables and file names say what a person would."""
    w = words_for(lang)
    taken = [False] * len(narration)
    out: list[Rewrite] = []
    for k, ch in enumerate(narration):
        if is_emoji(ch) or _foreign(ch, lang):
            out.append(Rewrite(k, k + 1, ""))
            taken[k] = True
    for pattern, say in RULES:
        for m in pattern.finditer(narration):
            if any(taken[m.start() : m.end()]) or m.end() == m.start():
                continue
            text = say(m, w, lang)
            if text == m.group(0):
                continue
            out.append(Rewrite(m.start(), m.end(), text))
            for k in range(m.start(), m.end()):
                taken[k] = True
    return sorted(out, key=lambda r: r.start)


def speech_of(narration: str, lang: Optional[str] = None) -> str:
    """The text a voice is given for ``narration`` (the rewrites applied), for a look at what will be said."""
    parts, last = [], 0
    for r in spoken_rewrites(narration, lang):
        parts += [narration[last : r.start], r.text]
        last = r.end
    parts.append(narration[last:])
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join("".join(parts).split()))
