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
    """A query or filter that cannot be used even after falling back to plain terms.

    ``param`` names the parameter at fault (``limit``, ``level`` …) where there is one."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


class ConfigError(PolicyKBError):
    """A setting (environment variable, option) with a value we cannot use."""


class UsageError(PolicyKBError):
    """A command line that cannot run as given (the CLI exits 2 instead of 1)."""


class BuildLockedError(PolicyKBError):
    """Another build is writing to the same data directory."""


class ExportError(PolicyKBError):
    """The task table cannot be written where asked."""


class GoldError(PolicyKBError):
    """An evaluation's gold file cannot be read or names clauses that do not exist."""


class BenchError(PolicyKBError):
    """The benchmark cannot run as asked (an unknown engine, too few clauses, an engine that failed)."""


class DataFileError(PolicyKBError):
    """A data file shipped with the package (``kb/data/``, ``indexer/data/``) is missing or malformed."""


class QuerySyntaxError(ValueError):
    """Internal: a query does not parse; ``kb.search.query.parse`` falls back to plain words and
    says so in a notice, so this never reaches the user."""
