"""The JSON documents of the read commands, where they are more than one ``KB`` call.

``policykb <command> --json`` prints exactly these and ``policykb serve`` answers
them over HTTP, so one description (README, docs/deploy.md) covers both. The
other read commands are one call already: ``KB.show``, ``KB.trace``,
``KB.coverage`` and ``KB.search(…).to_dict()``. Shapes: the CLI contract in the
README; add fields freely, rename none.
"""

from __future__ import annotations

from kb.api import KB, target_dict, task_dict


def docs(kb: KB) -> list[dict]:
    """``docs``: every document, in corpus order."""
    return [kb.document_dict(d) for d in kb.documents()]


def tasks(kb: KB, doc: str | None = None, party: str | None = None, year: int | None = None,
          role: str | None = None) -> list[dict]:
    """``tasks``: tasks with parties, deadline and targets (filters as ``KB.tasks``)."""
    return [task_dict(t) for t in kb.tasks(doc=doc, party=party, year=year, role=role)]


def targets(kb: KB, doc: str | None = None, year: int | None = None, compare: bool = False,
            indicator: str | None = None) -> list[dict]:
    """``targets``: the targets of a document or all; with ``compare``, each target next to
    the same indicator upstream (``KB.compare_targets``), ``year`` matching either side."""
    if not compare:
        return [target_dict(t) for t in kb.targets(doc=doc, year=year)]
    if doc:
        kb.document(doc)  # NotFoundError names the fix, as without ``compare``
    rows = kb.compare_targets(doc=doc, indicator=indicator)
    if year is not None:
        rows = [r for r in rows if year in (r["downstream"]["year"], r["upstream"]["year"])]
    return rows
