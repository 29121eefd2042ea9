"""``policykb ingest PATH_OR_URL``: add one document to the corpus and to the KB.

1. Read and parse the source (``indexer.sources``, ``indexer.pipeline``) and
   check it is a document: some Chinese text, provisions. Nothing is written
   before this succeeds.
2. Decide its id: the id of the outline it replaces (same 文号, or the same
   title once spaces between issuers and 《》 are ignored, see
   ``indexer.resolve.title_keys``), else ``--id``, else one derived from the
   file name, the 文号 or the date. An id or 文号 already in the corpus is an
   error (remove the old files first to re-ingest).
3. Copy the source into the corpus as ``<id><suffix>`` with a sidecar
   ``<id>.meta.yaml`` holding what was read (title, 文号, issuer, date, level,
   source URL), so ``policykb build`` reproduces the KB and a user can correct
   a field by editing the sidecar. A replaced outline is moved to
   ``corpus/replaced/`` (discovery does not read sub-folders; move it back to
   restore it).
4. Update the KB (``indexer.build.update``, atomic): the new document is parsed,
   the links that concern it are computed and it is added to the search index of
   a copy of the current build; where that is not possible (no build yet, a
   replaced outline, another change in the corpus) this is a full rebuild.

If anything fails — reading, parsing, writing, the rebuild, or an interrupt —
every file added is removed and every file moved is moved back, so corpus/ is
exactly as before; the KB is untouched because the build only swaps in a
complete new KB.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb import paths
from kb.errors import CorpusError, InputError
from kb.models import LEVELS, Document
from indexer import corpus as corpus_mod
from indexer import sources
from indexer.build import BuildSummary, update
from indexer.pipeline import ParsedDocument, parse_text, slug
from indexer.resolve import issuers_compatible, squash, title_keys

MIN_CJK = 20  # less Chinese text than this is not a policy document
GENERIC_STEMS = {"index", "content", "default", "article", "detail", "details", "page", "view", "show",
                 "file", "files", "doc", "document", "download", "attachment", "art", "info", "news",
                 "main", "text", "new", "untitled", "fujian", "wenjian", "policy", "zhengce"}


@dataclass
class IngestResult:
    document: Document
    replaced: str | None  # the id of the outline this document replaced
    files: list[Path]  # files added to the corpus
    moved: list[tuple[Path, Path]]  # (from, to): the replaced outline
    summary: BuildSummary
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Known:
    """What the corpus already holds, from file names, sidecars and outlines (no full parse)."""

    ids: dict[str, Path]
    numbers: dict[str, str]  # squashed 文号 → id
    outlines: list[tuple[Document, Path]]


def _known(corpus_dir: Path) -> _Known:
    from indexer.outline import build_outline

    ids: dict[str, Path] = {}
    numbers: dict[str, str] = {}
    outlines = []
    try:
        entries = corpus_mod.discover(corpus_dir)
    except CorpusError:
        if not corpus_dir.is_dir():
            raise
        entries = []  # an empty corpus is fine to ingest into
    for e in entries:
        if e.is_outline:
            od = build_outline(sources.read_outline(e.path), str(e.path)).document
            ids[od.id] = e.path
            outlines.append((od, e.path))
            continue
        doc_id = str(e.meta.get("id") or slug(e.path.stem))
        ids[doc_id] = e.path
        if e.meta.get("doc_number"):
            numbers[squash(str(e.meta["doc_number"]))] = doc_id
    return _Known(ids, numbers, outlines)


def match_outline(doc: Document, outlines: list[tuple[Document, Path]]) -> tuple[Document, Path] | None:
    """The outline this document is the official text of: same 文号, or same title (spaces between
    issuers, 、 and 《》 ignored; listed variants count), or the same 关于… title from a compatible
    issuer when the document's title names none."""
    if doc.doc_number:
        for o, path in outlines:
            if o.doc_number and squash(o.doc_number) == squash(doc.doc_number):
                return o, path
    titles = [doc.title, doc.meta.get("notice_title"), doc.meta.get("page_title")]
    for o, path in outlines:
        okeys: set[str] = set()
        ocores = set()
        for t in [o.title, *(o.meta.get("title_variants") or [])]:
            full, core, prefix = title_keys(str(t))
            okeys |= full
            if core:
                ocores.add((core, prefix))
        for t in filter(None, titles):
            full, core, prefix = title_keys(str(t))
            if full & okeys:
                return o, path
            issuer = re.sub(r"[\s、，,]+", "", doc.issuer or "")
            for ocore, oprefix in ocores:
                if core and core == ocore and not prefix and (
                        not issuer or issuers_compatible(issuer, oprefix)) and (
                        not doc.issuer or doc.level == o.level):
                    return o, path
    return None


def derive_id(stem: str, doc: Document, taken: set[str]) -> str:
    """An id for a document the user gave none for: a meaningful ASCII file name, else
    <level>-<year>-<serial> from the 文号, else <level>-<date>; made unique with -2, -3 …"""
    s = slug(stem).lower()
    letters = len(re.findall(r"[a-z]", s))
    generic = s in GENERIC_STEMS or re.fullmatch(r"(?:t|p|content|art|a|c|n)?[_-]?\d[\d_-]*", s)
    if letters >= 3 and not generic and corpus_mod.ID_RE.match(s):
        base = s
    else:
        from indexer import regexes as rx

        m = rx.DOC_NUMBER.search(doc.doc_number or "")
        if m:
            base = f"{doc.level}-{m['year']}-{int(m['serial'])}"
        elif doc.date:
            base = f"{doc.level}-{doc.date}"
        else:
            base = f"{doc.level}-{time.strftime('%Y%m%d')}"
    ident, k = base, 1
    while ident in taken:
        k += 1
        ident = f"{base}-{k}"
    return ident


def _validate(pd: ParsedDocument, name: str) -> None:
    text = pd.document.text
    if sources.cjk_count(text) < MIN_CJK:
        raise InputError(f"{name}: no Chinese policy text found (fewer than {MIN_CJK} Chinese characters); "
                         "give the document itself, not a cover page or an English file")
    if not pd.provisions:
        raise InputError(f"{name}: no body found in the text; check that the file holds the document")


def _sidecar(doc: Document, dest: Path, origin: str, replaced: tuple[Document, Path] | None,
             moved_to: Path | None, charset: str | None, url: str | None) -> str:
    # Only what was read (or given): a guessed value (a title from the file name, a default level)
    # is left out, so every build guesses it again and says so, until someone writes it here.
    fields = doc.meta.get("fields") or {}
    guessed = set(doc.meta.get("guessed") or ())
    facts = {"title": doc.title, "doc_number": doc.doc_number, "issuer": doc.issuer or None, "date": doc.date,
             "level": doc.level}
    data = {"id": doc.id, **{k: v for k, v in facts.items() if k not in guessed},
            "status": "full", "source": dest.name}
    read_from = {k: fields[k] for k in facts if data.get(k) is not None and fields.get(k)}
    if read_from:
        data["fields"] = read_from
    if url:
        data["source_url"] = url
    if charset:
        data["charset"] = charset
    data["ingested"] = time.strftime("%Y-%m-%d")
    data["original"] = origin
    if replaced:
        data["replaces_outline"] = replaced[1].name
        data["outline_kept_at"] = f"{corpus_mod.REPLACED_DIR}/{moved_to.name}" if moved_to else None
    data = {k: v for k, v in data.items() if v is not None}
    head = (f"# Added by `policykb ingest` from {origin}.\n"
            "# Values below were read from the document (`fields` says where); edit them here if they are "
            "wrong (and drop their line under `fields`), then run `policykb build`.\n")
    if guessed:
        head += ("# Not found in the document, guessed at every build until written here: "
                 + ", ".join(sorted(guessed)) + "\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def ingest(source: str, corpus_dir: Path | None = None, home: Path | None = None, *,
           doc_id: str | None = None, level: str | None = None, progress=sys.stderr,
           allow_private: bool | None = None) -> IngestResult:
    """Add ``source`` (a path or an http(s) URL) to the corpus and rebuild; see the module doc.
    ``allow_private``: the address policy of ``sources.fetch_url`` (a service passes False)."""
    corpus_dir = Path(corpus_dir) if corpus_dir else paths.default_corpus()
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: no such corpus folder; run from the project folder or pass --corpus DIR")
    if level is not None and level not in LEVELS:
        raise InputError(f"--level {level}: use one of {', '.join(LEVELS)}")
    if doc_id is not None and not corpus_mod.ID_RE.match(doc_id):
        raise InputError(f"--id {doc_id}: an id may use only letters, digits, '-', '_' and '.' "
                         "(e.g. --id hudong-2024-37)")
    with tempfile.TemporaryDirectory(prefix="policykb-ingest-") as tmp:
        tmp = Path(tmp)
        url = charset = None
        if sources.is_url(source):
            fetched = sources.fetch_url(source, workdir=tmp, allow_private=allow_private)
            src_path, url, charset = fetched.path, fetched.url, fetched.charset
            stem = Path(urllib.parse.urlsplit(fetched.url).path).stem
        else:
            src_path = Path(source)
            if not src_path.exists():
                raise InputError(f"{source}: no such file; check the path (or give an http:// or https:// URL)")
            if src_path.is_dir():
                raise InputError(f"{source}: is a folder; give one document file")
            if src_path.resolve().parent == corpus_dir.resolve():
                raise InputError(f"{source}: the file is already in the corpus folder; run `policykb build`, "
                                 "or move it out and ingest it from there")
            stem = src_path.stem
            suffix = src_path.suffix.lower()
            if suffix not in sources.SUFFIXES and suffix not in sources.UNSUPPORTED:
                sniffed = sources.sniff_suffix(sources.read_bytes(src_path)[:4096])
                if sniffed:  # e.g. a page saved without a suffix
                    copy = tmp / (src_path.name + sniffed)
                    shutil.copyfile(src_path, copy)
                    src_path = copy
        name = source
        src = sources.read_source(src_path, http_charset=charset, url=url)
        meta: dict = {"fields": {}}  # the sidecar-to-be: what the user or an outline says
        if level:
            meta["level"] = level
            meta["fields"]["level"] = "user"
        if url:
            meta["source_url"] = url
        preview = parse_text(src.text, meta, name=name, doc_id="ingest-preview", page=src.meta)
        _validate(preview, name)

        known = _known(corpus_dir)
        matched = match_outline(preview.document, known.outlines)
        number = squash(preview.document.doc_number) if preview.document.doc_number else None
        if number and number in known.numbers:
            other = known.numbers[number]
            raise InputError(f"{name}: a document with 文号 {preview.document.doc_number} is already in the corpus "
                             f"as '{other}'; to re-ingest it, remove corpus/{other}.* first")
        if matched:
            outline, outline_path = matched
            if doc_id and doc_id != outline.id:
                raise InputError(f"{name}: this is the official text of the outline '{outline.id}' and replaces "
                                 f"it under that id; drop --id {doc_id}")
            new_id = outline.id
            if "level" not in meta:
                meta["level"], meta["fields"]["level"] = outline.level, "outline"
            # What the official text does not state in its signature, the outline knew (an issuer
            # read from the title runs joint issuers together: 中共中央国务院).
            read = preview.document.meta.get("fields") or {}
            if outline.issuer and read.get("issuer") not in ("signature", "notice_signature"):
                meta["issuer"], meta["fields"]["issuer"] = outline.issuer, "outline"
            if outline.date and read.get("date") not in ("signature", "notice_signature", "page_meta", "meta_line"):
                meta["date"], meta["fields"]["date"] = outline.date, "outline"
        else:
            taken = set(known.ids)
            if doc_id:
                if doc_id in taken:
                    raise InputError(f"--id {doc_id}: the corpus already has a document with this id "
                                     f"({known.ids[doc_id].name}); choose another id")
                new_id = doc_id
            else:
                new_id = derive_id(stem, preview.document, taken)
        suffix = src_path.suffix.lower()
        dest = corpus_dir / f"{new_id}{suffix}"
        sidecar = corpus_dir / f"{new_id}{corpus_mod.SIDECAR}"
        for p in (dest, sidecar):
            if p.exists():
                raise InputError(f"{name}: {p} already exists; remove it or pass another --id")
        meta["source"] = dest.name
        final = parse_text(src.text, meta, name=name, doc_id=new_id, page=src.meta)
        _validate(final, name)
        doc = final.document

        added: list[Path] = []
        moved: list[tuple[Path, Path]] = []
        made_dirs: list[Path] = []
        try:
            moved_to = None
            if matched:
                replaced_dir = corpus_dir / corpus_mod.REPLACED_DIR
                if not replaced_dir.exists():
                    replaced_dir.mkdir()
                    made_dirs.append(replaced_dir)
                moved_to = replaced_dir / matched[1].name
                k = 1
                while moved_to.exists():
                    k += 1
                    moved_to = replaced_dir / f"{matched[1].name}.{k}"
            shutil.copyfile(src_path, dest)
            added.append(dest)
            sidecar.write_text(_sidecar(doc, dest, source if url else str(Path(source).name), matched,
                                        moved_to, charset, url), encoding="utf-8")
            added.append(sidecar)
            if matched:
                os.replace(matched[1], moved_to)
                moved.append((matched[1], moved_to))
            summary = update(corpus_dir, [new_id], home, progress)
        except BaseException:
            for p in added:
                p.unlink(missing_ok=True)
            for original, now in reversed(moved):
                os.replace(now, original)
            for d in made_dirs:
                shutil.rmtree(d, ignore_errors=True)
            raise
    built = next((pd.document for pd in summary.documents if pd.document.id == new_id), doc)
    warnings = [w for pd in summary.documents if pd.document.id == new_id for w in pd.warnings]
    return IngestResult(built, matched[0].id if matched else None, added, moved, summary, warnings)
