"""Task, party, deadline and target extraction.

    from indexer.extract import extract_document, get_nlp
    tasks, targets = extract_document(document, provisions)

The spaCy pipeline (``indexer.extract.nlp``) finds bodies, places, time
phrases and quantities on characters; ``indexer.extract.tasks`` turns them
into ``kb.models.Task`` / ``Target`` records. Rules read their words from
``indexer/data/`` (see ``docs/tasks.md``).
"""

from indexer.extract.tasks import extract_document


def get_nlp():
    """The process-wide spaCy pipeline (imported lazily: spaCy takes a second to load)."""
    from indexer.extract.nlp import get_nlp as _get

    return _get()


__all__ = ["extract_document", "get_nlp"]
