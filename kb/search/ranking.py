"""How matches are weighed. Every engine applies these; none is tuned to a query.

A planned unit (``kb.search.plan.Unit``) matches a provision through *forms*
(what was typed, and its synonyms) and *partial* forms (the words of a
multi-word unit). Each form is looked for in three places and two ways:

* places: the provision's own ``text``; the ``headings`` above it (the article
  heading says what the whole article is about); and the ``context`` (part
  heading, document title, 文号, issuer), a weak signal that only reorders hits
  that matched elsewhere.
* ways: as consecutive jieba *words* (a whole-word match, including the
  dictionary words inside a longer word: 邵伯湖 in 高宝邵伯湖), and as
  consecutive *bigrams* (any substring, also words the dictionary does not
  know). A match of dictionary words scores in both fields, so it ranks above
  the same characters found only as a substring.

The engine's relevance score for one form in one field (BM25F in Whoosh) is the
sum over the form's tokens, so it is divided by the number of tokens: a form
scores like the mean of its tokens' weights, and a long synonym does not
outweigh the short word that was typed.
"""

# Where a form is found → weight. Headings are short and repeated by every
# clause of the article, so a heading match lifts the whole article; the
# clause that also has the words in its own text comes first.
PLACE_WEIGHTS = {"text": 1.0, "headings": 0.7, "context": 0.1}

# The context is matched by a unit's forms (what was typed, and its synonyms), not by
# its partial forms: a title that mentions 环境 says nothing about a clause found for
# 生态环境, and looking for every piece of a long query in every title was most of the
# cost of such a query on a large corpus.
CONTEXT_PARTIAL = False
MATCH_PLACES = ("text", "headings")  # a unit must match in one; the context only reorders

# A whole-word (jieba) match and a substring (bigram) match; both fire on a
# whole word.
WORD_WEIGHT = 0.5
BIGRAM_WEIGHT = 1.0

# A synonym from kb/data/synonyms.txt, relative to the typed form.
SYNONYM_WEIGHT = 0.6

# A piece of a multi-word unit (湖泊 of 湖泊生态修复), relative to the whole unit.
PARTIAL_WEIGHT = 0.35

# Provisions of an outline document (status "outline": facts and our own
# summaries, not the official text) rank below the same match in a full text.
# Applied as a document boost at index time (Whoosh scales term weights, so
# the effect is a little weaker than a plain factor).
STATUS_WEIGHTS = {"full": 1.0, "outline": 0.5}

# BM25F: term-frequency saturation and length normalisation per field. Clauses
# differ a lot in length (a short clause that names the thing is the better
# answer); headings much less; context not at all.
BM25_K1 = 1.2
BM25_B = {"text": 0.75, "headings": 0.3, "context": 0.0}


def unit_alternatives(unit, form_query) -> tuple[list, list]:
    """A planned unit's sub-queries, each made by the engine's ``form_query(form, place,
    weight)`` (a list): those of ``MATCH_PLACES`` (forms, and partial forms at
    ``PARTIAL_WEIGHT``), one of which must match; and those of the context (partial forms
    only if ``CONTEXT_PARTIAL``), which only add to the score."""
    def alternatives(places, partial: bool) -> list:
        subs = []
        for place in places:
            for f in unit.forms:
                subs += form_query(f, place, 1.0)
            for f in unit.partial if partial else ():
                subs += form_query(f, place, PARTIAL_WEIGHT)
        return subs

    return alternatives(MATCH_PLACES, True), alternatives(("context",), CONTEXT_PARTIAL)
