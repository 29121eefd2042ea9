"""Spelling help: a query word the KB does not know → the nearest word it does know.

A run of Han characters in the query is *unknown* when one of its bigrams stands in no
clause (``Stats.unseen``). Its substrings (longest first) that are not KB words are
compared with the KB's vocabulary (``Stats.vocabulary``: the words of the clauses' texts
and headings), and a word is suggested when it differs in exactly one character and

* sounds the same (pypinyin, tones ignored, any reading of the typed character: 柏 is bai
  or bo): 宝应胡 → 宝应湖, 邵柏湖 → 邵伯湖, 扬尘治里 → 扬尘治理; or
* is four or more characters long (one wrong character in a long name is a slip of the
  pen or of the input method's shape code): 黑臭水休 → 黑臭水体.

Among candidates the longest substring wins, then same sound over same shape, then the
more frequent word. Nothing is suggested for a word with no such neighbour (网约车): the
query is searched as typed.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from kb.analysis import CJK_CHARS

SHAPE_MIN = 4  # a one-character difference without the same sound counts from this length
MAX_LEN = 8  # longest substring compared
_RUN_RE = re.compile(f"[{CJK_CHARS}]{{2,}}")


@dataclass(frozen=True)
class Correction:
    wrong: str
    right: str
    how: str  # "sound" (same pinyin) or "shape" (one character differs)


MAX_READINGS = 32  # combinations of readings tried for one substring
NEAR_MAX = 50_000  # remembered neighbour look-ups per index (cleared when full)


def _pinyin(text: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(text))


def _readings(text: str) -> list[tuple[str, ...]]:
    """Every toneless reading of ``text`` (柏 is bai or bo), at most ``MAX_READINGS``."""
    out: list[tuple[str, ...]] = [()]
    for c in text:
        out = [r + (o,) for r in out for o in _char_readings(c)][:MAX_READINGS]
    return out


@lru_cache(maxsize=16384)
def _char_readings(c: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    return tuple(dict.fromkeys(o for options in pinyin(c, style=Style.NORMAL, heteronym=True) for o in options))


class Speller:
    """Neighbour look-ups over one index's vocabulary, built on first use."""

    def __init__(self, stats):
        self.stats = stats
        self._lock = threading.Lock()
        self._sound: dict[tuple, list[str]] | None = None
        self._shape: dict[tuple[int, str], list[str]] = {}
        self._near: dict[str, list[Correction]] = {}  # neighbours already looked up
        self._corrected: dict[str, tuple] = {}  # texts already corrected

    def _build(self) -> None:
        sound: dict[tuple, list[str]] = {}
        shape: dict[tuple[int, str], list[str]] = {}
        for w in self.stats.vocabulary:
            if len(w) > MAX_LEN:
                continue
            sound.setdefault(_pinyin(w), []).append(w)
            if len(w) >= SHAPE_MIN:
                for i in range(len(w)):
                    shape.setdefault((i, w[:i] + w[i + 1:]), []).append(w)
        self._shape, self._sound = shape, sound

    def neighbours(self, sub: str) -> list[Correction]:
        """The KB words one character from ``sub``, nearest first (remembered: the index never changes)."""
        got = self._near.get(sub)
        if got is None:
            if len(self._near) >= NEAR_MAX:
                self._near.clear()
            got = self._near[sub] = self._neighbours(sub)
        return got

    def _neighbours(self, sub: str) -> list[Correction]:
        if self._sound is None:
            with self._lock:
                if self._sound is None:
                    self._build()
        vocab = self.stats.vocabulary
        out = []
        for reading in _readings(sub):
            for w in self._sound.get(reading, ()):
                if len(w) == len(sub) and sum(a != b for a, b in zip(w, sub)) == 1 and \
                        all(c.right != w for c in out):
                    out.append(Correction(sub, w, "sound"))
        if len(sub) >= SHAPE_MIN:
            for i in range(len(sub)):
                for w in self._shape.get((i, sub[:i] + sub[i + 1:]), ()):
                    if w != sub and all(c.right != w for c in out):
                        out.append(Correction(sub, w, "shape"))
        return sorted(out, key=lambda c: (c.how != "sound", -vocab.get(c.right, 0), c.right))

    def correct(self, text: str) -> tuple[str, list[Correction]]:
        """``text`` with its unknown words replaced by their nearest KB words, and the replacements
        (remembered per text: the index never changes)."""
        got = self._corrected.get(text)
        if got is None:
            if len(self._corrected) >= NEAR_MAX:
                self._corrected.clear()
            got = self._corrected[text] = self._correct(text)
        return got[0], list(got[1])

    def _correct(self, text: str) -> tuple[str, tuple[Correction, ...]]:
        vocab = self.stats.vocabulary
        found: list[tuple[int, int, Correction]] = []
        for m in _RUN_RE.finditer(text):
            run = m.group()
            if not self.stats.unseen(run):
                continue
            taken: list[tuple[int, int]] = []
            for n in range(min(len(run), MAX_LEN), 1, -1):
                for i in range(len(run) - n + 1):
                    sub = run[i:i + n]
                    if sub in vocab or any(i < e and s < i + n for s, e in taken) or not self.stats.unseen(sub):
                        continue
                    best = self.neighbours(sub)
                    if best:
                        taken.append((i, i + n))
                        found.append((m.start() + i, m.start() + i + n, best[0]))
        if not found:
            return text, ()
        out, pos = [], 0
        for s, e, c in sorted(found, key=lambda x: x[0]):
            out.append(text[pos:s] + c.right)
            pos = e
        out.append(text[pos:])
        return "".join(out), tuple(c for _, _, c in sorted(found, key=lambda x: x[0]))
