"""What the index knows about words: how common each is, and which words it has.

Both engines answer ``num_docs``, ``doc_freq(field, term)`` and ``terms(field)`` with the same
numbers (``kb.search.engine.Index``); this module turns them into the two facts query
understanding needs, once per opened index:

* ``is_generic(word)``: the word stands in at least ``GENERIC_SHARE`` of the clauses' texts
  (document frequency), or is listed in ``kb/data/generic.txt`` (common policy words that a
  small corpus does not show as frequent). A partial match never rests on generic words alone.
* ``vocabulary``: the words (jieba, two or more Han characters) of the clauses' texts and
  headings with their document frequencies — the terms spelling help may suggest.
* ``unseen(text)``: whether a run of Han characters has a bigram no clause has (a sign of a
  typo or a word the KB does not know).
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from importlib import resources

from kb.analysis import CJK_RE, fold

GENERIC = "generic.txt"
GENERIC_SHARE = 0.05  # a word in 5% of the clauses or more says little about any one of them
GENERIC_MIN_DOCS = 3  # … but never on a corpus so small that 5% is a clause or two
VOCAB_FIELDS = ("text", "headings")
CACHE_MAX = 100_000  # remembered frequencies per index (cleared when full: queries are unbounded)


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    text = (resources.files("kb") / "data" / GENERIC).read_text(encoding="utf-8")
    return frozenset(fold(w) for line in text.splitlines() if (w := line.split("#", 1)[0].strip()))


class Stats:
    def __init__(self, index):
        self.index = index
        self.n = max(1, index.num_docs())
        self._df: dict[str, int] = {}
        self._bi: dict[str, int] = {}
        self._vocab: dict[str, int] | None = None
        self._lock = threading.Lock()

    def df(self, word: str) -> int:
        got = self._df.get(word)
        if got is None:
            if len(self._df) >= CACHE_MAX:
                self._df.clear()
            got = self._df[word] = self.index.doc_freq("text", word)
        return got

    def idf(self, word: str) -> float:
        """How rare a word is among the clauses: log(1 + N / (1 + df)). A phrase of several
        words (no single term) counts as rare."""
        return math.log(1 + self.n / (1 + self.df(fold(word))))

    def is_generic(self, word: str) -> bool:
        word = fold(word)
        if word in generic_words():
            return True
        df = self.df(word)
        return df >= GENERIC_MIN_DOCS and df >= GENERIC_SHARE * self.n

    def bigram_df(self, bigram: str) -> int:
        got = self._bi.get(bigram)
        if got is None:
            if len(self._bi) >= CACHE_MAX:
                self._bi.clear()
            got = self._bi[bigram] = (self.index.doc_freq("text_bi", bigram)
                                      + self.index.doc_freq("headings_bi", bigram))
        return got

    def unseen(self, run: str) -> bool:
        run = fold(run)
        return any(self.bigram_df(b) == 0 for b in (run[i:i + 2] for i in range(len(run) - 1))
                   if all(CJK_RE.match(c) for c in b))

    @property
    def vocabulary(self) -> dict[str, int]:
        """Words of two or more Han characters → document frequency (text and headings)."""
        if self._vocab is None:
            with self._lock:
                if self._vocab is None:
                    vocab: dict[str, int] = {}
                    for field in VOCAB_FIELDS:
                        for term, n in self.index.terms(field):
                            if len(term) >= 2 and all(CJK_RE.match(c) for c in term):
                                vocab[term] = max(vocab.get(term, 0), n)
                    self._vocab = vocab
        return self._vocab
