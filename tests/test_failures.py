"""What a user can fix ends in one line that says how (issue 17), never "internal error".

A damaged KB (overwritten, truncated, index files deleted), a data directory that is a file,
read-only or full, hostile documents given to ``ingest``: each is ``Error: …`` on one line,
exit 1, and nothing is lost (the corpus and the previous KB stay as they were).

Disk full and read-only are real where this machine lets a test mount a small tmpfs (root
on Linux); the same paths are also driven by an ``OSError`` raised where the write happens.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policykb.bench import hostile
from conftest import ROOT, SEED_ID
from policykb.cli import main


def run(capsys, monkeypatch, home, *argv) -> tuple[int, str, str]:
    monkeypatch.setenv("POLICYKB_HOME", str(home))
    monkeypatch.delenv("POLICYKB_DEBUG", raising=False)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("\r")]
    lines = [ln for ln in lines if ln.startswith("Error: ")]
    assert "Traceback" not in err
    assert len(lines) == 1, err
    assert "internal error" not in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def home(built_home) -> Path:
    return built_home


def db_of(home: Path) -> Path:
    return (home / "current").resolve() / "kb.sqlite"


# ---------------------------------------------------------------------------
# A damaged KB
# ---------------------------------------------------------------------------


def _overwrite(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:100] = b"x" * 100
    db.write_bytes(bytes(data))


def _truncate(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:20000])


@pytest.mark.parametrize("damage", [_overwrite, _truncate], ids=["overwritten", "truncated"])
@pytest.mark.parametrize("argv", [("docs", "--json"), ("show", SEED_ID, "--json"), ("tasks", "--json")])
def test_a_damaged_kb_file_says_rebuild(damage, argv, home, capsys, monkeypatch):
    damage(db_of(home))
    code, out, err = run(capsys, monkeypatch, home, *argv)
    line = one_line(err)
    assert code == 1 and "kb.sqlite" in line and "policykb build" in line and out == ""


@pytest.mark.parametrize("pattern", ["*.seg", "*.toc", "*"])
def test_deleted_index_files_say_rebuild(pattern, home, capsys, monkeypatch):
    index = (home / "current").resolve() / "index"
    for p in index.rglob(pattern):
        if p.is_file():
            p.unlink()
    code, out, err = run(capsys, monkeypatch, home, "search", "高邮湖", "--json")
    line = one_line(err)
    assert code == 1 and "policykb build" in line


@pytest.mark.parametrize("argv", [("docs", "--json"), ("build",)])
def test_a_data_dir_that_is_a_file(argv, tmp_path, capsys, monkeypatch, small_corpus):
    f = tmp_path / "not-a-folder"
    f.write_text("x")
    extra = ("--corpus", str(small_corpus)) if argv[0] == "build" else ()
    code, _, err = run(capsys, monkeypatch, f, *argv, *extra)
    assert code == 1 and "is a file, not a folder" in one_line(err)
    assert f.read_text() == "x"


# ---------------------------------------------------------------------------
# The disk: full, read-only
# ---------------------------------------------------------------------------


def _mount_tmpfs(where: Path, size: str, readonly: bool = False) -> bool:
    if sys.platform != "linux" or not shutil.which("mount"):
        return False
    where.mkdir(parents=True, exist_ok=True)
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                        capture_output=True).returncode == 0
    return ok


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def tiny_disk(tmp_path):
    where = tmp_path / "tiny"
    if not _mount_tmpfs(where, "600k"):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux); the monkeypatched test covers it")
    yield where
    _umount(where)


def test_a_full_disk_real(tiny_disk, small_corpus, capsys, monkeypatch):
    home = tiny_disk / "home"
    code, _, err = run(capsys, monkeypatch, home, "build", "--corpus", str(small_corpus))
    line = one_line(err)
    assert code == 1 and "no space left" in line
    assert not (home / "current").exists()
    assert not [p for p in home.iterdir() if p.name.startswith("build-")]  # the half-written build is gone


def test_a_read_only_data_dir_real(tmp_path, home, small_corpus, capsys, monkeypatch):
    where = tmp_path / "ro"
    if not _mount_tmpfs(where, "16m"):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux); the monkeypatched test covers it")
    try:
        shutil.copytree(home, where / "home", symlinks=True)
        if subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True).returncode:
            pytest.skip("cannot remount read-only")
        ro = where / "home"
        code, _, err = run(capsys, monkeypatch, ro, "build", "--corpus", str(small_corpus))
        assert code == 1 and "read-only or no permission" in one_line(err)
        # Reading a read-only KB works (no lease can be written there, none is needed).
        code, out, err = run(capsys, monkeypatch, ro, "search", "高邮湖", "--json")
        assert code == 0, err
    finally:
        _umount(where)


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "no space left"), (errno.EROFS, "read-only or no permission"),
                                         (errno.EACCES, "read-only or no permission")])
def test_write_failures_of_a_build_name_the_cause(code, words, home, small_corpus, capsys, monkeypatch):
    from kb import store

    def entries() -> list[str]:
        return sorted(p.name for p in home.iterdir() if p.name != ".build.lock")

    before = entries()

    def failing_write(*a, **k):
        raise OSError(code, "simulated")

    monkeypatch.setattr(store, "write", failing_write)
    rc, _, err = run(capsys, monkeypatch, home, "build", "--corpus", str(small_corpus))
    line = one_line(err)
    assert rc == 1 and words in line and "nothing was changed" in line
    assert entries() == before
    rc, out, err = run(capsys, monkeypatch, home, "docs", "--json")
    assert rc == 0 and SEED_ID in out


def test_sqlite_reports_a_full_disk_as_one(home, small_corpus, capsys, monkeypatch):
    import sqlite3

    from kb import store

    def full(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "write", full)
    rc, _, err = run(capsys, monkeypatch, home, "build", "--corpus", str(small_corpus))
    assert rc == 1 and "no space left" in one_line(err)


def test_ingest_on_a_full_disk_loses_nothing(home, small_corpus, tmp_path, capsys, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    before = sorted(p.name for p in corpus.iterdir())
    doc = tmp_path / "doc.txt"
    doc.write_text(hostile.HEAD + hostile.PART + hostile.SENTENCE + "\n", encoding="utf-8")
    import indexer.ingest as ingest_mod

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(corpus / "x"))

    monkeypatch.setattr(ingest_mod.shutil, "copyfile", full)
    rc, _, err = run(capsys, monkeypatch, home, "ingest", str(doc), "--corpus", str(corpus))
    assert rc == 1 and "no space left" in one_line(err)
    assert sorted(p.name for p in corpus.iterdir()) == before


# ---------------------------------------------------------------------------
# Hostile documents through ingest
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("make, words", [
    (lambda p: hostile.billion_laughs_docx(p.with_suffix(".docx")), "declares a DTD"),
    (lambda p: hostile.zip_bomb_docx(p.with_suffix(".docx"), 64 * 2**20), "would inflate"),
    (lambda p: hostile.corrupt_xref_pdf(p.with_suffix(".pdf")), "PDF cannot be read"),
], ids=["billion-laughs", "zip-bomb", "corrupt-xref"])
def test_hostile_documents_fail_ingest_in_one_line(make, words, home, small_corpus, tmp_path, capsys, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    before = sorted(p.name for p in corpus.iterdir())
    path = make(tmp_path / "hostile")
    rc, _, err = run(capsys, monkeypatch, home, "ingest", str(path), "--corpus", str(corpus))
    line = one_line(err)
    assert rc == 1 and words in line and path.name in line
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_the_cli_process_prints_one_line_for_a_damaged_kb(home):
    """As a user runs it: a fresh process, exit status 1."""
    import os

    _overwrite(db_of(home))
    env = {**os.environ, "POLICYKB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("POLICYKB_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "policykb", "docs", "--json"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "damaged" in one_line(proc.stderr)
