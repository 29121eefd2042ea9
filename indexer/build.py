"""``policykb build``: corpus folder → a complete KB, swapped in atomically.

1. Discover the documents (``indexer.corpus``) and parse each one
   (``indexer.pipeline``); a document that cannot be read fails the build with
   its one-line error, before anything is written.
2. Run the corpus-wide stages (citation resolution, alignment links).
3. Write everything into ``<home>/build-<stamp>.tmp/``, rename it to
   ``build-<stamp>/`` and point the ``current`` symlink at it with
   ``os.replace`` (atomic on POSIX). Only then are older builds removed — those
   no reader holds (``kb.paths.hold``); one still read is removed by a later build.

A build killed at any moment leaves ``current`` pointing at the previous
complete build; leftover ``*.tmp`` folders (and a temporary ``.current-*``
link) are cleared by the next build. One build at a time writes to a data
directory: a second one fails at once with a one-line error (``.build.lock``,
an ``flock`` the kernel releases even when the holder is killed).

Many documents are parsed on all cores (``POLICYKB_JOBS`` processes, default
the number of CPUs; 1 parses in this process). ``BuildSummary.timings`` says
where the time went: ``parse``, ``resolve`` (citations), ``sqlite``, ``index`` (the search
index) and ``link`` (alignment links).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb import paths, store
from kb.api import KB
from kb.errors import BuildLockedError, ConfigError
from kb.models import Link
from kb.search.engine import scale_advice
from indexer import corpus as corpus_mod
from indexer import search_index
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


LOCK_NAME = ".build.lock"
PARALLEL_MIN_DOCS = 24  # fewer documents parse faster in one process than the pool starts


def _jobs() -> int:
    env = os.environ.get("POLICYKB_JOBS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ConfigError(f"POLICYKB_JOBS={env!r} is not a number; give how many processes "
                                "parse documents (1 = no parallel parsing)") from None
    return os.cpu_count() or 1


def _die_with_parent() -> None:
    """In a parsing worker: end when the build process ends, even by SIGKILL (an orphaned
    worker would wait forever on a queue whose other end it holds itself)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent ended before prctl
        os._exit(1)


def _parse_entry(entry) -> ParsedDocument:
    pd = parse_file(entry.path, entry.meta)
    pd.parse = None  # the parser's intermediate result: large, and no writer needs it
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


os.register_at_fork(after_in_child=_drop_inherited_locks)


def _lock(home: Path):
    """Hold the data directory's build lock (released when the process ends, even by SIGKILL)."""
    f = open(home / LOCK_NAME, "a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
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
    jobs = min(_jobs(), len(todo))
    if jobs > 1 and len(todo) >= PARALLEL_MIN_DOCS:
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        # fork is fast; a process with other threads (the app) must not fork.
        fork = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if fork else "spawn")
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_die_with_parent) as pool:
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
    t0 = time.perf_counter()
    corpus_dir = Path(corpus_dir) if corpus_dir else paths.default_corpus()
    home = paths.home(home)
    home.mkdir(parents=True, exist_ok=True)
    lock = _lock(home)
    try:
        return _build(corpus_dir, home, progress, t0)
    finally:
        if lock in _LOCK_FILES:
            _LOCK_FILES.remove(lock)
        lock.close()


def _build(corpus_dir: Path, home: Path, progress, t0: float) -> BuildSummary:
    timings: dict[str, float] = {}
    t = time.perf_counter()
    cache = ParseCache(home)
    docs = parse_corpus(corpus_dir, progress, cache)
    timings["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    resolve_citations(docs)  # fills Citation.resolved_id, which the link stage reads
    timings["resolve"] = time.perf_counter() - t
    links: list[Link] = []

    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6:06d}"
    tmp = home / f"build-{stamp}.tmp"
    final = home / f"build-{stamp}"
    tmp.mkdir()
    try:
        t = time.perf_counter()
        store.write(tmp / paths.DB_NAME, docs, links,
                    meta={"built_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "corpus": str(corpus_dir)})
        timings["sqlite"] = time.perf_counter() - t
        t = time.perf_counter()
        search_index.write(tmp, docs, links)  # <build>/index/<engine>/ (kb.search)
        timings["index"] = time.perf_counter() - t
        # The alignment links query the search index of the unpublished build, through a KB
        # opened on it; they are added to its SQLite file.
        t = time.perf_counter()
        draft = KB(tmp)
        new_links = link_stage(draft, docs)
        draft.close()
        store.add_links(tmp / paths.DB_NAME, new_links)
        links.extend(new_links)
        timings["link"] = time.perf_counter() - t
        os.replace(tmp, final)
        link_tmp = home / f".current-{stamp}"
        os.symlink(final.name, link_tmp)
        os.replace(link_tmp, home / paths.CURRENT)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _clear_stale(home, final)
    cache.prune()
    warnings = [w for pd in docs for w in pd.document.warnings]
    advice = scale_advice(sum(pd.document.clauses for pd in docs))
    if advice:
        warnings.append(advice)
    return BuildSummary(home, final, docs, len(links), time.perf_counter() - t0, warnings,
                        {k: round(v, 3) for k, v in timings.items()}, cached=cache.hits)
