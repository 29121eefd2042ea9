"""The spaCy pipeline: ``spacy.blank("zh")`` with the jieba segmenter and two rule components.

``spacy.lang.zh`` picks its word segmenter from the tokenizer config
(``[nlp.tokenizer] segmenter = "char" | "jieba" | "pkuseg"``, default
``char``); we ask for ``jieba``. Nothing is downloaded: jieba ships its
dictionary, and no trained pipeline or pkuseg model is used.

Components (each a callable ``Doc → Doc``):

* ``policykb_entities`` — the character-level entity patterns of
  ``indexer/data/entity_patterns.jsonl`` (ORG, PLACE, TIME, QUANTITY);
* ``policykb_cues`` — action verbs (ACTION) and topic keywords (TOPIC) from
  ``extract_lexicon.yaml`` and ``topics.yaml``.

Both find matches on characters (``indexer.extract.patterns.find_matches``)
and map them onto jieba's tokens with ``Doc.char_span(alignment_mode=
"expand")``: 由市生态环境局 is tokenised 由市 / 生态环境局, and the ORG span
市生态环境局 becomes the token span 由市生态环境局 while ``doc._.policykb``
keeps the exact offsets. Spans go to ``doc.spans[<component>]`` (overlaps
allowed) and the entity labels to ``doc.ents`` (longest, non-overlapping).

``get_nlp()`` builds the pipeline once per process; use ``nlp.pipe`` for
many texts.
"""

from __future__ import annotations

import threading

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from indexer.extract import patterns as pt

ENT_LABELS = ("ORG", "PLACE", "TIME", "QUANTITY")
EXT = "policykb"  # Doc extension: list of CharMatch with exact offsets
TEXT_KEY = ("policykb", "text")

if not Doc.has_extension(EXT):
    Doc.set_extension(EXT, default=None)


class CharRuler:
    """Match character-level patterns and attach them to the Doc."""

    def __init__(self, name: str, source: str):
        self.name = name
        if source == "entities":
            self.patterns = pt.entity_patterns()
        elif source == "cues":
            self.patterns = pt.cue_patterns()
        else:
            raise ValueError(f"policykb char ruler: unknown pattern source '{source}' (entities|cues)")

    def __call__(self, doc: Doc) -> Doc:
        # Doc.text joins every token's text: compute it once per Doc, not per component.
        text = doc.user_data.get(TEXT_KEY)
        if text is None:
            text = doc.user_data[TEXT_KEY] = doc.text
        matches = pt.find_matches(text, self.patterns)
        spans = []
        for m in matches:
            span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
        doc.spans[self.name] = spans
        found = list(doc._.get(EXT) or []) + matches
        doc._.set(EXT, found)
        ents = [s for s in spans if s.label_ in ENT_LABELS]
        if ents:
            doc.set_ents(filter_spans(ents), default="unmodified")
        return doc


@Language.factory("policykb_char_ruler", default_config={"source": "entities"})
def make_char_ruler(nlp: Language, name: str, source: str) -> CharRuler:
    return CharRuler(name, source)


_NLP: Language | None = None
_LOCK = threading.Lock()


def build_nlp() -> Language:
    """A fresh pipeline (tests use ``get_nlp``; this is for callers that need their own)."""
    import logging

    import jieba

    from kb.analysis import cache_dir

    # spaCy's zh tokenizer uses jieba's global dictionary: keep its load quiet and its
    # cache file in our cache folder (jieba writes it 0600, so a shared /tmp cache
    # built by one user is unreadable to the next).
    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = cache_dir()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("policykb_char_ruler", name="policykb_entities", config={"source": "entities"})
    nlp.add_pipe("policykb_char_ruler", name="policykb_cues", config={"source": "cues"})
    return nlp


def get_nlp() -> Language:
    """The process-wide pipeline, built on first use."""
    global _NLP
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                _NLP = build_nlp()
    return _NLP


def matches(doc: Doc) -> list:
    """The exact-offset matches of a processed Doc, in text order."""
    return sorted(doc._.get(EXT) or [], key=lambda c: (c.start, -(c.end - c.start), c.label))
