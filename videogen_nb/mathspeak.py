"""TeX math (``$x^2$``, ``$$\\frac{a}{b}$$``) for the ear and for a line of slide text.

``speak_math("x^2 + \\alpha_i")`` -> ``"x squared plus alpha sub i"``; ``math_text`` gives
``"x² + αᵢ"`` for inline math inside a paragraph (display math is drawn with matplotlib's
mathtext by the render layer). Only the TeX that documents use in formulas is known; an
unknown command is read by its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip
# command -> (spoken, written)
SYMBOLS = {
    "times": ("times", "×"), "cdot": ("times", "·"), "pm": ("plus or minus", "±"), "mp": ("minus or plus", "∓"),
    "div": ("divided by", "÷"), "le": ("is at most", "≤"), "leq": ("is at most", "≤"), "ge": ("is at least", "≥"),
    "geq": ("is at least", "≥"), "ne": ("is not equal to", "≠"), "neq": ("is not equal to", "≠"),
    "approx": ("is approximately", "≈"), "equiv": ("is equivalent to", "≡"), "sim": ("is similar to", "∼"),
    "to": ("to", "→"), "rightarrow": ("to", "→"), "leftarrow": ("from", "←"), "Rightarrow": ("implies", "⇒"),
    "implies": ("implies", "⇒"), "iff": ("if and only if", "⇔"), "infty": ("infinity", "∞"), "in": ("in", "∈"),
    "notin": ("not in", "∉"), "subset": ("subset of", "⊂"), "subseteq": ("subset of", "⊆"), "cup": ("union", "∪"),
    "cap": ("intersection", "∩"), "partial": ("partial", "∂"), "nabla": ("nabla", "∇"), "forall": ("for all", "∀"),
    "exists": ("there exists", "∃"), "ldots": ("and so on", "…"), "dots": ("and so on", "…"),
    "cdots": ("and so on", "⋯"), "circ": ("composed with", "∘"), "propto": ("is proportional to", "∝"),
    "sin": ("sine", "sin"), "cos": ("cosine", "cos"), "tan": ("tangent", "tan"), "log": ("log", "log"),
    "ln": ("natural log", "ln"), "exp": ("exp", "exp"), "max": ("max", "max"), "min": ("min", "min"),
    "det": ("determinant", "det"), "mid": ("given", "|"), "neg": ("not", "¬"), "land": ("and", "∧"),
    "lor": ("or", "∨"), "ell": ("l", "ℓ"), "hbar": ("h bar", "ħ"), "degree": ("degrees", "°"),
}  # fmt: skip
BIG = {"sum": ("the sum", "∑"), "prod": ("the product", "∏"), "int": ("the integral", "∫"), "oint": ("the integral", "∮"),
       "lim": ("the limit", "lim")}  # fmt: skip
CHARS = {"=": ("equals", "="), "+": ("plus", "+"), "-": ("minus", "−"), "<": ("is less than", "<"),
         ">": ("is greater than", ">"), "/": ("over", "/"), "*": ("times", "·"), "!": ("factorial", "!"),
         ",": (",", ","), "'": ("prime", "′")}  # fmt: skip
STYLE = {"mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathbb", "boldsymbol", "text", "textrm",
         "textbf", "operatorname", "mbox", "bm", "vec", "hat", "bar", "tilde", "overline", "dot", "ddot"}  # fmt: skip
DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "limits", "nolimits", ",", ";", ":", "!",
        "quad", "qquad", "label", "nonumber", "notag", "\\", "tag", "begin", "end"}  # fmt: skip
SUPER = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
SUB = str.maketrans("0123456789+-=()aeioxjk", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢₒₓⱼₖ")


@dataclass
class _Cmd:
    name: str
    args: list["_Seq"] = field(default_factory=list)
    opt: Optional["_Seq"] = None


@dataclass
class _Atom:
    base: Union[str, _Cmd, "_Seq"]
    sup: Optional["_Seq"] = None
    sub: Optional["_Seq"] = None


_Seq = list  # a list of _Atom

_ARITY = {"frac": 2, "dfrac": 2, "tfrac": 2, "binom": 2, "sqrt": 1, **{s: 1 for s in STYLE}}


def _tokens(tex: str) -> list[str]:
    out, i = [], 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            j = i + 1
            while j < len(tex) and tex[j].isalpha():
                j += 1
            if j == i + 1:
                j = min(len(tex), i + 2)  # \, \{ \\ ...
            out.append(tex[i:j])
            i = j
        elif c.isdigit() or c == ".":
            j = i
            while j < len(tex) and (tex[j].isdigit() or (tex[j] == "." and j + 1 < len(tex) and tex[j + 1].isdigit())):
                j += 1
            out.append(tex[i : max(j, i + 1)])
            i = max(j, i + 1)
        elif c.isspace() or c == "&":
            i += 1
        else:
            out.append(c)
            i += 1
    return out


class _Parser:
    def __init__(self, tex: str) -> None:
        self.toks = _tokens(tex)
        self.i = 0

    def peek(self) -> Optional[str]:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Optional[str]:
        t = self.peek()
        self.i += 1
        return t

    def seq(self, stop: Optional[str] = None) -> list[_Atom]:
        atoms: list[_Atom] = []
        while self.peek() is not None and self.peek() != stop:
            t = self.take()
            if t in ("^", "_"):
                arg = self.arg()
                if not atoms:
                    atoms.append(_Atom(""))
                if t == "^":
                    atoms[-1].sup = arg
                else:
                    atoms[-1].sub = arg
                continue
            atom = self.atom(t)
            if atom is not None:
                atoms.append(atom)
        if stop is not None:
            self.take()
        return atoms

    def arg(self) -> list[_Atom]:
        t = self.take()
        if t is None:
            return []
        if t == "{":
            return self.seq("}")
        atom = self.atom(t)
        return [atom] if atom is not None else []

    def atom(self, t: str) -> Optional[_Atom]:
        if t == "{":
            return _Atom(self.seq("}"))
        if t.startswith("\\") and len(t) > 1:
            name = t[1:]
            if name in ("begin", "end"):
                self.arg()  # the environment's name
                return None
            if name in DROP:
                return None
            cmd = _Cmd(name)
            if name == "sqrt" and self.peek() == "[":
                self.take()
                cmd.opt = self.seq("]")
            for _ in range(_ARITY.get(name, 0)):
                cmd.args.append(self.arg())
            return _Atom(cmd)
        if t == "}":
            return None
        return _Atom(t)


# --- speech ------------------------------------------------------------------------------


def _simple(seq: list[_Atom]) -> bool:
    return len(seq) == 1 and isinstance(seq[0].base, str) and seq[0].sup is None and seq[0].sub is None


def _say_seq(seq: list[_Atom]) -> str:
    return " ".join(w for w in (_say_atom(a) for a in seq) if w)


def _power(sup: list[_Atom]) -> str:
    text = _say_seq(sup)
    if text == "2":
        return "squared"
    if text == "3":
        return "cubed"
    if text in ("prime", "′"):
        return "prime"
    return f"to the power of {text}" if _simple(sup) else f"to the power of {text}, end of power"


def _say_base(base) -> str:
    if isinstance(base, list):
        return _say_seq(base)
    if isinstance(base, _Cmd):
        n, a = base.name, base.args
        if n in ("frac", "dfrac", "tfrac"):
            top, bottom = _say_seq(a[0]), _say_seq(a[1])
            return f"{top} over {bottom}" if _simple(a[0]) and _simple(a[1]) else f"the fraction {top} over {bottom}, end of fraction"
        if n == "binom":
            return f"{_say_seq(a[0])} choose {_say_seq(a[1])}"
        if n == "sqrt":
            root = f"the {_say_seq(base.opt)}th root of" if base.opt else "the square root of"
            return f"{root} {_say_seq(a[0])}"
        if n in STYLE:
            return _say_seq(a[0]) if a else ""
        if n in GREEK:
            return n.lower() if n[0].islower() else f"capital {n.lower()}"
        if n in SYMBOLS:
            return SYMBOLS[n][0]
        if n in BIG:
            return BIG[n][0]
        if n in ("{", "}"):
            return ""
        return n
    if base in CHARS:
        return CHARS[base][0]
    if base in "()[]|":
        return ""
    return base


def _say_atom(atom: _Atom) -> str:
    base = atom.base
    if isinstance(base, _Cmd) and base.name in BIG:
        words = BIG[base.name][0]
        if base.name == "lim" and atom.sub:
            return f"{words} as {_say_seq(atom.sub)} of".replace(" to ", " goes to ")
        lo = f" from {_say_seq(atom.sub)}" if atom.sub else ""
        hi = f" to {_say_seq(atom.sup)}" if atom.sup else ""
        return f"{words}{lo}{hi} of"
    text = _say_base(base)
    if atom.sub:
        text += f" sub {_say_seq(atom.sub)}"
    if atom.sup:
        text += " " + _power(atom.sup)
    return text.strip()


def speak_math(tex: str) -> str:
    """The formula as words a speech engine reads well."""
    words = _say_seq(_Parser(tex).seq())
    return " ".join(words.replace(" ,", ",").split())


# --- slide text ---------------------------------------------------------------------------


def _write_seq(seq: list[_Atom]) -> str:
    return "".join(_write_atom(a) for a in seq)


def _script(seq: list[_Atom], table: dict, mark: str) -> str:
    text = "".join(_write_seq(seq).split())
    if text and all(ord(c) in table for c in text):
        return text.translate(table)
    return f"{mark}({text})" if len(text) > 1 else f"{mark}{text}"


def _write_base(base) -> str:
    if isinstance(base, list):
        return _write_seq(base)
    if isinstance(base, _Cmd):
        n, a = base.name, base.args
        if n in ("frac", "dfrac", "tfrac"):
            top, bottom = _write_seq(a[0]), _write_seq(a[1])
            wrap = lambda s, seq: s if _simple(seq) else f"({s})"  # noqa: E731
            return f"{wrap(top, a[0])}/{wrap(bottom, a[1])}"
        if n == "binom":
            return f"C({_write_seq(a[0])}, {_write_seq(a[1])})"
        if n == "sqrt":
            inner = _write_seq(a[0])
            return ("∛" if base.opt and _write_seq(base.opt) == "3" else "√") + (inner if _simple(a[0]) else f"({inner})")
        if n in STYLE:
            return _write_seq(a[0]) if a else ""
        if n in GREEK:
            return GREEK[n]
        if n in SYMBOLS:
            s = SYMBOLS[n][1]
            if s.isalpha() and len(s) > 1:  # sin, log: a function name is followed by a space
                return s + " "
            return f" {s} " if n in ("le", "leq", "ge", "geq", "ne", "neq", "approx", "equiv", "to", "rightarrow", "in", "implies", "iff", "times", "pm") else s
        if n in BIG:
            return BIG[n][1]
        if n in ("{", "}"):
            return n[-1]
        return n
    if base in ("=", "+", "<", ">"):
        return f" {base} "
    if base == "-":
        return " − "
    return base


def _write_atom(atom: _Atom) -> str:
    text = _write_base(atom.base)
    if atom.sub:
        text += _script(atom.sub, SUB, "_")
    if atom.sup:
        text += _script(atom.sup, SUPER, "^")
    return text


def math_text(tex: str) -> str:
    """The formula as one line of Unicode text (for inline math in a paragraph)."""
    text = _write_seq(_Parser(tex).seq())
    return " ".join(text.split()).replace("( ", "(").replace(" )", ")")


# --- inline math inside a paragraph's text -------------------------------------------------------

#: inline math is kept in a paragraph's text between two of these (an invisible separator, never typed),
#: so the slide can write it and the narration can say it
MARK = "\u2063"


def mark_math(tex: str) -> str:
    """Inline math as it is kept in text."""
    return f"{MARK}{tex.replace(MARK, '')}{MARK}"


def _replace(text: str, fn) -> str:
    if MARK not in text:
        return text
    parts = text.split(MARK)
    return "".join(fn(p) if k % 2 else p for k, p in enumerate(parts))


def written_math(text: str) -> str:
    """``text`` with its inline math written as Unicode (for a slide)."""
    return _replace(text, math_text)


def spoken_math(text: str) -> str:
    """``text`` with its inline math in words (for the narration)."""
    return _replace(text, speak_math)
