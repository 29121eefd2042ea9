"""policykb: a knowledge base of Chinese government policy documents.

The public API is small: ``open_kb`` gives a ``KB`` to read and query; the
records it returns are defined in ``kb.models``.
"""

from kb.api import KB, open_kb
from kb.errors import PolicyKBError

__all__ = ["KB", "open_kb", "PolicyKBError"]
