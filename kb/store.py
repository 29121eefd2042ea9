"""The SQLite file: schema, writing (used by the indexer) and reading (used by ``kb.api``).

Each table keeps a few key columns for filtering and the whole record as JSON
in ``data`` (``ensure_ascii=False``), so a record read back equals the record
written. Readers open the file read-only (``mode=ro``), one connection per
thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterable

from kb import models

SCHEMA_VERSION = 2  # 2: task_parties.canonical

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents (
    id TEXT PRIMARY KEY, level TEXT, status TEXT, seq INTEGER, data TEXT NOT NULL);
CREATE TABLE provisions (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, seq INTEGER, kind TEXT, parent TEXT,
    part_no INTEGER, article_no INTEGER, data TEXT NOT NULL);
CREATE INDEX provisions_doc ON provisions (doc_id, seq);
CREATE INDEX provisions_parent ON provisions (parent);
CREATE TABLE citations (
    doc_id TEXT NOT NULL, provision_id TEXT, resolved_id TEXT, start INTEGER, data TEXT NOT NULL);
CREATE INDEX citations_doc ON citations (doc_id, start);
CREATE TABLE tasks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, clause_id TEXT, seq INTEGER, data TEXT NOT NULL);
CREATE INDEX tasks_doc ON tasks (doc_id, seq);
CREATE INDEX tasks_clause ON tasks (clause_id);
CREATE TABLE task_parties (task_id TEXT NOT NULL, name TEXT, role TEXT, source TEXT, canonical TEXT);
CREATE INDEX task_parties_name ON task_parties (name);
CREATE INDEX task_parties_canonical ON task_parties (canonical);
CREATE TABLE task_years (task_id TEXT NOT NULL, year INTEGER);
CREATE TABLE targets (
    doc_id TEXT NOT NULL, clause_id TEXT, seq INTEGER, year INTEGER, data TEXT NOT NULL);
CREATE INDEX targets_doc ON targets (doc_id, seq);
CREATE TABLE links (
    source_id TEXT NOT NULL, target_id TEXT NOT NULL, kind TEXT, score REAL, data TEXT NOT NULL);
CREATE INDEX links_source ON links (source_id);
CREATE INDEX links_target ON links (target_id);
"""


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------
# Records ↔ JSON
# ---------------------------------------------------------------------------


def _tuples(d: dict, *keys: str) -> dict:
    for k in keys:
        if k in d and d[k] is not None:
            d[k] = tuple(tuple(x) if isinstance(x, list) else x for x in d[k])
    return d


def document_from(data: str | dict) -> models.Document:
    return models.Document(**_tuples(_loads(data), "recipients", "warnings"))


def provision_from(data: str | dict) -> models.Provision:
    return models.Provision(**_loads(data))


def citation_from(data: str | dict) -> models.Citation:
    return models.Citation(**_loads(data))


def target_from_dict(d: dict) -> models.Target:
    return models.Target(**d)


def task_from(data: str | dict) -> models.Task:
    d = _loads(data)
    d["parties"] = tuple(models.Party(**p) for p in d.get("parties", ()))
    d["deadline"] = models.Deadline(**d["deadline"]) if d.get("deadline") else None
    d["targets"] = tuple(target_from_dict(t) for t in d.get("targets", ()))
    d["verbs"] = tuple(d.get("verbs", ()))
    d["warnings"] = tuple(d.get("warnings", ()))
    d["references"] = tuple(models.Reference(**_tuples(r, "antecedents", "canonical", "antecedent_spans"))
                            for r in d.get("references", ()))
    return models.Task(**d)


def target_from(data: str | dict) -> models.Target:
    return target_from_dict(_loads(data))


def link_from(data: str | dict) -> models.Link:
    return models.Link(**_tuples(_loads(data), "evidence"))


def _loads(data: str | dict) -> dict:
    """A record's JSON text (a ``data`` column) or the dict it was parsed into (a copy)."""
    return json.loads(data) if isinstance(data, str) else dict(data)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def write(path: Path, docs: Iterable, links: Iterable[models.Link] = (), meta: dict | None = None) -> None:
    """Write a fresh KB file from parsed documents (``indexer.pipeline.ParsedDocument``)."""
    con = sqlite3.connect(path)
    try:
        con.executescript(SCHEMA)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        for k, v in (meta or {}).items():
            con.execute("INSERT INTO meta VALUES (?, ?)", (k, dumps(v)))
        for i, pd in enumerate(docs):
            _insert_document(con, pd, i)
        _insert_links(con, links)
        con.commit()
    finally:
        con.close()


def update(path: Path, order: list[str], added: Iterable, recited: Iterable, relinked: Iterable[str],
           links: Iterable[models.Link], meta: dict | None = None) -> None:
    """Change a copy of a KB file in place (``indexer.build.update``): insert the ``added``
    documents, rewrite the citations of ``recited`` documents (their resolution changed),
    replace every link whose source is in a ``relinked`` document by ``links``, and number
    the documents in ``order`` (the corpus order a fresh build would give them)."""
    con = sqlite3.connect(path)
    try:
        for pd in added:
            _insert_document(con, pd, -1)
        for pd in recited:
            con.execute("DELETE FROM citations WHERE doc_id = ?", (pd.document.id,))
            _insert_citations(con, pd)
        for doc_id in relinked:
            # provision ids are "<doc>#…": a range on the indexed source_id ('$' follows '#')
            con.execute("DELETE FROM links WHERE source_id >= ? AND source_id < ?", (doc_id + "#", doc_id + "$"))
        _insert_links(con, links)
        con.executemany("UPDATE documents SET seq = ? WHERE id = ?", [(i, d) for i, d in enumerate(order)])
        for k, v in (meta or {}).items():
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (k, dumps(v)))
        con.commit()
    finally:
        con.close()


def _insert_document(con: sqlite3.Connection, pd, seq: int) -> None:
    d = pd.document
    con.execute("INSERT INTO documents VALUES (?,?,?,?,?)", (d.id, d.level, d.status, seq, dumps(models.to_dict(d))))
    con.executemany(
        "INSERT INTO provisions VALUES (?,?,?,?,?,?,?,?)",
        [(p.id, p.doc_id, p.seq, p.kind, p.parent, p.part_no, p.article_no,
          dumps(models.to_dict(p))) for p in pd.provisions])
    _insert_citations(con, pd)
    for j, t in enumerate(pd.tasks):
        con.execute("INSERT INTO tasks VALUES (?,?,?,?,?)",
                    (t.id, t.doc_id, t.clause_id, j, dumps(models.to_dict(t))))
        con.executemany("INSERT INTO task_parties VALUES (?,?,?,?,?)",
                        [(t.id, p.name, p.role, p.source, p.key) for p in t.parties])
        con.executemany("INSERT INTO task_years VALUES (?,?)", [(t.id, y) for y in models.task_years(t)])
    con.executemany(
        "INSERT INTO targets VALUES (?,?,?,?,?)",
        [(t.doc_id, t.clause_id, j, t.year, dumps(models.to_dict(t)))
         for j, t in enumerate(pd.targets)])


def _insert_citations(con: sqlite3.Connection, pd) -> None:
    con.executemany(
        "INSERT INTO citations VALUES (?,?,?,?,?)",
        [(c.doc_id, c.provision_id, c.resolved_id, c.start, dumps(models.to_dict(c)))
         for c in pd.citations])


def _insert_links(con: sqlite3.Connection, links: Iterable[models.Link]) -> None:
    con.executemany(
        "INSERT INTO links VALUES (?,?,?,?,?)",
        [(lk.source_id, lk.target_id, lk.kind, lk.score, dumps(models.to_dict(lk))) for lk in links])


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


class Reader:
    """Read-only access to one KB file; safe to share across threads."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    @property
    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        try:
            return self.con.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as e:  # truncated, overwritten, deleted: a rebuild fixes it
            from kb.errors import damaged

            self.close()
            raise damaged(self.path, e) from None

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    def meta(self) -> dict:
        return {k: v for k, v in self.query("SELECT key, value FROM meta")}
