"""The corpus folder: which files are documents, and their sidecar metadata.

A document is a source file (``.txt``/``.md`` and the other kinds
``indexer.sources`` reads) with an optional sidecar ``<stem>.meta.yaml``, or
an outline file ``<id>.outline.yaml`` (``indexer.outline``: facts about a
document whose official text we do not have). Sub-folders are not read: an
outline replaced by its official text is kept in ``corpus/replaced/``.
Sidecar values are authoritative; values parsed from the text (文号, 主送,
signature, date) are checked against them and disagreements become warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path

import yaml

from kb.errors import CorpusError
from kb.models import LEVELS, STATUSES
from indexer import sources

SIDECAR = ".meta.yaml"
OUTLINE = ".outline.yaml"
REPLACED_DIR = "replaced"  # outlines replaced by their official text; not read by discover
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")


@dataclass
class CorpusEntry:
    path: Path  # the source file
    meta: dict  # sidecar metadata (may be empty)
    sidecar: Path | None

    @property
    def is_outline(self) -> bool:
        return self.path.name.endswith(OUTLINE)


def read_sidecar(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise CorpusError(f"{path}: not valid UTF-8 YAML ({str(e).splitlines()[0]}); fix the sidecar file") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: a sidecar must be a YAML mapping of field: value")
    data = {k: (v.isoformat() if isinstance(v, _date) else v) for k, v in data.items()}
    if data.get("level") is not None and data["level"] not in LEVELS:
        raise CorpusError(f"{path}: level '{data['level']}' is not one of {', '.join(LEVELS)}")
    if data.get("status") is not None and data["status"] not in STATUSES:
        raise CorpusError(f"{path}: status '{data['status']}' is not one of {', '.join(STATUSES)}")
    if data.get("id") is not None and not ID_RE.match(str(data["id"])):
        raise CorpusError(f"{path}: id '{data['id']}' may use only letters, digits, '-', '_' and '.'")
    return data


def discover(corpus: Path) -> list[CorpusEntry]:
    """The documents of a corpus folder, sorted by file name (so builds are reproducible)."""
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: no such corpus folder; run from the project folder or pass --corpus DIR")
    entries = []
    for path in sorted(corpus.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.name.endswith(OUTLINE):
            entries.append(CorpusEntry(path, {}, None))
        elif path.suffix.lower() in sources.SUFFIXES and not path.name.endswith(SIDECAR):
            sidecar = path.with_name(path.stem + SIDECAR)
            meta = read_sidecar(sidecar) if sidecar.exists() else {}
            entries.append(CorpusEntry(path, meta, sidecar if sidecar.exists() else None))
    if not entries:
        raise CorpusError(f"{corpus}: no documents found (.txt, .md, …); add one with `policykb ingest FILE`")
    return entries
