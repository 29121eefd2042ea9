"""Hostile inputs, generated: the audit's cases (issue 17) at any size.

Each generator writes one file and returns its path. The test suite uses them scaled down
(tests/test_hostile.py grows the input and checks the ratio of times); ``bench/hostile_run.py``
replays them at the audit's full size and prints time and peak memory per case.

The documents are our own synthetic text in the forms governments write (一、/（一）/1．
numbering, 牵头/配合 notes); nothing is copied from a real document.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HEAD = ("湖东县人民政府关于加强生态环境保护的实施意见\n"
        "东政发〔2025〕9号\n"
        "各乡镇人民政府，县各有关部门：\n"
        "为持续改善生态环境质量，结合本县实际，现提出如下意见。\n")
PART = "一、加强生态环境保护\n（一）推进污染防治。各地要落实责任，持续改善水环境质量。\n"
ITEM = "1．开展河湖整治。\n"
SENTENCE = "各乡镇要落实属地责任，持续推进河湖整治，到2027年水质稳定达标（县水利局牵头，县生态环境局配合）。"


def repeated_numbering_txt(path: Path, size: int) -> Path:
    """A .txt of ``size`` bytes whose item number 1． repeats under one article (numbering
    restarted by mistake, thousands of times)."""
    n = max(1, (size - len(HEAD.encode()) - len(PART.encode())) // len(ITEM.encode()))
    path.write_text(HEAD + PART + ITEM * n, encoding="utf-8")
    return path


def _docx(path: Path, body_xml: str, *, extra: dict[str, bytes] | None = None,
          document: bytes | None = None, compress=zipfile.ZIP_DEFLATED) -> Path:
    """A minimal Word package with ``body_xml`` inside ``<w:body>``."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    if document is None:
        document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {ns}>'
                    f'<w:body>{body_xml}</w:body></w:document>').encode("utf-8")
    with zipfile.ZipFile(path, "w", compress) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_document(path: Path, lines: list[str]) -> Path:
    """A .docx with one paragraph per line."""
    return _docx(path, "".join(_para(x) for x in lines))


def identical_paragraphs_docx(path: Path, n: int) -> Path:
    """A small .docx of ``n`` identical paragraphs (the audit's: 150k in 117 KB)."""
    head = [x for x in HEAD.splitlines()] + PART.splitlines()
    return _docx(path, "".join(_para(x) for x in head) + _para(SENTENCE) * n)


def zip_bomb_docx(path: Path, inflated: int) -> Path:
    """A .docx whose document.xml inflates to ``inflated`` bytes of whitespace (a few hundred KB
    on disk for hundreds of MB inflated)."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>'.encode()
    tail = (_para("湖东县人民政府关于加强生态环境保护的实施意见") + "</w:body></w:document>").encode()
    content_types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                     b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                     b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        with z.open("word/document.xml", "w", force_zip64=True) as f:  # streamed: never all in memory
            f.write(head)
            block = b" " * (1 << 20)
            left = max(0, inflated - len(head) - len(tail))
            while left > 0:
                f.write(block[:min(left, len(block))])
                left -= len(block)
            f.write(tail)
    return path


def lying_docx(path: Path, inflated: int, declared: int = 1024) -> Path:
    """A .docx whose document.xml inflates to ``inflated`` bytes but whose zip headers (local and
    central) declare ``declared``: a reader that trusts the headers is fooled."""
    import struct

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>'.encode()
    xml = head + b" " * max(0, inflated - len(head) - 30) + b"</w:body></w:document>"
    _docx(path, "", document=xml)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig)
        while at >= 0:
            name_at = at + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, declared)
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    return path


def billion_laughs_docx(path: Path, levels: int = 10) -> Path:
    """A .docx whose document.xml declares nested entities (lol9 → 10^9 × "lol")."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ents = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, levels))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{ents}]>'
           f'<w:document {ns}><w:body>{_para("&lol" + str(levels - 1) + ";")}'
           f'{_para("湖东县人民政府关于加强生态环境保护的实施意见")}</w:body></w:document>')
    return _docx(path, "", document=xml.encode())


def nested_divs_html(path: Path, depth: int) -> Path:
    """A page whose article body sits inside ``depth`` nested <div>s (a CMS gone wrong)."""
    body = "".join(f"<p>（{i % 9 + 1}）{SENTENCE}</p>" for i in range(40))
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>湖东县人民政府关于加强生态环境保护的实施意见"
            "</title></head><body><div class='nav'><a href='/'>首页</a></div>"
            + "<div>" * depth + f"<h1>湖东县人民政府关于加强生态环境保护的实施意见</h1>{body}" + "</div>" * depth
            + "</body></html>")
    path.write_text(html, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# PDF: written by hand (a Type0 font, Identity-H, with a ToUnicode map and no embedded glyphs:
# what text extraction reads is exactly the map, as in the CJK PDFs governments publish)
# ---------------------------------------------------------------------------

PDF_LINES = [
    "湖东县人民政府关于加强生态环境保护的实施意见",
    "一、加强生态环境保护",
    "（一）推进污染防治。各乡镇要落实属地责任，持续推进河湖整治。",
    "到2027年，全县地表水水质稳定达标，⼈⺠群众满意度明显提升。",
    "（县水利局牵头，县生态环境局配合）",
]


def many_pages_pdf(path: Path, pages: int, lines: list[str] | None = None) -> Path:
    """A PDF of ``pages`` pages, each with the same few lines of Chinese text (and a page number).
    ⼈⺠ are the Kangxi/CJK radicals CJK fonts often map 人民 to."""
    lines = lines or PDF_LINES
    chars = sorted({ch for line in lines for ch in line} | set("0123456789-— "))
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo "
            "<< /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def "
            "/CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
    items = list(cid.items())
    for k in range(0, len(items), 100):
        chunk = items[k:k + 100]
        cmap += f"{len(chunk)} beginbfchar\n" + "".join(
            f"<{c:04X}> <{ord(ch):04X}>\n" for ch, c in chunk) + "endbfchar\n"
    cmap += "endcmap CMapName currentdict /CMap defineresource pop end end"

    def hexstr(s: str) -> str:
        return "<" + "".join(f"{cid[ch]:04X}" for ch in s) + ">"

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled below
    pages_id = add(b"")
    cmap_id = add(f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream".encode())
    desc = add(b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860] "
               b"/ItalicAngle 0 /Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>")
    cidfont = add(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry "
                  f"(Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {desc} 0 R /DW 1000 >>".encode())
    font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
               f"/DescendantFonts [{cidfont} 0 R] /ToUnicode {cmap_id} 0 R >>".encode())
    kids = []
    for n in range(1, pages + 1):
        ops = ["BT /F1 12 Tf 14 TL 72 760 Td"]
        for line in lines + [f"— {n} —"]:
            ops.append(f"{hexstr(line)} Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode()
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = (f"<< /Type /Pages /Count {len(kids)} /Kids ["
                             + " ".join(f"{k} 0 R" for k in kids) + "] >>").encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    path.write_bytes(bytes(out))
    return path


def corrupt_xref_pdf(path: Path) -> Path:
    """A PDF whose cross-reference table and trailer are garbage."""
    good = many_pages_pdf(path, 2).read_bytes()
    cut = good.rindex(b"xref")
    path.write_bytes(good[:cut] + b"xref\n0 99\ngarbage garbage\ntrailer\n<< /Root 77 0 R >>\nstartxref\n12\n%%EOF\n")
    return path
