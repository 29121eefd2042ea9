"""Hostile input (issue 17): every reader's cost grows linearly with its input, memory stays
bounded, and what cannot be read ends in one fixable line.

The slow cases of the audit are scaled down: each test reads an input and one 4× as large
and checks the ratio of the times (best of two runs each; a quadratic cost gives 16×, the
bound is 6×), never a wall-clock limit. ``bench/hostile_run.py`` replays them at full size.
"""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from policykb.bench import hostile
from kb.errors import InputError
from indexer.sources import MAX_DOCX_XML_BYTES, read_source

GROWTH = 4
MAX_RATIO = 6.0


def best_time(fn, runs: int = 2) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def assert_linear(make, small: int, tmp_path: Path, read=read_source) -> tuple[float, float]:
    """Time ``read`` on ``make(path, small)`` and ``make(path, 4 × small)``; the larger may take
    at most MAX_RATIO times as long."""
    a = make(tmp_path / f"small-{small}", small)
    b = make(tmp_path / f"large-{small}", small * GROWTH)
    read(a)  # warm caches, imports
    ta, tb = best_time(lambda: read(a)), best_time(lambda: read(b))
    assert tb / ta <= MAX_RATIO, f"{GROWTH}× the input took {tb / ta:.1f}× the time ({ta:.3f} s → {tb:.3f} s)"
    return ta, tb


def _suffixed(make, suffix: str):
    return lambda path, n: make(path.with_suffix(suffix), n)


def test_repeated_numbering_text_is_linear(tmp_path):
    """1． repeated thousands of times under one article: ids stay unique (…item_1_2, _3 …)
    without rescanning every suffix taken before."""
    from indexer import structure
    from indexer.normalize import normalize

    def parse(path: Path):
        return structure.parse(normalize(path.read_text(encoding="utf-8")), "rep")

    assert_linear(_suffixed(hostile.repeated_numbering_txt, ".txt"), 80_000, tmp_path, parse)
    ids = [p.id for p in parse(hostile.repeated_numbering_txt(tmp_path / "ids.txt", 2000)).provisions]
    assert len(ids) == len(set(ids))
    assert "rep#part_1__art_1__item_1_3" in ids


def test_docx_of_identical_paragraphs_is_linear(tmp_path):
    assert_linear(_suffixed(hostile.identical_paragraphs_docx, ".docx"), 3000, tmp_path)


def test_deeply_nested_page_is_linear(tmp_path):
    """<div> nested thousands deep: no get_text() per element, no recursion."""
    assert_linear(_suffixed(hostile.nested_divs_html, ".html"), 1500, tmp_path)
    text = read_source(hostile.nested_divs_html(tmp_path / "deep.html", 20_000)).text
    assert "县水利局牵头" in text  # deeper than Python's recursion limit, read all the same


def test_long_pdf_is_linear(tmp_path):
    assert_linear(_suffixed(hostile.many_pages_pdf, ".pdf"), 60, tmp_path)


def test_pdf_radicals_are_repaired(tmp_path):
    """PDFium returns what the font's ToUnicode map says: ⼈⺠ (radicals) for 人民 here."""
    text = read_source(hostile.many_pages_pdf(tmp_path / "r.pdf", 2)).text
    assert "人民群众" in text and "⼈" not in text and "⺠" not in text
    assert "— 1 —" not in text  # page numbers dropped


def test_pdf_page_limit(tmp_path, monkeypatch):
    from indexer import sources

    monkeypatch.setattr(sources, "MAX_PDF_PAGES", 5)
    with pytest.raises(InputError, match="6 pages, over the 5-page limit"):
        read_source(hostile.many_pages_pdf(tmp_path / "long.pdf", 6))


@pytest.mark.parametrize("make", [
    hostile.corrupt_xref_pdf,
    lambda p: p.write_bytes(hostile.many_pages_pdf(p, 3).read_bytes()[:1500]) and p,
    lambda p: p.write_bytes(b"%PDF-1.7\n" + b"garbage " * 200) and p,
], ids=["corrupt-xref", "truncated", "garbage"])
def test_damaged_pdf_is_one_fixable_line(make, tmp_path):
    path = tmp_path / "bad.pdf"
    make(path)
    with pytest.raises(InputError, match=r"bad\.pdf: the PDF cannot be read .*download it again"):
        read_source(path)


def assert_refused_in_bounded_memory(path: Path, message: str, limit: int = 16 * 2**20) -> None:
    """``read_source(path)`` fails with ``message`` having allocated at most ``limit`` bytes at once."""
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=message):
            read_source(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit, f"peak {peak / 2**20:.0f} MB"


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path):
    """200 MB of inflated XML in a few hundred KB: refused from the declared sizes, in bounded memory."""
    bomb = hostile.zip_bomb_docx(tmp_path / "bomb.docx", 200 * 2**20)
    assert bomb.stat().st_size < 2**20
    assert_refused_in_bounded_memory(bomb, r"bomb\.docx: the \.docx would inflate to over \d+ MB")


def test_docx_that_lies_about_its_sizes_is_stopped_while_inflating(tmp_path):
    """Headers declare 1 KB for 25 MB of XML: inflation is capped, never trusted."""
    liar = hostile.lying_docx(tmp_path / "liar.docx", MAX_DOCX_XML_BYTES + 2**20)
    with zipfile.ZipFile(liar) as z:
        assert z.getinfo("word/document.xml").file_size == 1024
    assert_refused_in_bounded_memory(liar, r"liar\.docx: not a readable \.docx file")


def test_billion_laughs_docx_is_refused(tmp_path):
    path = hostile.billion_laughs_docx(tmp_path / "laughs.docx")
    with pytest.raises(InputError, match=r"laughs\.docx: the \.docx part word/document\.xml declares a DTD"):
        read_source(path)


def test_docx_text_over_the_limit_is_refused(tmp_path, monkeypatch):
    from indexer import sources

    monkeypatch.setattr(sources, "MAX_TEXT_CHARS", 50_000)
    with pytest.raises(InputError, match=r"more than .* characters of text"):
        read_source(hostile.identical_paragraphs_docx(tmp_path / "long.docx", 2000))
