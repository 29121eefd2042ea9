"""Clause-level full-text search over the KB (Chinese: jieba words + character bigrams).

    from kb import open_kb
    res = open_kb().search("高邮湖", year=2027)   # → SearchResult
    res.hits[0].highlight                           # '…<mark>高邮湖</mark>…'

Modules, in the order a query passes through them:

* ``query``     — the query language → a boolean tree (never raises on user input)
* ``plan``      — tree → units with words, bigrams, synonyms (``vocab``)
* ``engine``    — the backend seam; ``whoosh_engine`` implements it
* ``ranking``   — the weights every engine applies
* ``highlight`` — exact character spans of the units in a hit
* ``service``   — ``KB.search``: filters, relaxing, hits; ``result`` — ``SearchResult``
* ``evaluate``  — ``policykb eval``: Recall@5, MRR, nDCG@10 on a judged query file

Analysis (tokenizers, user dictionary) is ``kb.analysis``; the index writer is
``indexer.search_index``.
"""

from kb.search.result import SearchResult

__all__ = ["SearchResult"]
