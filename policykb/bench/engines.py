"""Every engine the benchmark runs, behind one small interface.

``build(records, index_dir)`` indexes the index records of a corpus
(``indexer.search_index.records``: what ``policykb build`` hands the search engine) into an empty
folder; ``open(index_dir)`` opens it for searching; ``search(query, limit)`` answers
one ``policykb.bench.queries.BenchQuery`` with ``(total, ids)`` — the number of matching units and the
ids of the best ``limit``. Every engine does the same work per query: parse the query text,
search, count all matches, fetch the ids of the top ``limit``.

* ``whoosh`` / ``tantivy`` — our engines, through the search seam (``kb.search``), exactly as
  ``KB.search`` uses them.
* ``baseline:whoosh-as-shipped`` — Whoosh with ``jieba.analyse.ChineseAnalyzer`` and default
  settings: what a project gets from the jieba README.
* ``baseline:sqlite-fts5`` — SQLite FTS5 (unicode61 tokenizer) over jieba-segmented text
  (``jieba.cut``, words joined by spaces), filters as ``UNINDEXED`` columns.

Every engine indexes the same units: the searchable provisions the search-index writer makes
(``indexer.search_index.records``); the baselines index their text with document id, level and
the years the ``--year`` filter uses.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable, Iterator

from policykb.bench.queries import BenchQuery, fts5_match

LIMIT = 20


def units(records) -> Iterator[tuple[str, str, str, tuple[int, ...], str]]:
    """(id, doc_id, level, years, text) of every index record: the baselines index the same
    units, with the same year filter values (target years and deadlines), as our engines."""
    for r in records:
        yield r.id, r.doc_id, r.level, r.years, r.text


class Engine:
    name = ""

    def build(self, records, index_dir: Path) -> None:
        raise NotImplementedError

    def open(self, index_dir: Path) -> None:
        raise NotImplementedError

    def search(self, q: BenchQuery, limit: int = LIMIT) -> tuple[int, list[str]]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def after_build(self, index_dir: Path) -> None:
        """Anything else the engine needs to answer queries (not part of the timed build)."""

    def index_path(self, index_dir: Path) -> Path:
        """What counts as the index on disk."""
        return index_dir

    def build_stats(self) -> dict:
        """Facts the engine keeps about its last build (helper processes and their peak memory)."""
        return {}


# ---------------------------------------------------------------------------
# Ours, through the search seam
# ---------------------------------------------------------------------------


class SeamEngine(Engine):
    """One of our engines (``kb.search.engine.ENGINES``) exactly as ``KB.search`` uses it.

    The timed build is the engine's ``build`` on the index records, as the search-index writer
    of ``policykb build`` calls it; the KB's SQLite file (written once by the benchmark) is
    linked beside the index because ``KB.search`` checks filters against it. A query is
    ``KB.search(text, doc=…, level=…, year=…, limit=20)``: parse, plan (synonyms, partial
    words), the engine, hits with their highlights.
    """

    def __init__(self, name: str):
        self.name = name

    def build(self, records, index_dir: Path) -> None:
        from kb.search.engine import ENV, get_engine, index_dir as engine_dir

        os.environ[ENV] = self.name
        get_engine(self.name).build(engine_dir(index_dir, self.name), records)

    def after_build(self, index_dir: Path) -> None:
        from kb import paths

        # The KB's SQLite file, written once by the benchmark (bench.run.prepare), beside the index.
        os.symlink(index_dir.parent / "kb" / paths.DB_NAME, index_dir / paths.DB_NAME)

    def index_path(self, index_dir: Path) -> Path:
        from kb.search.engine import index_dir as engine_dir

        return engine_dir(index_dir, self.name)

    def build_stats(self) -> dict:
        import importlib

        from kb.search.engine import ENGINES

        module = importlib.import_module(ENGINES[self.name].split(":")[0])
        return dict(getattr(module, "LAST_BUILD", {}))

    def open(self, index_dir: Path) -> None:
        from kb.api import KB
        from kb.search.engine import ENV
        from kb.search.service import open_index

        os.environ[ENV] = self.name
        self.kb = KB(index_dir)
        open_index(self.kb)

    def search(self, q: BenchQuery, limit: int = LIMIT) -> tuple[int, list[str]]:
        res = self.kb.search(q.text, doc=q.filters.get("doc"), level=q.filters.get("level"),
                             year=q.filters.get("year"), limit=limit)
        return res.total, [h.id for h in res.hits]


# ---------------------------------------------------------------------------
# Baselines
# ---------------------------------------------------------------------------


class WhooshAsShipped(Engine):
    """Whoosh + ``jieba.analyse.ChineseAnalyzer``, default writer and parser settings."""

    name = "baseline:whoosh-as-shipped"

    def schema(self):
        from jieba.analyse import ChineseAnalyzer
        from whoosh.fields import ID, KEYWORD, TEXT, Schema

        return Schema(id=ID(stored=True, unique=True), doc=ID, level=ID, year=KEYWORD,
                      text=TEXT(stored=True, analyzer=ChineseAnalyzer()))

    def build(self, records, index_dir: Path) -> None:
        import jieba
        from whoosh import index

        jieba.setLogLevel(logging.WARNING)
        ix = index.create_in(str(index_dir), self.schema())
        writer = ix.writer()
        for pid, doc_id, level, years, text in units(records):
            writer.add_document(id=pid, doc=doc_id, level=level, year=" ".join(map(str, years)), text=text)
        writer.commit()

    def open(self, index_dir: Path) -> None:
        import jieba
        from whoosh import index
        from whoosh.qparser import QueryParser

        jieba.setLogLevel(logging.WARNING)
        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema)

    def search(self, q: BenchQuery, limit: int = LIMIT) -> tuple[int, list[str]]:
        from whoosh import query as wq

        parsed = self.parser.parse(q.text)
        terms = [wq.Term(k, str(v)) for k, v in q.filters.items()]
        flt = wq.And(terms) if terms else None
        results = self.searcher.search(parsed, limit=limit, filter=flt)
        return len(results), [hit["id"] for hit in results]

    def close(self) -> None:
        self.searcher.close()


class SqliteFts5(Engine):
    """SQLite FTS5 over jieba-segmented text (words joined by spaces)."""

    name = "baseline:sqlite-fts5"
    FILE = "fts5.sqlite"

    @staticmethod
    def segment(text: str) -> list[str]:
        import jieba

        return [w for w in jieba.cut(text) if w.strip()]

    def build(self, records, index_dir: Path) -> None:
        import sqlite3

        import jieba

        jieba.setLogLevel(logging.WARNING)
        con = sqlite3.connect(index_dir / self.FILE)
        con.execute("CREATE VIRTUAL TABLE clauses USING fts5("
                    "id UNINDEXED, doc UNINDEXED, level UNINDEXED, year UNINDEXED, text)")
        con.executemany("INSERT INTO clauses VALUES (?,?,?,?,?)",
                        ((pid, doc_id, level, "".join(f" {y} " for y in years), " ".join(self.segment(text)))
                         for pid, doc_id, level, years, text in units(records)))
        con.commit()
        con.execute("INSERT INTO clauses(clauses) VALUES ('optimize')")
        con.commit()
        con.close()

    def open(self, index_dir: Path) -> None:
        import sqlite3

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.con = sqlite3.connect(f"{(index_dir / self.FILE).as_uri()}?mode=ro", uri=True)

    def search(self, q: BenchQuery, limit: int = LIMIT) -> tuple[int, list[str]]:
        match = fts5_match(q.text, self.segment)
        if not match:
            return 0, []
        where = "clauses MATCH ?"
        params: list = [match]
        for k, v in q.filters.items():
            if k == "year":
                where += " AND instr(year, ?) > 0"
                params.append(f" {v} ")
            else:
                where += f" AND {k} = ?"
                params.append(v)
        rows = self.con.execute(
            f"SELECT id, count(*) OVER () FROM clauses WHERE {where} ORDER BY rank LIMIT ?",
            params + [limit]).fetchall()
        return (rows[0][1] if rows else 0), [r[0] for r in rows]

    def close(self) -> None:
        self.con.close()


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

BASELINES: dict[str, Callable[[], Engine]] = {
    WhooshAsShipped.name: WhooshAsShipped,
    SqliteFts5.name: SqliteFts5,
}


def ours() -> dict[str, Callable[[], Engine]]:
    """Our engines, as registered behind the search seam (Whoosh first: the default)."""
    from kb.search.engine import DEFAULT, ENGINES

    names = [DEFAULT] + sorted(n for n in ENGINES if n != DEFAULT)
    return {n: (lambda n=n: SeamEngine(n)) for n in names}


def registry() -> dict[str, Callable[[], Engine]]:
    return {**ours(), **BASELINES}


def make(name: str) -> Engine:
    engines = registry()
    if name not in engines:
        raise KeyError(f"no engine '{name}'; choose from {', '.join(engines)}")
    return engines[name]()
