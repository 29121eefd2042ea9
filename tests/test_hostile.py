"""Hostile input (issue 17): every reader's cost grows linearly with its input, memory stays
bounded, and what cannot be read ends in one fixable line.

The slow cases of the audit are scaled down: each test reads an input and one 4× as large and
compares the work done, counted as Python lines executed plus calls into C (``sys.settrace`` and
``sys.setprofile``). The count is the same on a quiet machine and a loaded one, so the bound can be
tight: linear work gives about 4×, a quadratic loop 16×, the bound is 5×. Seconds at full size are
a benchmark's business: ``python -m policykb.bench.hostile_run`` replays the audit's cases.
"""

from __future__ import annotations

import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from policykb.bench import hostile
from kb.errors import InputError
from indexer.sources import MAX_DOCX_XML_BYTES, read_source

GROWTH = 4
MAX_RATIO = 5.0


def work(fn) -> int:
    """Run ``fn`` and count its work: Python line, call and return events, plus calls into C."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        count += 1
        return trace

    def profile(frame, event, arg):
        nonlocal count
        if event == "c_call":
            count += 1

    sys.settrace(trace)
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    return count


def assert_linear(make, small: int, tmp_path: Path, read=read_source) -> tuple[int, int]:
    """Count the work of ``read`` on ``make(path, small)`` and ``make(path, 4 × small)``; the
    larger may take at most MAX_RATIO times as much."""
    a = make(tmp_path / f"small-{small}", small)
    b = make(tmp_path / f"large-{small}", small * GROWTH)
    read(a)  # first-use work (imports, compiled patterns, dictionaries) is not the input's
    wa, wb = work(lambda: read(a)), work(lambda: read(b))
    assert wb / wa <= MAX_RATIO, f"{GROWTH}× the input took {wb / wa:.1f}× the work ({wa:,} → {wb:,} steps)"
    return wa, wb


def test_the_work_counter_sees_a_quadratic_loop(tmp_path):
    """The guard itself: a reader that rescans what it has seen for every line is caught."""

    def make(path: Path, n: int) -> Path:
        path.write_text("\n".join(f"{i}．条目" for i in range(n)), encoding="utf-8")
        return path

    def rescanning(path: Path) -> list[str]:
        seen: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            for earlier in seen:
                if earlier == line:
                    break
            seen.append(line)
        return seen

    with pytest.raises(AssertionError, match="the work"):
        assert_linear(make, 300, tmp_path, rescanning)
    assert_linear(make, 300, tmp_path, lambda path: path.read_text(encoding="utf-8").splitlines())


def _suffixed(make, suffix: str):
    return lambda path, n: make(path.with_suffix(suffix), n)


def test_repeated_numbering_text_is_linear(tmp_path):
    """1． repeated thousands of times under one article: ids stay unique (…item_1_2, _3 …)
    without rescanning every suffix taken before."""
    from indexer import structure
    from indexer.normalize import normalize

    def parse(path: Path):
        return structure.parse(normalize(path.read_text(encoding="utf-8")), "rep")

    assert_linear(_suffixed(hostile.repeated_numbering_txt, ".txt"), 5000, tmp_path, parse)
    ids = [p.id for p in parse(hostile.repeated_numbering_txt(tmp_path / "ids.txt", 2000)).provisions]
    assert len(ids) == len(set(ids))
    assert "rep#part_1__art_1__item_1_3" in ids


def test_docx_of_identical_paragraphs_is_linear(tmp_path):
    assert_linear(_suffixed(hostile.identical_paragraphs_docx, ".docx"), 500, tmp_path)


def test_deeply_nested_page_is_linear(tmp_path):
    """<div> nested thousands deep: no get_text() per element, no recursion."""
    assert_linear(_suffixed(hostile.nested_divs_html, ".html"), 300, tmp_path)
    text = read_source(hostile.nested_divs_html(tmp_path / "deep.html", 20_000)).text
    assert "县水利局牵头" in text  # deeper than Python's recursion limit, read all the same


def test_long_pdf_is_linear(tmp_path):
    assert_linear(_suffixed(hostile.many_pages_pdf, ".pdf"), 10, tmp_path)


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
