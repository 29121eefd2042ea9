"""The read/query API over a built KB. The CLI and the app call only this.

    from kb import open_kb
    kb = open_kb()                       # $POLICYKB_HOME or ./.policykb
    kb.documents()                       # [Document]
    kb.show("yangzhou-2024-118")         # {"document": …, "provisions": […]}
    kb.provision("yangzhou-2024-118#part_3__art_5__cl_4")

One ``KB`` is safe to share across threads (the app caches it with
``st.cache_resource``): SQLite connections are per thread. A ``KB`` reads the
build it was opened on for as long as it lives, even after a rebuild
(``kb.paths.hold``); a long-lived process that should see new builds calls
``current_kb()`` per request instead of keeping one ``KB``.
``KB.stale`` says when a newer build is available; ``KB.release()`` lets go of the
build at once (else it is let go when the ``KB`` is collected).
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path

from kb import models, paths, store
from kb.official_citation import format_citation, quote
from kb.errors import BuildGoneError, KBNotBuiltError, NotFoundError, QueryError, damaged
from kb.names import canonical_name

DOC_FIELDS = ("id", "title", "doc_number", "issuer", "date", "level", "status", "source",
              "parts", "articles", "clauses")


class KB:
    def __init__(self, build_dir: Path):
        self.build_dir = Path(build_dir)
        # Held until this KB is released or collected: a rebuild does not remove the build under it.
        self._hold = weakref.finalize(self, paths.release, paths.hold(self.build_dir))
        self.reader = store.Reader(self.build_dir / paths.DB_NAME)

    def close(self) -> None:
        """Close this thread's database connection (the KB stays usable: it reopens on demand)."""
        self.reader.close()

    def release(self) -> None:
        """Let go of the build: a rebuild may remove it from now on (this KB is not used again)."""
        self.reader.close()
        self._hold()

    @property
    def stale(self) -> bool:
        """Whether ``current`` now points at another build (open_kb again for the newer one)."""
        try:
            return (self.build_dir.parent / paths.CURRENT).resolve() != self.build_dir.resolve()
        except OSError:
            return True

    # -- documents -----------------------------------------------------------

    def documents(self) -> list[models.Document]:
        return [store.document_from(d) for (d,) in self.reader.query(
            "SELECT data FROM documents ORDER BY seq")]

    def document(self, doc_id: str) -> models.Document:
        rows = self.reader.query("SELECT data FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise NotFoundError(f"no document '{doc_id}'; list the ids with `policykb docs`")
        return store.document_from(rows[0][0])

    def citations(self, doc_id: str | None = None) -> list[models.Citation]:
        sql, params = "SELECT data FROM citations", ()
        if doc_id:
            sql, params = sql + " WHERE doc_id = ?", (doc_id,)
        return [store.citation_from(d) for (d,) in self.reader.query(sql + " ORDER BY doc_id, start", params)]

    def document_dict(self, doc: models.Document) -> dict:
        """A document as the CLI's ``docs --json`` shape (plus extra fields)."""
        out = {k: getattr(doc, k) for k in DOC_FIELDS}
        out["recipients"] = list(doc.recipients)
        out["cites"] = [{"title": c.title, "doc_number": c.doc_number, "resolved_id": c.resolved_id,
                         "provision_id": c.provision_id, "text": c.text}
                        for c in self.citations(doc.id)]
        out["meta"] = doc.meta
        out["warnings"] = list(doc.warnings)
        # Where each fact (title, doc_number, issuer, date, level) came from, and which are guesses
        # (codes: indexer.docfacts, labels: docs/forms.md).
        out["fields"] = dict(doc.meta.get("fields") or {})
        out["guessed"] = list(doc.meta.get("guessed") or [])
        return out

    # -- provisions ----------------------------------------------------------

    def provisions(self, doc_id: str, kinds: tuple[str, ...] | None = None) -> list[models.Provision]:
        sql = "SELECT data FROM provisions WHERE doc_id = ?"
        params: list = [doc_id]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params += list(kinds)
        return [store.provision_from(d) for (d,) in self.reader.query(sql + " ORDER BY seq", params)]

    def provision(self, provision_id: str) -> models.Provision:
        rows = self.reader.query("SELECT data FROM provisions WHERE id = ?", (provision_id,))
        if not rows:
            raise NotFoundError(f"no provision '{provision_id}'; ids look like "
                                "'<doc-id>#part_3__art_5__cl_4' (see `policykb show <doc-id>`)")
        return store.provision_from(rows[0][0])

    def children(self, provision_id: str) -> list[models.Provision]:
        return [store.provision_from(d) for (d,) in self.reader.query(
            "SELECT data FROM provisions WHERE parent = ? ORDER BY seq", (provision_id,))]

    def descendants(self, p: models.Provision) -> list[models.Provision]:
        """A provision and everything inside it, in document order."""
        return [store.provision_from(d) for (d,) in self.reader.query(
            "SELECT data FROM provisions WHERE doc_id = ? AND (id = ? OR id LIKE ? ESCAPE '\\') ORDER BY seq",
            (p.doc_id, p.id, p.id.replace("_", "\\_") + "\\_\\_%"))]

    def ancestors(self, p: models.Provision) -> list[models.Provision]:
        """The containers of a provision, outermost first."""
        return models.ancestors(p, self.provision)[::-1]

    def citation(self, provision_id: str) -> str:
        """The official-style citation of a document id or provision id."""
        if "#" not in provision_id:
            return format_citation(self.document(provision_id))
        p = self.provision(provision_id)
        return format_citation(self.document(p.doc_id), p, self.ancestors(p))

    def text(self, provision_id: str) -> str:
        """The text of a provision as the document writes it: a clause's sentence, or everything
        inside an article or part (its clauses, one per line)."""
        p = self.provision(provision_id)
        leaves = [x.text for x in self.descendants(p) if x.kind == "clause"]
        return "\n".join(leaves) if leaves else p.text

    def quote(self, provision_id: str) -> str:
        """The text of a provision followed by its citation (``kb.official_citation.quote``)."""
        return quote(self.text(provision_id), self.citation(provision_id))

    # -- search (kb.search) ---------------------------------------------------

    def search(self, query: str, *, doc: str | None = None, level: str | None = None, year=None,
               party: str | None = None, limit: int = 20):
        """Clause-level full-text search → ``kb.search.SearchResult`` (see docs/search.md)."""
        from kb.search.service import search

        try:
            return search(self, query, doc=doc, level=level, year=year, party=party, limit=limit)
        except OSError as e:  # index files deleted or unreadable
            raise damaged(self.build_dir / "index", e) from None
        except Exception as e:
            if type(e).__module__.startswith("whoosh"):  # EmptyIndexError, a damaged segment …
                raise damaged(self.build_dir / "index", e) from None
            raise

    def trace(self, provision_id: str) -> dict:
        """Upstream and downstream links of a provision (``trace --json`` shape, see kb/trace.py)."""
        from kb.trace import trace

        return trace(self, provision_id)

    def coverage(self, doc: str, against: str) -> dict:
        """Which articles of ``against`` the document ``doc`` covers (``coverage --json`` shape)."""
        from kb.trace import coverage

        return coverage(self, doc, against)

    def compare_targets(self, doc: str | None = None, indicator: str | None = None) -> list[dict]:
        """Targets of lower-level documents next to the same indicator upstream (kb/trace.py)."""
        from kb.trace import compare_targets

        return compare_targets(self, doc=doc, indicator=indicator)

    def show(self, ident: str) -> dict:
        """``show ID``: a whole document, or one provision with its descendants."""
        if "#" not in ident:
            doc = self.document(ident)
            return {"document": self.document_dict(doc),
                    "provisions": [provision_dict(p) for p in self.provisions(ident)]}
        p = self.provision(ident)
        doc = self.document(p.doc_id)
        return {"document": self.document_dict(doc), "provision": provision_dict(p),
                "provisions": [provision_dict(x) for x in self.descendants(p)]}

    # -- tasks, parties, targets ------------------------------------------------

    def tasks(self, doc: str | None = None, party: str | None = None, year: int | None = None,
              role: str | None = None) -> list[models.Task]:
        """Tasks in document order, filtered.

        ``party`` matches a party whose name as written or canonical name contains
        it, after alias normalisation (``发改委`` finds 市发展改革委 and 市发改委; 县水利局
        finds a party written 县水务局); ``role`` limits the match to that role (alone
        it keeps tasks having any party in that role); ``year`` matches a stated
        deadline year or target year (inherited stage years do not match).
        """
        if role is not None and role not in models.PARTY_ROLES:
            raise QueryError(f"--role '{role}' is not one of {', '.join(models.PARTY_ROLES)}", "role")
        sql = "SELECT t.data FROM tasks t JOIN documents d ON d.id = t.doc_id WHERE 1=1"
        params: list = []
        if doc:
            self.document(doc)  # NotFoundError names the fix
            sql += " AND t.doc_id = ?"
            params.append(doc)
        if party is not None and party.strip():
            names = {party.strip(), canonical_name(party)}
            cond = " OR ".join("p.name LIKE ? ESCAPE '\\' OR p.canonical LIKE ? ESCAPE '\\'" for _ in names)
            sub = f"SELECT p.task_id FROM task_parties p WHERE ({cond})"
            params += [_like(n) for n in names for _ in (0, 1)]
            if role:
                sub += " AND p.role = ?"
                params.append(role)
            sql += f" AND t.id IN ({sub})"
        elif role:
            sql += " AND t.id IN (SELECT task_id FROM task_parties WHERE role = ?)"
            params.append(role)
        if year is not None:
            sql += " AND t.id IN (SELECT task_id FROM task_years WHERE year = ?)"
            params.append(_check_year(year))
        sql += " ORDER BY d.seq, t.seq"
        return [store.task_from(d) for (d,) in self.reader.query(sql, params)]

    def targets(self, doc: str | None = None, year: int | None = None) -> list[models.Target]:
        """Targets in document order; ``year`` matches the target's stated year."""
        sql = "SELECT t.data FROM targets t JOIN documents d ON d.id = t.doc_id WHERE 1=1"
        params: list = []
        if doc:
            self.document(doc)
            sql += " AND t.doc_id = ?"
            params.append(doc)
        if year is not None:
            sql += " AND t.year = ?"
            params.append(_check_year(year))
        return [store.target_from(d) for (d,) in self.reader.query(sql + " ORDER BY d.seq, t.seq", params)]

    def parties(self) -> list[str]:
        """Every party name of every task (any role and source) as the documents write them, sorted.

        ``KB.tasks(party=…)`` with any of them also finds the same body written otherwise
        (县水务局 and 县水利局 share a canonical name)."""
        return [n for (n,) in self.reader.query(
            "SELECT DISTINCT name FROM task_parties WHERE name IS NOT NULL ORDER BY name")]

    def generic_names(self) -> dict[str, list[str]]:
        """Generic department names (生态环境部门) → the bodies some document's issuer was inferred to
        mean by them (市生态环境局; ``kb.names.generic_body``), for filters that must say so."""
        out: dict[str, list[str]] = {}
        for (data,) in self.reader.query(
                "SELECT data FROM tasks WHERE id IN (SELECT task_id FROM task_parties "
                "WHERE canonical IS NOT NULL AND canonical != name AND name LIKE '%部门')"):
            for p in store.task_from(data).parties:
                if p.canonical_inferred and p.canonical not in out.setdefault(p.name, []):
                    out[p.name].append(p.canonical)
        return {k: sorted(v) for k, v in sorted(out.items())}


def provision_dict(p: models.Provision) -> dict:
    return models.to_dict(p)


def open_kb(home: str | Path | None = None) -> KB:
    """Open the current build in the data directory."""
    for _ in range(5):  # a build may publish and remove the build we resolved in between
        build_dir = paths.current_build(home)
        if not (build_dir / paths.DB_NAME).exists():
            break
        try:
            return KB(build_dir)
        except BuildGoneError:
            continue
    raise KBNotBuiltError(f"no KB in {paths.home(home)}; build it first with `policykb build` "
                          "(or set POLICYKB_HOME to the data directory)")


_current: dict[Path, KB] = {}
_current_lock = threading.Lock()


def current_kb(home: str | Path | None = None) -> KB:
    """The KB of the data directory's current build, reopened when a build publishes a new one.

    For long-lived processes (``policykb serve``): call it per request and use the
    KB for that request only. It costs one ``readlink`` while the build is
    unchanged. A request that started on the previous build keeps its ``KB``, and
    the build stays readable until the last such request lets go of it."""
    home = paths.home(home).absolute()
    try:
        name = Path(os.readlink(home / paths.CURRENT)).name
    except OSError:
        name = None
    kb = _current.get(home)
    if kb is not None and kb.build_dir.name == name:
        return kb
    with _current_lock:
        kb = _current.get(home)
        if kb is None or kb.build_dir.name != name:
            _current.pop(home, None)
            kb = _current[home] = open_kb(home)
        return kb


# ---------------------------------------------------------------------------
# Tasks, parties, targets
# ---------------------------------------------------------------------------


def _check_year(year) -> int:
    """A year filter as search takes it (2027, "2027年"); a QueryError naming ``year`` otherwise."""
    from kb.search.service import check_year  # not at the top: the search stack loads jieba

    return check_year(year)


def _like(s: str) -> str:
    return "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def task_dict(t: models.Task) -> dict:
    """A task in the CLI's ``tasks --json`` shape (plus extra fields)."""
    return models.to_dict(t)


def target_dict(t: models.Target) -> dict:
    """A target in the CLI's ``targets --json`` shape (plus extra fields)."""
    return models.to_dict(t)
