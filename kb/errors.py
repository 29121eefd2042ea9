"""One error catalogue. Every message names the file or argument and says how to fix it.

The CLI prints ``Error: <message>`` on one line and exits 1; the app shows it
with ``st.error``. Anything else escaping is a bug.
"""


class PolicyKBError(Exception):
    """Base class: a problem the user can fix."""


class InputError(PolicyKBError):
    """A source file cannot be read or understood (empty, binary, undecodable …)."""


class CorpusError(PolicyKBError):
    """The corpus folder or a sidecar metadata file is wrong."""


class KBNotBuiltError(PolicyKBError):
    """No KB in the data directory yet."""


class NotFoundError(PolicyKBError):
    """An id that names no document or provision."""


class QueryError(PolicyKBError):
    """A query or filter that cannot be used even after falling back to plain terms."""


class ConfigError(PolicyKBError):
    """A setting (environment variable, option) with a value we cannot use."""


class DataFileError(PolicyKBError):
    """A data file shipped with the package (``kb/data/``, ``indexer/data/``) is missing or malformed."""
