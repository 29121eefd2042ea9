"""Clause-level full-text search over the KB (Chinese: jieba words + character bigrams).

    from kb import open_kb
    res = open_kb().search("高邮湖", year=2027)   # → SearchResult
    res.hits[0].highlight                           # '…<mark>高邮湖</mark>…'

Modules, in the order a query passes through them:

* ``understand`` — simplified characters, width, numbers, time expressions, question words
* ``query``     — the query language → a boolean tree (never raises on user input)
* ``spelling``  — an unknown word → the nearest KB word (pinyin, shape)
* ``plan``      — tree → units with words, bigrams, synonyms (``vocab``), content pieces
* ``stats``     — document frequencies from the index: generic words, the vocabulary
* ``engine``    — the backend seam; ``whoosh_engine`` implements it
* ``ranking``   — the weights every engine applies
* ``highlight`` — exact character spans of the units in a hit
* ``service``   — ``KB.search``: filters, corrections, full and partial matches; ``result`` — ``SearchResult``
* ``evaluate``  — ``policykb eval``: Recall@5, MRR, nDCG@10, no-answer zero-hit rate, per category

Analysis (tokenizers, user dictionary) is ``kb.analysis``; the index writer is
``indexer.search_index``.
"""

from kb.search.result import SearchResult

__all__ = ["SearchResult"]
