"""Chinese text analysis for search: one module for the index and the query side.

Keep this module at this import path: Whoosh pickles the analyzers below into
the index schema, so an index built today must be able to import
``kb.analysis.WordTokenizer`` and ``kb.analysis.BigramTokenizer`` tomorrow.

Two token streams are made from the same text:

* **words** (``word_tokens``): jieba's segmentation with our user dictionary
  (``kb/data/userdict.txt``, then the bodies' names of ``kb/data/departments.yaml``,
  ``search.words``). Tokens carry *word positions* 0, 1, 2 … (so
  phrase queries work; the stock ``jieba.analyse.ChineseAnalyzer`` stores
  character offsets as positions and breaks them) and exact character
  offsets. Punctuation takes no position.
* **bigrams** (``bigram_tokens``): overlapping CJK character bigrams, like
  Elasticsearch's ``cjk_bigram``, so any substring of two or more characters
  can be found (邵伯湖 in 高宝邵伯湖, names the dictionary does not know);
  non-CJK words stay whole (``pm2.5``, ``1172.77``). At index time every
  character is also emitted, at the position of a bigram it belongs to, so a
  one-character query still matches.

Separators: *soft* ones (spaces, 、, dashes, middle dots, quotes “”《》) join
what is on either side — bigrams run across them, so 无废城市建设 finds
“无废城市”建设 and 蜀冈瘦西湖 finds 蜀冈—瘦西湖. *Hard* ones (，。；：（） …, line
breaks) leave a position gap at index time, so no phrase runs across them.
In queries every separator is soft.

Both streams work on ``fold(text)``: full-width ASCII becomes half-width and
letters become lower case, one character for one character, so every offset
into the folded text is an offset into the original text.
"""

from __future__ import annotations

import itertools
import logging
import math
import operator
import os
import re
import tempfile
import threading
from importlib import resources
from typing import Iterator, NamedTuple

from whoosh.analysis import Token, Tokenizer

from kb import names

# jieba's HMM guesses new words from runs of single characters; its guesses
# depend on the surrounding text, so a query and the clause it should find can
# be cut differently. The bigram field finds unknown words instead.
USE_HMM = False

# Han characters (CJK unified ideographs, extension A, compatibility) and 〇.
CJK_CHARS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK_CHARS}]")
# A run of CJK characters, or a non-CJK word: letters/digits joined by . % + # -
# (pm2.5, 1172.77, 1+n, co2). Everything else separates tokens.
_ALNUM = rf"(?:(?![{CJK_CHARS}])[^\W_])"
RUN_RE = re.compile(rf"(?P<cjk>[{CJK_CHARS}]+)|(?P<word>{_ALNUM}+(?:[.%+#\-]{_ALNUM}+)*)")
# Joiners inside names that jieba splits at (蜀冈—瘦西湖): the user dictionary
# may spell them with any of these.
JOINERS = "—–－‐-·・"
JOINER = "—"  # the one spelling tokens use
_JOINER_RE = re.compile(f"[{re.escape(JOINERS)}]")

# Separators that join (see the module docstring); anything else that is not
# a letter, digit or Han character is a hard separator.
SOFT = " \t\u00a0、" + JOINERS + "“”‘’\"'「」『』《》〈〉"

DATA = resources.files("kb") / "data"
USERDICT = "userdict.txt"


# ---------------------------------------------------------------------------
# Folding (length-preserving)
# ---------------------------------------------------------------------------

def _fold_table() -> dict[int, int]:
    table = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}  # ！…～ → ! … ~
    table[0x3000] = ord(" ")
    for c in range(0x41, 0x5B):
        table[c] = c + 0x20
    for c in range(0xFF21, 0xFF3B):  # Ａ-Ｚ → a-z directly
        table[c] = c - 0xFEE0 + 0x20
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Full-width → half-width, upper → lower case; always the same length as ``text``."""
    out = text.translate(_FOLD)
    if out.isascii():
        return out
    # Fast path: lower-casing the whole string in C equals lower-casing each character when no
    # character changes length ('İ' → 'i̇') and no Σ is present (the one context-dependent
    # rule Python applies: final sigma). Per character it was a fifth of a search's time.
    if "\u03a3" not in out:
        low = out.lower()
        if len(low) == len(out):
            return low
    # Other scripts: lower-case only where it keeps one character (not 'İ' → 'i̇').
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in out)


# ---------------------------------------------------------------------------
# jieba: one private tokenizer per process
# ---------------------------------------------------------------------------

def cache_dir() -> str:
    """A folder this user can write, for jieba's prefix-dictionary cache.

    jieba writes its cache with mode 0600; a shared ``/tmp/jieba.cache`` made
    by another user cannot be read and would be rebuilt on every start.
    """
    candidates = [os.environ.get("POLICYKB_CACHE"),
                  os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "policykb"),
                  os.path.join(tempfile.gettempdir(), f"policykb-{os.getuid() if hasattr(os, 'getuid') else 'user'}")]
    for c in candidates:
        if not c:
            continue
        try:
            os.makedirs(c, exist_ok=True)
            if os.access(c, os.W_OK | os.X_OK):
                return c
        except OSError:
            continue
    return tempfile.mkdtemp(prefix="policykb-jieba-")


def read_userdict(text: str) -> list[tuple[str, int | None, str | None]]:
    """Parse jieba user-dictionary lines ``word [freq] [tag]``; ``#`` starts a comment."""
    entries = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        for p in parts[1:]:
            if p.isdigit():
                freq = int(p)
            else:
                tag = p
        entries.append((fold(word), freq, tag))
    return entries


class _Jieba:
    """A ``jieba.Tokenizer`` with our user dictionary, loaded once per process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tk = None
        self._joined_re: re.Pattern | None = None
        self.joined: tuple[str, ...] = ()  # entries like 蜀冈—瘦西湖 that jieba cannot keep whole

    def get(self):
        if self._tk is None:
            with self._lock:
                if self._tk is None:
                    self._load()
        return self._tk

    def _load(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.tmp_dir = cache_dir()
        tk.initialize()
        joined = []
        bodies = [(fold(w), None, "nt") for w in names.load().search_words]  # departments.yaml
        for word, freq, tag in read_userdict((DATA / USERDICT).read_text(encoding="utf-8")) + bodies:
            if _JOINER_RE.search(word):
                joined.append(_JOINER_RE.sub(JOINER, word))
            else:
                tk.add_word(word, freq, tag)
        self.joined = tuple(joined)
        if joined:
            # 蜀冈—瘦西湖 also matches 蜀冈-瘦西湖, 蜀冈－瘦西湖 …
            joiner = f"[{re.escape(JOINERS)}]"
            alts = sorted({joiner.join(re.escape(p) for p in _JOINER_RE.split(w)) for w in joined},
                          key=len, reverse=True)
            self._joined_re = re.compile("|".join(alts))
        self._tk = tk

    def segments(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(word, start, end) over folded text, punctuation left out.

        Joined names (蜀冈—瘦西湖) come whole; CJK runs are cut by jieba;
        other words (pm2.5, 1172.77) come whole.
        """
        tk = self.get()
        pos = 0
        if self._joined_re is not None:
            for m in self._joined_re.finditer(text):
                yield from self._runs(tk, text, pos, m.start())
                yield _JOINER_RE.sub(JOINER, m.group()), m.start(), m.end()
                pos = m.end()
        yield from self._runs(tk, text, pos, len(text))

    @staticmethod
    def _runs(tk, text: str, start: int, end: int) -> Iterator[tuple[str, int, int]]:
        for m in RUN_RE.finditer(text, start, end):
            if m.lastgroup == "word":
                yield m.group(), m.start(), m.end()
                continue
            for w, s, e in _cut(tk, m.group()):
                yield w, m.start() + s, m.start() + e

    def is_word(self, w: str) -> bool:
        return bool(self.get().FREQ.get(w))


JIEBA = _Jieba()

# jieba's own test for text it segments with its dictionary (jieba.re_han_default).
_JIEBA_HAN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
_LOGP: dict[str, float] = {}  # word → log(freq) - log(total), for the tokenizer and total in _LOGP_OF
_LOGP_OF: list = [None, None]


def _cut(tk, run: str) -> list[tuple[str, int, int]]:
    """``tk.tokenize(run, HMM=False)`` for a run of CJK characters, computed directly.

    jieba's dictionary cut (a DAG of dictionary words, then the most probable route) is
    the build's largest cost; calling it through ``tokenize``/``cut`` adds generators,
    regex splits and a ``log`` per candidate for every run of a clause. This is the same
    algorithm (``Tokenizer.get_DAG``, ``calc``, ``__cut_DAG_NO_HMM`` of jieba 0.42) with the
    same arithmetic, so the words are identical (``tests/test_analysis.py`` compares them);
    a run jieba would split further (characters outside its Han range) goes to jieba itself.
    """
    if USE_HMM or not _JIEBA_HAN.fullmatch(run):
        return list(tk.tokenize(run, HMM=USE_HMM))
    freq = tk.FREQ
    if _LOGP_OF[0] is not tk or _LOGP_OF[1] != tk.total:
        _LOGP.clear()
        _LOGP_OF[:] = tk, tk.total
    logp = _LOGP
    unknown = -math.log(tk.total)  # log(1) - log(total): a character that is no word
    n = len(run)
    score = [0.0] * (n + 1)
    nxt = [0] * (n + 1)
    for idx in range(n - 1, -1, -1):
        # get_DAG's row for idx (words run[idx:i+1]) and calc's max over it, in one pass:
        # candidates in increasing length, so ">=" keeps the longer word on a tie, as
        # max() over (score, end) tuples does.
        best_s, best_x = None, idx
        i = idx
        frag = run[idx]
        f = freq.get(frag)
        while f is not None:
            if f:
                lp = logp.get(frag)
                if lp is None:
                    lp = logp[frag] = math.log(f) + unknown
                sc = lp + score[i + 1]
                if best_s is None or sc >= best_s:
                    best_s, best_x = sc, i
            i += 1
            if i >= n:
                break
            frag = run[idx:i + 1]
            f = freq.get(frag)
        if best_s is None:  # no dictionary word starts here: the character alone
            best_s = unknown + score[idx + 1]
        score[idx], nxt[idx] = best_s, best_x
    out, x = [], 0
    while x < n:
        y = nxt[x] + 1
        out.append((run[x:y], x, y))
        x = y
    return out


# ---------------------------------------------------------------------------
# Token streams
# ---------------------------------------------------------------------------

class Tok(NamedTuple):
    """A token (a named tuple: an index build makes millions of them)."""

    text: str  # folded
    pos: int  # word (or bigram) position
    start: int  # character offsets into the original text
    end: int


def _hard(gap: str) -> bool:
    return any(c not in SOFT for c in gap)


def word_tokens(text: str, *, index: bool = False) -> list[Tok]:
    """jieba words of ``text`` with word positions (a gap at hard separators if ``index``)."""
    return list(map(Tok._make, word_spans(text, index=index)))


def word_spans(text: str, *, index: bool = False) -> list[tuple[str, int, int, int]]:
    """``word_tokens`` as plain ``(text, pos, start, end)`` tuples (an index build makes
    millions: a tuple costs a fraction of a named tuple)."""
    folded = fold(text)
    out: list[tuple[str, int, int, int]] = []
    pos, prev = 0, 0
    for w, s, e in JIEBA.segments(folded):
        if index and out and _hard(folded[prev:s]):
            pos += 1
        out.append((w, pos, s, e))
        pos, prev = pos + 1, e
    return out


def split_word(w: str) -> list[str]:
    """``w`` cut into its longest dictionary sub-words, left to right (forward maximum
    matching); characters no sub-word covers are left out. 碳达峰碳中和 → 碳达峰, 碳中和.
    """
    pieces, i = [], 0
    while i < len(w):
        for n in range(min(len(w) - i, len(w) - 1), 1, -1):
            if JIEBA.is_word(w[i:i + n]):
                pieces.append(w[i:i + n])
                i += n
                break
        else:
            i += 1
    return pieces


def _units(folded: str, index: bool) -> list[tuple[str, int, int, bool, bool]]:
    """(text, start, end, is_cjk, hard_before): one per CJK character or non-CJK word."""
    units = []
    prev_end = 0
    for m in RUN_RE.finditer(folded):
        hard = index and bool(units) and _hard(folded[prev_end:m.start()])
        prev_end = m.end()
        if m.lastgroup == "word":
            units.append((m.group(), m.start(), m.end(), False, hard))
            continue
        for i, ch in enumerate(m.group(), m.start()):
            units.append((ch, i, i + 1, True, hard and i == m.start()))
    return units


def bigram_tokens(text: str, *, index: bool = False) -> list[Tok]:
    """CJK bigrams and whole non-CJK words of ``text`` (see ``bigram_spans``)."""
    return list(map(Tok._make, bigram_spans(text, index=index)))


def bigram_spans(text: str, *, index: bool = False) -> list[tuple[str, int, int, int]]:
    """CJK bigrams and whole non-CJK words of ``text``; ``index=True`` also emits
    single characters and leaves a position gap at hard separators.

    Consecutive CJK runs joined by soft separators form one *chain* whose
    bigrams run across the separators; a hard separator (index mode) or a
    non-CJK word ends the chain. Plain tuples, as ``word_spans``;
    ``_bigram_tokens_by_unit`` computes the same stream one character at a time
    (the definition; the tests compare them).
    """
    folded = fold(text)
    out: list[tuple[str, int, int, int]] = []
    pos, prev_end = 0, -1
    chain: list[tuple[str, int]] = []  # (run, start) of the CJK runs of the current chain
    for m in RUN_RE.finditer(folded):
        start = m.start()
        hard = index and prev_end >= 0 and _hard(folded[prev_end:start])
        prev_end = m.end()
        if m.lastgroup == "word" or hard:
            pos = _flush_chain(chain, pos, index, out)
            chain = []
        if hard:
            pos += 1
        if m.lastgroup == "word":
            out.append((m.group(), pos, start, prev_end))
            pos += 1
        else:
            chain.append((m.group(), start))
    _flush_chain(chain, pos, index, out)
    return out


def _flush_chain(chain: list[tuple[str, int]], pos: int, index: bool, out: list) -> int:
    """Tokens of one chain of CJK characters starting at word position ``pos``; the next position.

    Built with ``map``/``zip`` over the characters (C loops: an index build makes tens of
    millions of these tokens)."""
    if not chain:
        return pos
    if len(chain) == 1:  # one run: offsets are consecutive
        run, s = chain[0]
        n = len(run)
        if n == 1:
            out.append((run, pos, s, s + 1))
            return pos + 1
        positions, starts = range(pos, pos + n - 1), range(s, s + n - 1)
        bigrams = zip(map(operator.add, run, run[1:]), positions, starts, range(s + 2, s + n + 1))
        if not index:
            out.extend(bigrams)
            return pos + n - 1
        unigrams = zip(run, positions, starts, range(s + 1, s + n))
        out.extend(itertools.chain.from_iterable(zip(bigrams, unigrams)))
        out.append((run[-1], pos + n - 2, s + n - 1, s + n))
        return pos + n - 1
    run = "".join(r for r, _ in chain)  # runs joined by soft separators: offsets jump
    starts = [a + i for r, a in chain for i in range(len(r))]
    n = len(run)
    if index:
        for i in range(n - 1):
            a = starts[i]
            out.append((run[i:i + 2], pos + i, a, starts[i + 1] + 1))
            out.append((run[i], pos + i, a, a + 1))
        out.append((run[-1], pos + n - 2, starts[-1], starts[-1] + 1))
    else:
        out.extend((run[i:i + 2], pos + i, starts[i], starts[i + 1] + 1) for i in range(n - 1))
    return pos + n - 1


def _bigram_tokens_by_unit(text: str, *, index: bool = False) -> list[Tok]:
    """``bigram_tokens`` one unit (CJK character or non-CJK word) at a time: the reference."""
    units = _units(fold(text), index)
    out: list[Tok] = []
    pos = 0
    for k, (t, s, e, cjk, hard) in enumerate(units):
        if hard:
            pos += 1
        if not cjk:
            out.append(Tok(t, pos, s, e))
            pos += 1
            continue
        nxt = units[k + 1] if k + 1 < len(units) else None
        joined_next = nxt is not None and nxt[3] and not nxt[4]
        joined_prev = k > 0 and units[k - 1][3] and not hard
        if joined_next:
            out.append(Tok(t + nxt[0], pos, s, nxt[2]))
            if index:
                out.append(Tok(t, pos, s, e))
            pos += 1
        elif joined_prev:  # the right half of the previous bigram
            if index:
                out.append(Tok(t, pos - 1, s, e))
        else:  # a character on its own
            out.append(Tok(t, pos, s, e))
            pos += 1
    return out


# ---------------------------------------------------------------------------
# Whoosh tokenizers (pickled into the index by class path)
# ---------------------------------------------------------------------------

class _StreamTokenizer(Tokenizer):
    """A Whoosh tokenizer over one of the token streams above.

    Whoosh passes ``mode="index"`` when indexing and ``mode="query"`` when its
    own query parser analyses text; single characters and position gaps are
    only made when indexing. Each token is a new ``Token`` (no flyweight reuse).
    """

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if not tokenize:
            t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            t.text = fold(value)
            t.boost = 1.0
            if keeporiginal:
                t.original = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for text, pos, start, end in self.stream(value, index=(mode != "query")):
            t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            t.text = text
            t.boost = 1.0
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class WordTokenizer(_StreamTokenizer):
    """jieba words with word positions (see ``word_tokens``)."""

    stream = staticmethod(word_spans)


class BigramTokenizer(_StreamTokenizer):
    """CJK bigrams, whole non-CJK words (see ``bigram_tokens``)."""

    stream = staticmethod(bigram_spans)

