"""The edge: reading files into text. All file I/O and decoding of sources lives here.

``read_source(path)`` returns the document text (not yet normalised) and any
metadata the file format itself carries. Every failure is an ``InputError``
naming the file and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import InputError

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES  # extended as readers for other formats are added
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class SourceText:
    path: Path
    text: str
    meta: dict = field(default_factory=dict)
    encoding: str | None = None


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes → text: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312).

    Raises ``InputError`` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give a document with text in it")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: this looks like a binary file, not text; "
                         "give a .txt/.md/.html/.docx/.pdf document")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise InputError(f"{name}: cannot decode the text as UTF-8 or GB18030/GBK; "
                     "re-save it as UTF-8 (e.g. iconv -f <encoding> -t utf-8)")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample.strip():
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or "\ue000" <= ch <= "\uf8ff")
    return bad / len(sample) < 0.01


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e.strerror}); check the path") from None
    if size > MAX_BYTES:
        raise InputError(f"{path}: the file is {size // 2**20} MB, over the {MAX_BYTES // 2**20} MB limit; "
                         "split it or give the document alone")
    return path.read_bytes()


def read_source(path: Path) -> SourceText:
    """Read one source file of a supported kind."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text, encoding = decode(read_bytes(path), str(path))
        return SourceText(path, text, {}, encoding)
    raise InputError(f"{path}: unsupported file type '{suffix}'; "
                     f"give one of {', '.join(sorted(SUFFIXES))}")
