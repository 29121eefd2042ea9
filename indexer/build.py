"""``policykb build``: corpus folder → a complete KB, swapped in atomically.

1. Discover the documents (``indexer.corpus``) and parse each one
   (``indexer.pipeline``); a document that cannot be read fails the build with
   its one-line error, before anything is written.
2. Run the corpus-wide stages (citation resolution, citation and alignment links).
3. Write everything into ``<home>/build-<stamp>.tmp/``, rename it to
   ``build-<stamp>/`` and point the ``current`` symlink at it with
   ``os.replace`` (atomic on POSIX). Only then are older builds removed — those
   no reader holds (``kb.paths.hold``); one still read is removed by a later build.

A build killed at any moment leaves ``current`` pointing at the previous
complete build; leftover ``*.tmp`` folders (and a temporary ``.current-*``
link) are cleared by the next build. One build at a time writes to a data
directory: a second one fails at once with a one-line error (``.build.lock``,
a lock the operating system releases even when the holder is killed, ``kb.locks``).

Many documents are parsed on all cores (``POLICYKB_JOBS`` processes, default
the number of CPUs; 1 parses in this process). ``BuildSummary.timings`` says
where the time went: ``parse``, ``resolve`` (citations), ``link`` (citation and
alignment links), ``sqlite`` and ``index`` (the search index).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb import paths, store
from kb.errors import BuildLockedError, storage
from kb.locks import try_lock
from kb.models import Link
from kb.search.engine import build_choice, scale_advice
from indexer import corpus as corpus_mod
from indexer import search_index, workers
from indexer.parse_cache import ParseCache, entry_key
from indexer.pipeline import ParsedDocument, parse_file
from indexer.link import link_stage
from indexer.resolve import resolve_citations

@dataclass
class BuildSummary:
    home: Path
    build_dir: Path
    documents: list[ParsedDocument]
    links: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cached: int = 0  # documents unchanged since an earlier build, not parsed again
    engine: str = ""  # the search engine whose index the build holds
    incremental: bool = False  # an ingest that updated the previous build (``update``), not a full build


LOCK_NAME = ".build.lock"
PARALLEL_MIN_DOCS = 24  # fewer documents parse faster in one process than the pool starts


def _parse_entry(entry) -> ParsedDocument:
    from indexer.align import clause_terms

    pd = parse_file(entry.path, entry.meta)
    pd.parse = None  # the parser's intermediate result: large, and no writer needs it
    pd.terms = clause_terms(pd.provisions)
    return pd


_LOCK_FILES: list = []  # build locks this process holds


def _drop_inherited_locks() -> None:
    """In a forked child (the parsing pool): close the inherited lock file, so the lock dies
    with the build process itself even if a worker outlives it for a moment."""
    for f in _LOCK_FILES:
        try:
            os.close(f.fileno())
        except OSError:
            pass
    _LOCK_FILES.clear()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_drop_inherited_locks)


def _lock(home: Path):
    """Hold the data directory's build lock (released when the process ends, even by SIGKILL)."""
    f = open(home / LOCK_NAME, "a+")
    if not try_lock(f):
        f.seek(0)
        holder = f.read().strip() or "?"
        f.close()
        raise BuildLockedError(f"{home}: another `policykb build` (pid {holder}) is writing this data "
                               "directory; wait for it to finish, then build again") from None
    f.seek(0)
    f.truncate()
    f.write(str(os.getpid()))
    f.flush()
    _LOCK_FILES.append(f)
    return f


def _progress(i: int, n: int, label: str, stream=sys.stderr) -> None:
    if stream is None:
        return
    width = 24
    done = int(width * i / max(n, 1))
    stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {label[:40]:<40}")
    if i == n:
        stream.write("\n")
    stream.flush()


def parse_corpus(corpus_dir: Path, progress=sys.stderr, cache: ParseCache | None = None) -> list[ParsedDocument]:
    """Parse every document of the corpus (in a pool of processes when there are many);
    with a ``cache``, documents parsed by an earlier build and unchanged since are loaded."""
    entries = corpus_mod.discover(corpus_dir)
    docs: list[ParsedDocument | None] = [None] * len(entries)
    keys: list[str] = []
    if cache is not None:
        keys = [entry_key(e) for e in entries]
        docs = [cache.get(k) for k in keys]
    todo = [i for i, pd in enumerate(docs) if pd is None]
    jobs = min(workers.jobs(), len(todo))
    if jobs > 1 and len(todo) >= PARALLEL_MIN_DOCS:
        with workers.pool(jobs) as pool:
            chunk = max(1, min(16, len(todo) // (jobs * 8)))
            parsed = pool.map(_parse_entry, [entries[i] for i in todo], chunksize=chunk)
            for n, (i, pd) in enumerate(zip(todo, parsed)):
                _progress(n, len(todo), entries[i].path.name, progress)
                docs[i] = pd
    else:
        for n, i in enumerate(todo):
            _progress(n, len(todo), entries[i].path.name, progress)
            docs[i] = _parse_entry(entries[i])
    if cache is not None:
        for i in todo:
            cache.put(keys[i], docs[i])
        cache.parsed = [docs[i].document.id for i in todo]
    _progress(len(todo), len(todo), "parsed", progress)
    seen: dict[str, Path] = {}
    for pd, entry in zip(docs, entries):
        if pd.document.id in seen:
            raise corpus_mod.CorpusError(
                f"{entry.path}: document id '{pd.document.id}' is also used by {seen[pd.document.id]}; "
                "give one of them another id in its .meta.yaml")
        seen[pd.document.id] = entry.path
    return docs


def _clear_stale(home: Path, keep: Path | None) -> None:
    """Remove unfinished builds, and finished ones no reader holds (``kb.paths.hold``): a build
    a reader still uses stays for a later build to remove."""
    for child in home.iterdir():
        if child.name.startswith("build-") and child != keep and not child.is_symlink():
            if child.name.endswith(".tmp"):
                shutil.rmtree(child, ignore_errors=True)
            else:
                paths.remove_unheld(child)
        elif child.name.startswith(".current-") and child.is_symlink():
            child.unlink(missing_ok=True)  # a link a killed build made but never renamed


def build(corpus_dir: Path | None = None, home: Path | None = None, progress=sys.stderr) -> BuildSummary:
    return _locked(_build, corpus_dir, home, progress)


def _locked(run, corpus_dir: Path | None, home: Path | None, progress, *args) -> BuildSummary:
    """``run(corpus_dir, home, progress, t0, *args)`` holding the data directory's build lock."""
    t0 = time.perf_counter()
    corpus_dir = Path(corpus_dir) if corpus_dir else paths.default_corpus()
    home = paths.home(home)
    try:
        home.mkdir(parents=True, exist_ok=True)
        lock = _lock(home)
    except OSError as e:
        raise storage(home, e) from None
    try:
        return run(corpus_dir, home, progress, t0, *args)
    except (OSError, sqlite3.OperationalError) as e:  # writing the build: disk full, read-only …
        raise storage(home, e) from None
    finally:
        if lock in _LOCK_FILES:
            _LOCK_FILES.remove(lock)
        lock.close()


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6:06d}"


def _publish(home: Path, tmp: Path, final: Path, stamp: str) -> None:
    """Rename the finished build folder and point ``current`` at it (atomic on POSIX)."""
    os.replace(tmp, final)
    link_tmp = home / f".current-{stamp}"
    os.symlink(final.name, link_tmp)
    os.replace(link_tmp, home / paths.CURRENT)


def _finish(home: Path, final: Path, cache: ParseCache, docs: list[ParsedDocument], clauses: int) -> list[str]:
    """After publishing: clear older builds and unused cache entries; the build's warnings."""
    _clear_stale(home, final)
    cache.prune()
    warnings = [w for pd in docs for w in pd.document.warnings]
    advice = scale_advice(clauses)
    if advice:
        warnings.append(advice)
    return warnings


def _build(corpus_dir: Path, home: Path, progress, t0: float) -> BuildSummary:
    timings: dict[str, float] = {}
    t = time.perf_counter()
    cache = ParseCache(home)
    docs = parse_corpus(corpus_dir, progress, cache)
    timings["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    resolve_citations(docs)  # fills Citation.resolved_id, which the link stage reads
    timings["resolve"] = time.perf_counter() - t

    stamp = _stamp()
    tmp = home / f"build-{stamp}.tmp"
    final = home / f"build-{stamp}"
    tmp.mkdir()
    try:
        t = time.perf_counter()
        links: list[Link] = link_stage(docs)  # from the parsed documents alone (no search index)
        timings["link"] = time.perf_counter() - t
        t = time.perf_counter()
        store.write(tmp / paths.DB_NAME, docs, links,
                    meta={"built_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "corpus": str(corpus_dir)})
        timings["sqlite"] = time.perf_counter() - t
        t = time.perf_counter()
        search_index.write(tmp, docs, links)  # <build>/index/<engine>/ (kb.search)
        timings["index"] = time.perf_counter() - t
        _publish(home, tmp, final, stamp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    clauses = sum(pd.document.clauses for pd in docs)
    warnings = _finish(home, final, cache, docs, clauses)
    return BuildSummary(home, final, docs, len(links), time.perf_counter() - t0, warnings,
                        {k: round(v, 3) for k, v in timings.items()}, cached=cache.hits,
                        engine=build_choice(clauses))


# ---------------------------------------------------------------------------
# Adding documents to a built KB (``policykb ingest``)
# ---------------------------------------------------------------------------

LINK_MIN_BYTES = 1 << 20  # index files this large are hard-linked into the new build, not copied


def _copy_build(src: Path, dst: Path) -> None:
    """A copy of a build folder to change: the SQLite file and small files copied, large index
    files (immutable segments: engines write new files, never into old ones) hard-linked."""
    def copy(a, b):
        if os.path.getsize(a) >= LINK_MIN_BYTES and not a.endswith(paths.DB_NAME):
            try:
                return os.link(a, b)
            except OSError:
                pass
        return shutil.copy2(a, b)

    shutil.copytree(src, dst, copy_function=copy)


def update(corpus_dir: Path, added: list[str], home: Path | None = None, progress=sys.stderr) -> BuildSummary:
    """Add the documents ``added`` (ids of files already in ``corpus_dir``) to the built KB
    without rebuilding it, and publish the result atomically like ``build``.

    Only the new documents are parsed (the others come from the parse cache). Links are
    recomputed for the new documents and for the documents they concern: those whose
    citations now resolve differently, those whose citation chain reaches one of these, and
    those that can implement a new document (``indexer.link``); every other document's
    links depend on nothing that changed and are kept. The new build is a copy of the
    current one (the SQLite file copied, index segments hard-linked) updated in place, and
    its search index gets the new records (``Engine.add``). The result equals a full
    rebuild of the same corpus (``tests/test_incremental.py``), except that the new
    documents' records come last in the search index's reading order (ties between equal
    scores). Where that cannot hold — no current build, another document changed or went
    away since, the engine for the corpus size changes — this is a full ``build``.
    """
    return _locked(_update, corpus_dir, home, progress, set(added))


def _built_engines(build_dir: Path) -> list[str]:
    from kb.search.engine import ENGINES, INDEX_DIR

    root = build_dir / INDEX_DIR
    return sorted(p.name for p in root.iterdir() if p.name in ENGINES) if root.is_dir() else []


def _update(corpus_dir: Path, home: Path, progress, t0: float, added: set[str]) -> BuildSummary:
    from indexer import link
    from indexer.jurisdiction import relation
    from kb.search.engine import get_engine, index_dir

    current = home / paths.CURRENT
    if not current.exists():
        return _build(corpus_dir, home, progress, t0)
    old_dir = current.resolve()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    cache = ParseCache(home)
    docs = parse_corpus(corpus_dir, progress, cache)
    timings["parse"] = time.perf_counter() - t
    by_id = {pd.document.id: pd for pd in docs}
    reader = store.Reader(old_dir / paths.DB_NAME)
    old_ids = {r[0] for r in reader.query("SELECT id FROM documents")}
    clauses = sum(pd.document.clauses for pd in docs)
    engine = build_choice(clauses)
    if (old_ids | added != set(by_id) or old_ids & added or set(cache.parsed) - added
            or _built_engines(old_dir) != [engine]):
        reader.close()
        return _build(corpus_dir, home, progress, t0)

    t = time.perf_counter()
    old_cites: dict[str, list] = {}
    for doc_id, start, resolved in reader.query("SELECT doc_id, start, resolved_id FROM citations"):
        old_cites.setdefault(doc_id, []).append((start, resolved))
    reader.close()
    resolve_citations(docs)  # over the whole corpus: a document may now cite the new one
    recited = [pd for pd in docs if pd.document.id not in added
               and sorted((c.start, c.resolved_id) for c in pd.citations) != sorted(old_cites.get(pd.document.id, []))]
    # Documents whose candidate upstreams may change: the new ones, the re-resolved ones, every
    # document whose citation chain reaches one of them, and those that can implement a new one.
    changed = added | {pd.document.id for pd in recited}
    cited_by: dict[str, set[str]] = {}
    for pd in docs:
        for c in pd.citations:
            if c.resolved_id:
                cited_by.setdefault(c.resolved_id, set()).add(pd.document.id)
    relinked, frontier = set(changed), list(changed)
    while frontier:
        for d in cited_by.get(frontier.pop(), ()):
            if d not in relinked:
                relinked.add(d)
                frontier.append(d)
    linker = link.Linker(docs)
    for pd in docs:
        d = pd.document.id
        if d in relinked or link.cited_upstreams(pd, by_id):
            continue
        for x in added:
            if relation(by_id[x].document, pd.document, linker.profiles.place(x), linker.profiles.place(d))[0] \
                    and linker.profiles.related(d, x) >= link.MIN_RELATED:
                relinked.add(d)
    order = [pd.document.id for pd in docs]
    new_links = [lk for d in order if d in relinked for lk in linker.links_for(by_id[d])]
    timings["link"] = time.perf_counter() - t

    stamp = _stamp()
    tmp = home / f"build-{stamp}.tmp"
    final = home / f"build-{stamp}"
    try:
        t = time.perf_counter()
        _copy_build(old_dir, tmp)
        timings["copy"] = time.perf_counter() - t
        t = time.perf_counter()
        new_docs = [by_id[d] for d in order if d in added]
        store.update(tmp / paths.DB_NAME, order, new_docs, recited, sorted(relinked), new_links,
                     meta={"built_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "corpus": str(corpus_dir)})
        timings["sqlite"] = time.perf_counter() - t
        t = time.perf_counter()
        eng = get_engine(engine)
        where = index_dir(tmp, eng.name)
        seq = eng.records(where)
        records = []
        for pd in new_docs:
            records += search_index.document_records(pd, seq + len(records))
        eng.add(where, records)
        timings["index"] = time.perf_counter() - t
        _publish(home, tmp, final, stamp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    warnings = _finish(home, final, cache, docs, clauses)
    total = store.Reader(final / paths.DB_NAME)
    n_links = total.query("SELECT COUNT(*) FROM links")[0][0]
    total.close()
    return BuildSummary(home, final, docs, n_links, time.perf_counter() - t0, warnings,
                        {k: round(v, 3) for k, v in timings.items()}, cached=cache.hits,
                        engine=engine, incremental=True)
