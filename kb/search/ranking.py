"""How matches are weighed. Every engine applies these; none is tuned to a query.

A planned unit (``kb.search.plan.Unit``) matches a provision through *forms*
(what was typed, and its synonyms), or through all of its *pieces* (the content
words of a multi-word unit, each with its synonyms); a clause with only some
pieces is a partial match, searched apart. Each form is looked for in three
places and two ways:

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
# its pieces: a title that mentions 环境 says nothing about a clause found for
# 生态环境, and looking for every piece of a long query in every title was most of the
# cost of such a query on a large corpus.
MATCH_PLACES = ("text", "headings")  # a unit must match in one; the context only reorders

# A whole-word (jieba) match and a substring (bigram) match; both fire on a
# whole word.
WORD_WEIGHT = 0.5
BIGRAM_WEIGHT = 1.0

# A synonym from kb/data/synonyms.txt, relative to the typed form.
SYNONYM_WEIGHT = 0.6

# A content word (piece) of a multi-word unit (宝应湖 of 宝应湖水质), relative to the whole
# unit: a clause that has every piece matches below one that has the unit as typed.
PIECE_WEIGHT = 0.35

# Sub-words standing together for a piece or synonym (环境 + 信息 + 披露 for 环境信息披露),
# relative to the form they stand for.
BAG_WEIGHT = 0.6

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


def unit_query(unit, form_query, any_of, all_of, maybe, partial: bool = False) -> tuple[object, list]:
    """A planned unit as an engine query, made with the engine's ``form_query(form, place,
    weight)`` (a list of sub-queries), ``any_of(list)``, ``all_of(list)`` and
    ``maybe(required, optional_list)`` (the optional ones only add to the score). Returns the
    match query (one of its alternatives must match in ``MATCH_PLACES``) and the context
    sub-queries, which only add to the score.

    The match: a whole form (what was typed, or a synonym), or every *specific* piece of the
    unit (``kb.search.plan``; every piece if all are generic), each as one of its forms or all
    sub-words of one of its bags, at ``PIECE_WEIGHT``; generic pieces (治理, 推广) then only
    add to the score. ``partial``: any one specific piece as one of its forms instead (the
    partial matches; a bag of sub-words is too loose to stand alone)."""
    def forms(fs, weight) -> list:
        return [x for place in MATCH_PLACES for f in fs for x in form_query(f, place, weight)]

    def piece(p):
        alts = forms(p.forms, PIECE_WEIGHT)
        alts += [all_of([any_of(forms((f,), PIECE_WEIGHT)) for f in bag]) for bag in p.bags]
        return any_of(alts)

    if partial:
        match = any_of([x for p in unit.specific for x in forms(p.forms, PIECE_WEIGHT)])
    else:
        alts = forms(unit.forms, 1.0)
        if unit.pieces:
            required = unit.specific or unit.pieces
            optional = [piece(p) for p in unit.pieces if p not in required]
            every = all_of([piece(p) for p in required])
            alts.append(maybe(every, optional) if optional else every)
        match = any_of(alts)
    context = [x for f in unit.forms for x in form_query(f, "context", 1.0)]
    return match, context
