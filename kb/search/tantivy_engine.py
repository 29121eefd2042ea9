"""The tantivy engine: the same records and the same planned queries as Whoosh, in Rust.

Choose it with ``POLICYKB_ENGINE=tantivy policykb build``; the build records which
engine's index it holds, so later searches use it without the variable
(``kb.search.engine.build_engine``). Whoosh stays the default.

Segmentation: tantivy's own tokenizers know nothing of jieba, so the text is
**pre-tokenized** here with exactly the token streams the Whoosh engine uses
(``kb.analysis.word_spans`` and ``bigram_spans``, index mode: the same word
positions, position gaps at hard separators, single characters beside the
bigrams) and handed to tantivy as ``PreTokenizedString``s. The fields use the
``raw`` tokenizer, which leaves query terms alone, and queries are built from
the plan's query-mode tokens (``kb.search.plan``) — never by tantivy's query
parser — so index and query are cut by one analyzer, as in Whoosh. (A custom
tokenizer registered in tantivy cannot call Python, and tantivy's bundled
Chinese-less tokenizers would cut differently from jieba.)

Schema: per place (``text``, ``headings``, ``context``) a word field, a
``_bi`` bigram field and a ``_quad`` four-gram field, with positions (phrases;
a run of four or more characters is matched on four-grams, which is exact and
much faster, see ``grow_grams``); filters ``doc_id``, ``level``, ``years``,
``parties`` as raw terms (several values per record where needed); ``seq`` as a
fast field the index is sorted by, so documents are stored in reading order;
``status_weight`` for the outline penalty; the whole record as stored JSON, so
a hit needs no second lookup. Scoring is tantivy's BM25 (k1 1.2, b 0.75 for
every field: tantivy has no per-field b), with the weights of
``kb.search.ranking`` as boosts.

Building: tokenizing is the costly, Python part; with two or more CPUs helper
processes do it ahead of this one (``documents``).

A tantivy searcher is safe to share across threads; one is opened per index.
"""

from __future__ import annotations

import array
import collections
import functools
import itertools
import json
import operator
import os
from pathlib import Path
from typing import Iterable, Iterator

import tantivy

from kb.analysis import CJK_RE, bigram_spans, word_spans
from kb.errors import KBNotBuiltError
from kb.memory import peak_rss_mb
from kb.search import query as q
from kb.search.engine import EngineHit, EngineResult, Filters, IndexRecord
from kb.search.plan import Form, PartialUnit, Unit
from kb.search.ranking import BIGRAM_WEIGHT, PLACE_WEIGHTS, STATUS_WEIGHTS, WORD_WEIGHT
from kb.search.ranking import unit_query as ranked_unit_query

PLACES = ("text", "headings", "context")
FILTER_FIELDS = ("doc_id", "level", "status", "kind", "years", "parties")
MARKER = "policykb-tantivy.json"  # written last: an index folder without it is incomplete
# The writer's memory budget. One indexing thread (the other core runs the tokenizing
# helper); 32 MB flushes a segment about every 15k clauses: the build's memory stays low
# (a 64 MB heap cost ~90 MB more at 10^5 clauses) for a few more segments.
WRITER_HEAP = 32 * 2**20
Occur = tantivy.Occur
# The document boost of kb.search.ranking.STATUS_WEIGHTS (an outline ranks below the same
# match in a full text). tantivy multiplies a score by log2(2 + value) of a fast field
# (``weight_by_field``), a factor of at least 1; ``status_weight_value`` picks the value that
# makes the factor WEIGHT_SCALE × the status weight, and scores are divided by WEIGHT_SCALE.
WEIGHT_FIELD = "status_weight"
WEIGHT_SCALE = 1 / min(STATUS_WEIGHTS.values())


def status_weight_value(status: str) -> float:
    return 2 ** (WEIGHT_SCALE * STATUS_WEIGHTS.get(status, 1.0)) - 2


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", tokenizer_name="raw", index_option="basic")
    for name in FILTER_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("seq", fast=True, indexed=False)
    sb.add_float_field(WEIGHT_FIELD, fast=True, indexed=False)
    for place in PLACES:
        sb.add_text_field(place, tokenizer_name="raw", index_option="position")
        sb.add_text_field(place + "_bi", tokenizer_name="raw", index_option="position")
        sb.add_text_field(place + "_quad", tokenizer_name="raw", index_option="position")
    sb.add_bytes_field("record", stored=True)
    return sb.build()


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------

# Facts about the last build in this process (helper processes' peak memory), for the benchmark.
LAST_BUILD: dict = {}
# Below this many records one process is faster than starting helpers.
PARALLEL_MIN_RECORDS = 4000
CHUNK = 256  # records tokenized together (by a helper process, or here)

Spans = tuple[list, list]  # (word spans, bigram spans) of one value, see kb.analysis


def chunk_values(chunk: list[IndexRecord]) -> list[tuple[str, str | None, str | None]]:
    """What to tokenize for a chunk: each record's text, and its headings and context unless
    they equal the previous record's (clauses of one article share them; ``None`` = same)."""
    out, prev = [], (None, None)
    for r in chunk:
        cur = (r.headings or "", r.context or "")
        out.append((r.content or "", *(c if c != p else None for c, p in zip(cur, prev))))
        prev = cur
    return out


def tokenize_values(values, packed: bool = False) -> list[tuple]:
    """Word and bigram spans (index mode) of each value of ``chunk_values`` — all the Python
    work of tokenizing, which a helper process can do. ``packed``: each span list as one
    string and one integer array (``pack``), which crosses a pipe ten times cheaper than
    millions of small tuples."""
    enc = pack if packed else (lambda x: x)

    def spans(v):
        if v is None:
            return None
        bigrams = bigram_spans(v, index=True)
        quads = grow_grams(grow_grams(bigrams), 3)
        return enc(word_spans(v, index=True)), enc(bigrams), enc(quads)

    return [tuple(spans(v) for v in row) for row in values]


def grow_grams(grams, n: int = 2) -> list[tuple[str, int, int, int]]:
    """CJK (n+1)-grams from a stream of n-grams (index mode): two n-grams at consecutive
    positions overlap in one chain (chains are at least two positions apart, and their n-grams
    further), so AB@p + BC@p+1 → ABC@p, and ABC@p + BCD@p+1 → ABCD@p. A phrase of four-grams
    matches exactly where the phrase of their bigrams does, and reads far rarer postings; a
    four-character word is one four-gram term (``_bigram_query``). (A non-CJK word next to an
    n-gram yields a mixed gram no query asks for.)"""
    grams = [t for t in grams if len(t[0]) == n]
    return [(a[0] + b[0][-1], a[1], a[2], b[3]) for a, b in zip(grams, grams[1:]) if b[1] == a[1] + 1]


def pack(spans: list[tuple[str, int, int, int]]) -> tuple[str, array.array]:
    """Token spans as (texts joined by NUL, positions + starts + ends as one int array)."""
    texts = "\0".join(map(operator.itemgetter(0), spans))
    ints = array.array("i", map(operator.itemgetter(1), spans))
    ints.extend(map(operator.itemgetter(2), spans))
    ints.extend(map(operator.itemgetter(3), spans))
    return texts, ints


def _pts(value: str, spans) -> tantivy.PreTokenizedString:
    if isinstance(spans, tuple):  # packed
        texts, ints = spans
        n = len(ints) // 3
        tokens = list(map(tantivy.Token, texts.split("\0"), ints[:n], ints[n:2 * n], ints[2 * n:])) if n else []
    else:
        tokens = list(itertools.starmap(tantivy.Token, spans))
    return tantivy.PreTokenizedString(value, tokens)


def chunk_documents(chunk: list[IndexRecord], tokens) -> Iterator[tantivy.Document]:
    """The tantivy documents of a chunk, given ``tokenize_values(chunk_values(chunk))``."""
    last: dict[str, tuple] = {}  # place → its (words, bigrams, four-grams) pre-tokenized strings
    for r, row in zip(chunk, tokens):
        doc = tantivy.Document()
        doc.add_text("id", r.id)
        doc.add_text("doc_id", r.doc_id)
        doc.add_text("level", r.level)
        doc.add_text("status", r.status)
        doc.add_text("kind", r.kind)
        for y in r.years:
            doc.add_text("years", str(y))
        for p in r.parties:
            doc.add_text("parties", p)
        doc.add_integer("seq", r.seq)
        doc.add_float(WEIGHT_FIELD, status_weight_value(r.status))
        for place, spans in zip(PLACES, row):
            value = (r.content if place == "text" else getattr(r, place)) or ""
            if spans is not None:
                last[place] = tuple(_pts(value, x) for x in spans)
            if value:
                words, bigrams, quads = last[place]
                doc.add_pre_tokenized_text(place, words)
                doc.add_pre_tokenized_text(place + "_bi", bigrams)
                doc.add_pre_tokenized_text(place + "_quad", quads)
        # vars(r): the record's fields (IndexRecord is flat; tuples become JSON lists)
        doc.add_bytes("record", json.dumps(vars(r), ensure_ascii=False, separators=(",", ":")).encode())
        yield doc


def _jobs() -> int:
    try:
        return max(1, int(os.environ.get("POLICYKB_JOBS") or os.cpu_count() or 1))
    except ValueError:
        return 1


def _chunks(records: Iterable[IndexRecord], n: int) -> Iterator[list[IndexRecord]]:
    chunk: list[IndexRecord] = []
    for r in records:
        chunk.append(r)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Helper:
    """A helper process (``python -m kb.search.tantivy_engine --segment``) that tokenizes chunks
    (``tokenize_values``): requests and answers are pickled frames on its stdin/stdout. A plain
    subprocess, not multiprocessing: nothing of this process (its memory, its threads, the
    app's ``__main__``) is copied or re-imported."""

    def __init__(self):
        import subprocess
        import sys

        root = str(Path(__file__).resolve().parents[2])  # the folder that holds kb/
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        self.proc = subprocess.Popen([sys.executable, "-m", "kb.search.tantivy_engine", "--segment"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=root)
        self.pending = 0

    def send(self, values) -> None:
        _write_frame(self.proc.stdin, values)
        self.pending += 1

    def receive(self) -> list:
        out = _read_frame(self.proc.stdout)
        if out is None:
            raise RuntimeError("the tantivy segmenting helper process ended unexpectedly "
                               f"(exit {self.proc.poll()}); run the build again, or set POLICYKB_JOBS=1")
        self.pending -= 1
        return out

    def close(self) -> float | None:
        """End the helper; its peak memory (MB) if it said."""
        peak = None
        try:
            self.proc.stdin.close()
            while self.pending > 0:  # answers not read (the build stopped early)
                self.receive()
            last = _read_frame(self.proc.stdout)
            peak = last.get("peak_rss_mb") if isinstance(last, dict) else None
        except (OSError, RuntimeError, EOFError):
            pass
        try:
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        return peak


def _write_frame(f, obj) -> None:
    import pickle
    import struct

    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    f.write(struct.pack("<Q", len(data)))
    f.write(data)
    f.flush()


def _read_frame(f):
    import pickle
    import struct

    head = f.read(8)
    if len(head) < 8:
        return None
    (n,) = struct.unpack("<Q", head)
    return pickle.loads(f.read(n))


def _serve_segmenting() -> None:
    """The helper's loop: answer each chunk with its word spans, until stdin closes.

    Requests are read by a thread of their own, so the indexing process can always send
    (it sends ahead while it reads answers) and neither side waits on a full pipe."""
    import queue
    import sys
    import threading

    requests: queue.Queue = queue.Queue()

    def read() -> None:
        while True:
            values = _read_frame(sys.stdin.buffer)
            requests.put(values)
            if values is None:
                return

    threading.Thread(target=read, daemon=True).start()
    while (values := requests.get()) is not None:
        _write_frame(sys.stdout.buffer, tokenize_values(values, packed=True))
    _write_frame(sys.stdout.buffer, {"peak_rss_mb": peak_rss_mb()})


def documents(records: Iterable[IndexRecord], jobs: int | None = None) -> Iterator[tantivy.Document]:
    """Records → tantivy documents, in order. With more than one CPU (``POLICYKB_JOBS``),
    helper processes tokenize chunks of records ahead (jieba and bigrams: the Python-heavy
    part) while this process makes the tantivy objects and tantivy indexes on a thread of
    its own, so a large build keeps every core busy (and jieba never loads here)."""
    records = iter(records)
    jobs = _jobs() if jobs is None else jobs
    LAST_BUILD.clear()
    LAST_BUILD.update(helpers=0, helper_peak_rss_mb=[])
    head = list(itertools.islice(records, PARALLEL_MIN_RECORDS))
    chunks = _chunks(itertools.chain(head, records), CHUNK)
    if jobs <= 1 or len(head) < PARALLEL_MIN_RECORDS:
        for chunk in chunks:
            yield from chunk_documents(chunk, tokenize_values(chunk_values(chunk)))
        return
    helpers = [_Helper() for _ in range(jobs - 1)]
    LAST_BUILD["helpers"] = len(helpers)
    try:
        window: collections.deque = collections.deque()  # (chunk, helper), in order

        def submit() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                helper = min(helpers, key=lambda h: h.pending)
                helper.send(chunk_values(chunk))
                window.append((chunk, helper))

        for _ in range(3 * len(helpers)):
            submit()
        while window:
            chunk, helper = window.popleft()
            tokens = helper.receive()
            submit()
            yield from chunk_documents(chunk, tokens)
    finally:
        LAST_BUILD["helper_peak_rss_mb"] = [h.close() for h in helpers]


class TantivyEngine:
    name = "tantivy"

    def build(self, index_dir: Path, records: Iterable[IndexRecord]) -> None:
        index_dir = Path(index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = tantivy.Index(schema(), path=str(index_dir), reuse=False, sort_by_field="seq")
        writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)
        n, statuses = 0, set()

        def counted(rs):
            nonlocal n
            for r in rs:
                n += 1
                statuses.add(r.status)
                yield r

        for doc in documents(counted(records)):
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        weights = sorted({STATUS_WEIGHTS.get(s, 1.0) for s in statuses})
        (index_dir / MARKER).write_text(json.dumps({"records": n, "statuses": sorted(statuses),
                                                    "weights": weights}), encoding="utf-8")

    def add(self, index_dir: Path, records: Iterable[IndexRecord]) -> None:
        """Add records to a built index (in place: an ingest works on a copy of the build)."""
        index_dir = Path(index_dir)
        facts = json.loads((index_dir / MARKER).read_text(encoding="utf-8"))
        ix = tantivy.Index.open(str(index_dir))
        writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)
        records = list(records)
        for doc in documents(records, jobs=1):
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        statuses = sorted(set(facts.get("statuses", [])) | {r.status for r in records})
        (index_dir / MARKER).write_text(json.dumps({
            "records": facts.get("records", 0) + len(records), "statuses": statuses,
            "weights": sorted({STATUS_WEIGHTS.get(s, 1.0) for s in statuses})}), encoding="utf-8")

    def records(self, index_dir: Path) -> int:
        return json.loads((Path(index_dir) / MARKER).read_text(encoding="utf-8")).get("records", 0)

    def open(self, index_dir: Path) -> "TantivyIndex":
        index_dir = Path(index_dir)
        if not (index_dir / MARKER).exists():
            raise KBNotBuiltError(f"{index_dir}: no tantivy search index in this build; rebuild with "
                                  "`POLICYKB_ENGINE=tantivy policykb build`")
        facts = json.loads((index_dir / MARKER).read_text(encoding="utf-8"))
        return TantivyIndex(tantivy.Index.open(str(index_dir)), weights=facts.get("weights"))


# ---------------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------------

class TantivyIndex:
    def __init__(self, ix: tantivy.Index, weights: list[float] | None = None):
        self.ix = ix
        self.schema = ix.schema
        self.searcher = ix.searcher()
        # Status weights change the ranking only where statuses of different weights are
        # indexed (outlines beside full texts); with one weight every score is simply scaled.
        if weights is None or len(weights) > 1:
            self.weight, self.scale = dict(weight_by_field=WEIGHT_FIELD), WEIGHT_SCALE
        else:
            self.weight, self.scale = {}, 1.0 / (weights[0] if weights else 1.0)

    # Statistics of the word and bigram fields (kb.search.stats): the same numbers as Whoosh's.
    def num_docs(self) -> int:
        return self.searcher.num_docs

    def doc_freq(self, field: str, term: str) -> int:
        return self.searcher.doc_freq(field, term)

    def terms(self, field: str) -> list[tuple[str, int]]:
        return [(t, n) for t, n in self.searcher.terms_with_prefix(field, "")]

    def search(self, plan, filters: Filters, limit: int) -> EngineResult:
        query = to_tantivy(plan, self.schema)
        flt = filter_query(filters, self.schema)
        if query is None or flt is _NOTHING:
            return EngineResult(0)
        if flt is not None:
            query = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, flt)])
        res = self.searcher.search(query, max(1, limit), count=True, **self.weight)
        doc, loads, scale = self.searcher.doc, json.loads, self.scale
        hits = []
        for score, addr in res.hits:
            record = loads(doc(addr).get_first("record"))
            hits.append(EngineHit(record["id"], score / scale, record))
        # Ties in reading order, as in Whoosh (the index is sorted by seq; segments may interleave).
        hits.sort(key=lambda h: (-round(h.score, 5), h.record["seq"]))
        return EngineResult(res.count, hits)


def _term(schema, field: str, token: str, boost: float):
    return tantivy.Query.boost_query(tantivy.Query.term_query(schema, field, token, index_option="freq"), boost)


def _sequence(schema, field: str, tokens: tuple[str, ...], boost: float):
    if not tokens:
        return None
    if len(tokens) == 1:
        return _term(schema, field, tokens[0], boost)
    # A phrase scores the sum of its tokens' weights: divide to score their mean (as Whoosh).
    return tantivy.Query.boost_query(tantivy.Query.phrase_query(schema, field, list(tokens)),
                                     boost / len(tokens))


def _form(schema, form: Form, place: str, weight: float) -> list:
    w = weight * form.weight * PLACE_WEIGHTS[place]
    qs = [_sequence(schema, place, form.words, w * WORD_WEIGHT), _bigram_query(schema, form, place, w)]
    return [x for x in qs if x is not None]


def _bigram_query(schema, form: Form, place: str, w: float):
    """The form as a phrase of bigrams — or, when it is one run of four or more CJK
    characters, as the equivalent four-gram term (a four-character word) or phrase of
    four-grams (``grow_grams``), whose postings are far shorter than the bigrams'."""
    bigrams = form.bigrams
    if len(bigrams) >= 3 and all(len(b) == 2 and CJK_RE.match(b) for b in bigrams):
        chars = bigrams[0] + "".join(b[1] for b in bigrams[1:])
        quads = tuple(chars[i:i + 4] for i in range(len(chars) - 3))
        return _sequence(schema, place + "_quad", quads, w * BIGRAM_WEIGHT)
    return _sequence(schema, place + "_bi", bigrams, w * BIGRAM_WEIGHT)


def _any(queries: list):
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Occur.Should, x) for x in queries])


def _all(queries: list):
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Occur.Must, x) for x in queries])


def _maybe(required, optional: list):
    return tantivy.Query.boolean_query([(Occur.Must, required)] + [(Occur.Should, x) for x in optional])


def unit_query(unit: Unit, schema, partial: bool = False):
    match, context = ranked_unit_query(unit, functools.partial(_form, schema), _any, _all, _maybe, partial)
    if not context:
        return match
    # Whoosh's AndMaybe: must match in text/headings; a context match adds to the score.
    return tantivy.Query.boolean_query([(Occur.Must, match), (Occur.Should, _any(context))])


def to_tantivy(node, schema):
    if node is None:
        return None
    if isinstance(node, Unit):
        return unit_query(node, schema)
    if isinstance(node, PartialUnit):
        return unit_query(node.unit, schema, partial=True)
    if isinstance(node, q.Not):
        return _excluding([to_tantivy(node.item, schema)])
    if isinstance(node, q.And):
        must, must_not = [], []
        for item in node.items:
            if isinstance(item, q.Not):
                must_not.append(to_tantivy(item.item, schema))
            else:
                must.append(to_tantivy(item, schema))
        if not must:
            return _excluding(must_not)
        return tantivy.Query.boolean_query([(Occur.Must, x) for x in must]
                                           + [(Occur.MustNot, x) for x in must_not])
    return _any([to_tantivy(x, schema) for x in node.items])


def _excluding(queries: list):
    """Everything but ``queries`` (a NOT with nothing positive beside it)."""
    return tantivy.Query.boolean_query([(Occur.Must, tantivy.Query.all_query())]
                                       + [(Occur.MustNot, x) for x in queries])


_NOTHING = object()


def filter_query(f: Filters, schema):
    """The filters as one query that matches without scoring (constant score 0)."""
    def term(field, value):
        return tantivy.Query.term_query(schema, field, value, index_option="basic")

    terms = []
    if f.doc:
        terms.append(term("doc_id", f.doc))
    if f.level:
        terms.append(term("level", f.level))
    if f.year is not None:
        terms.append(term("years", str(f.year)))
    if f.parties is not None:
        if not f.parties:
            return _NOTHING
        terms.append(_any([term("parties", p) for p in f.parties]))
    if not terms:
        return None
    both = terms[0] if len(terms) == 1 else tantivy.Query.boolean_query([(Occur.Must, t) for t in terms])
    return tantivy.Query.const_score_query(both, 0.0)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--segment"]:
        _serve_segmenting()
