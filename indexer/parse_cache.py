"""Parsed documents kept between builds, so a rebuild parses only what changed.

Parsing and extraction (jieba, spaCy, the rules) are most of a build's time on a large
corpus; most rebuilds follow a change to one or two files (``policykb ingest`` rebuilds the
whole KB). Each parsed document is stored as JSON (the records as the SQLite file holds
them: a crafted cache file can only fail to load, never run code, as a pickle would) under
``<home>/cache/parse/<fingerprint>/``, named by a hash of everything its parse depends on:

* the source file's bytes, its path and its sidecar metadata (``CorpusEntry``);
* the *fingerprint*: a hash of the code and data of the ``indexer`` and ``kb`` packages
  and the versions of the libraries that parse (jieba, spaCy …). Any change to the
  parser, a lexicon or a library starts a new cache folder, and the old one is removed.

What is stored is the document as parsed (before the corpus stages, which look across
documents and always run). A cache file that cannot be read is ignored and written again;
the cache never holds anything a build needs to succeed: deleting ``cache/`` is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kb import models, store

DIR = Path("cache") / "parse"
SUFFIX = ".json"
FORMAT = 1  # the layout of a cache file; a file of another layout is parsed again
LIBRARIES = ("jieba", "spacy", "beautifulsoup4", "lxml", "pypdfium2", "python-docx", "pyyaml")
SOURCES = ("indexer", "kb")  # the packages whose code and data decide a parse


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of the parsing code, its data files and library versions."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for package in SOURCES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name}={version}".encode())
    return h.hexdigest()[:20]


def entry_key(entry) -> str:
    """A hash of what one document's parse reads: the file, its path, its metadata."""
    h = hashlib.sha256()
    h.update(str(Path(entry.path).resolve()).encode())
    h.update(json.dumps(entry.meta, sort_keys=True, ensure_ascii=False, default=str).encode())
    with open(entry.path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ParseCache:
    def __init__(self, home: Path):
        self.root = Path(home) / DIR
        self.dir = self.root / fingerprint()
        self.hits = 0
        self.parsed: list[str] = []  # ids of the documents the last parse_corpus parsed (not cached)
        self.used: set[str] = set()

    def get(self, key: str):
        """The parsed document stored under ``key``, or None."""
        self.used.add(key)
        try:
            with open(self.dir / f"{key}{SUFFIX}", encoding="utf-8") as f:
                pd = from_json(json.load(f))
        except Exception:  # missing, truncated, foreign or malformed: parse again and overwrite it
            return None
        self.hits += 1
        return pd

    def put(self, key: str, pd) -> None:
        """Store a parsed document (atomically: a reader never sees half a file)."""
        self.used.add(key)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=SUFFIX)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(to_json(pd), f, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.dir / f"{key}{SUFFIX}")
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    def prune(self) -> None:
        """Remove entries this build did not use and folders of other fingerprints."""
        if self.root.is_dir():
            for child in self.root.iterdir():
                if child != self.dir:
                    shutil.rmtree(child, ignore_errors=True)
        if self.dir.is_dir():
            for path in self.dir.iterdir():
                if path.name.startswith(".tmp-") or path.stem not in self.used:
                    path.unlink(missing_ok=True)


def to_json(pd) -> dict:
    """A parsed document as plain JSON data (its intermediate parse is not kept)."""
    return {"format": FORMAT, "document": models.to_dict(pd.document),
            "provisions": [models.to_dict(p) for p in pd.provisions],
            "citations": [models.to_dict(c) for c in pd.citations],
            "tasks": [models.to_dict(t) for t in pd.tasks],
            "targets": [models.to_dict(t) for t in pd.targets],
            "warnings": list(pd.warnings)}


def from_json(data: dict):
    """The parsed document ``to_json`` wrote; raises on anything else."""
    from indexer.parsed import ParsedDocument

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a parse cache file of this version")
    return ParsedDocument(
        document=store.document_from(data["document"]),
        provisions=[store.provision_from(p) for p in data["provisions"]],
        citations=[store.citation_from(c) for c in data["citations"]],
        tasks=[store.task_from(t) for t in data["tasks"]],
        targets=[store.target_from(t) for t in data["targets"]],
        warnings=[str(w) for w in data["warnings"]])
