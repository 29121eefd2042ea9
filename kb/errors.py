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


class KBDamagedError(PolicyKBError):
    """A built KB whose files are damaged, truncated or partly deleted."""


class StorageError(PolicyKBError):
    """The disk refused a write: full, read-only, no permission."""


def damaged(where, e: BaseException) -> KBDamagedError:
    """A KB file that cannot be read: say which, and that a rebuild fixes it."""
    detail = getattr(e, "strerror", None) or (str(e).splitlines() or [type(e).__name__])[0][:120]
    return KBDamagedError(f"{where}: the KB is damaged or incomplete ({detail}); rebuild it with "
                          "`policykb build` (the corpus is not affected)")


def storage(where, e: BaseException) -> StorageError:
    """An OSError (or SQLite's report of one) while writing ``where``, as what to do about it."""
    import errno

    text = str(e).lower()
    code = getattr(e, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text or "no space" in text:
        return StorageError(f"{where}: no space left on the disk; free some space (or set POLICYKB_HOME to a "
                            "folder on another disk) and run the command again; nothing was changed")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text or "read-only" in text:
        return StorageError(f"{where}: cannot write there (read-only or no permission); set POLICYKB_HOME to a "
                            "folder you can write, or fix its permissions; nothing was changed")
    reason = getattr(e, "strerror", None) or str(e).splitlines()[0][:120] or type(e).__name__
    return StorageError(f"{where}: cannot write ({reason}); check the folder and the disk, then run the "
                        "command again; nothing was changed")


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


class BuildGoneError(OSError):
    """Internal: the build folder was removed before it could be held (a newer build replaced
    it); ``kb.api`` opens ``current`` again, so this never reaches the user."""
