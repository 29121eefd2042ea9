"""``policykb build``: corpus folder → a complete KB, swapped in atomically.

1. Discover the documents (``indexer.corpus``) and parse each one
   (``indexer.pipeline``); a document that cannot be read fails the build with
   its one-line error, before anything is written.
2. Run the corpus-wide stages (citation resolution, alignment links).
3. Write everything into ``<home>/build-<stamp>.tmp/``, rename it to
   ``build-<stamp>/`` and point the ``current`` symlink at it with
   ``os.replace`` (atomic on POSIX). Only then are older builds removed.

A build killed at any moment leaves ``current`` pointing at the previous
complete build; leftover ``*.tmp`` folders are cleared by the next build.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kb import paths, store
from kb.models import Link
from indexer import corpus as corpus_mod
from indexer import search_index
from indexer.pipeline import ParsedDocument, parse_file
from indexer.link import link_stage
from indexer.resolve import resolve_citations

# Corpus-wide stages: (parsed documents) → links; each may also fill fields of
# the documents' records (e.g. ``Citation.resolved_id``).
CorpusStage = Callable[[list[ParsedDocument]], list[Link]]
CORPUS_STAGES: list[CorpusStage] = [resolve_citations]  # resolution first: link stages read resolved_id

# Writers of the build folder beyond the SQLite file (the search index …):
# called as writer(build_dir, parsed_documents, links).
WRITERS: list[Callable[[Path, list[ParsedDocument], list[Link]], None]] = []
WRITERS.append(search_index.write)  # <build>/index/<engine>/ (kb.search)

# Stages that need the written build (they query its search index): called as
# linker(kb, parsed_documents) with a KB opened on the unpublished build; the
# links they return are added to its SQLite file.
LINKERS: list[Callable] = [link_stage]


@dataclass
class BuildSummary:
    home: Path
    build_dir: Path
    documents: list[ParsedDocument]
    links: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def _progress(i: int, n: int, label: str, stream=sys.stderr) -> None:
    if stream is None:
        return
    width = 24
    done = int(width * i / max(n, 1))
    stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {label[:40]:<40}")
    if i == n:
        stream.write("\n")
    stream.flush()


def parse_corpus(corpus_dir: Path, progress=sys.stderr) -> list[ParsedDocument]:
    entries = corpus_mod.discover(corpus_dir)
    docs: list[ParsedDocument] = []
    for i, entry in enumerate(entries):
        _progress(i, len(entries), entry.path.name, progress)
        docs.append(parse_file(entry.path, entry.meta))
    _progress(len(entries), len(entries), "parsed", progress)
    seen: dict[str, Path] = {}
    for pd, entry in zip(docs, entries):
        if pd.document.id in seen:
            raise corpus_mod.CorpusError(
                f"{entry.path}: document id '{pd.document.id}' is also used by {seen[pd.document.id]}; "
                "give one of them another id in its .meta.yaml")
        seen[pd.document.id] = entry.path
    return docs


def _clear_stale(home: Path, keep: Path | None) -> None:
    for child in home.iterdir():
        if child.name.startswith("build-") and child != keep and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)


def build(corpus_dir: Path | None = None, home: Path | None = None, progress=sys.stderr) -> BuildSummary:
    t0 = time.perf_counter()
    corpus_dir = Path(corpus_dir) if corpus_dir else paths.default_corpus()
    home = paths.home(home)
    docs = parse_corpus(corpus_dir, progress)
    links: list[Link] = []
    for stage in CORPUS_STAGES:
        links.extend(stage(docs))

    home.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6:06d}"
    tmp = home / f"build-{stamp}.tmp"
    final = home / f"build-{stamp}"
    tmp.mkdir()
    try:
        store.write(tmp / paths.DB_NAME, docs, links,
                    meta={"built_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "corpus": str(corpus_dir)})
        for writer in WRITERS:
            writer(tmp, docs, links)
        if LINKERS:
            from kb.api import KB

            draft = KB(tmp)
            new_links = [lk for linker in LINKERS for lk in linker(draft, docs)]
            draft.close()
            store.add_links(tmp / paths.DB_NAME, new_links)
            links.extend(new_links)
        os.replace(tmp, final)
        link_tmp = home / f".current-{stamp}"
        os.symlink(final.name, link_tmp)
        os.replace(link_tmp, home / paths.CURRENT)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _clear_stale(home, final)
    warnings = [w for pd in docs for w in pd.document.warnings]
    return BuildSummary(home, final, docs, len(links), time.perf_counter() - t0, warnings)
