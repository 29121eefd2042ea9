"""indexer.sources: every input kind, charsets, body finding, PDF layout clean-up, URL fetching."""

from __future__ import annotations

import http.server
import re
from pathlib import Path

import pytest

from local_server import serve

from kb.errors import InputError
from indexer import sources
from indexer.sources import (decode, fetch_url, fix_radicals, join_lines, read_html, read_source,
                             strip_page_furniture)

FIX = Path(__file__).parent / "fixtures"
TEXT = "关于推进测试工作的通知\n一、总体要求\n（一）加强组织领导。各部门要按照职责分工抓好落实。\n"


# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, prefix, expected", [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
    ("gb18030", b"", "gb18030"),
    ("gbk", b"", "gb18030"),
    ("utf-16-le", b"\xff\xfe", "utf-16"),
])
def test_text_encodings(tmp_path, encoding, prefix, expected):
    p = tmp_path / "doc.txt"
    p.write_bytes(prefix + (TEXT + "堃").encode(encoding))
    src = read_source(p)
    assert src.text.lstrip("\ufeff") == TEXT + "堃"
    assert src.encoding == expected


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \n\r\n ", "empty"),
    (b"\xef\xbb\xbf", "empty"),
    (b"\x00\x01\x02binary\x00" * 100, "binary"),
    (b"abc\x81\x20def" * 200, "cannot decode"),
    (b"\xef\xbb\xbf" + TEXT.encode("gbk"), "byte-order mark"),
    (b"\xef\xbb\xbf" + bytes(range(0x80, 0x100)) * 40, "byte-order mark"),
])
def test_bad_text_raises_with_file_name(tmp_path, data, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match=message) as e:
        read_source(p)
    assert str(e.value).startswith(str(p))
    assert "\n" not in str(e.value)


def test_size_cap(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:
        f.truncate(20 * 1024 * 1024)  # 20 MB (sparse: the size check comes before reading)
    with pytest.raises(InputError, match=r"20\.0 MB, over the 8 MB limit"):
        read_source(p)


def test_html_in_a_txt_file_is_refused(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text("<html><body><p>" + TEXT + "</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="rename it to .html"):
        read_source(p)


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".ofd", ".xyz"])
def test_unsupported_suffixes(tmp_path, suffix):
    p = tmp_path / f"doc{suffix}"
    p.write_bytes(b"whatever")
    with pytest.raises(InputError, match="cannot be read|unsupported"):
        read_source(p)


def test_decode_honours_declared_charset():
    data = TEXT.encode("gbk")
    assert decode(data, "x", declared="gb2312") == (TEXT, "gb18030")
    # a wrong declaration does not produce mojibake: the bytes decide
    assert decode(TEXT.encode("utf-8"), "x", declared="gbk")[0] == TEXT


# ---------------------------------------------------------------------------
# Web pages
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def county():
    return read_source(FIX / "county-page-gbk.html")


def test_county_page_metadata(county):
    assert county.encoding == "gb18030"  # declared gb2312, holds GBK-only 堃
    m = county.meta
    assert m["doc_number"] == "湖政发〔2024〕37号"
    assert m["issuer"] == "湖东县人民政府"
    assert m["date"] == "2024-11-18" and m["published"] == "2024-11-22"
    assert m["index_no"] == "01410234X/2024-00123" and m["topic"] == "生态环境"
    assert m["title"] == "湖东县人民政府关于全面推进美丽湖东建设的实施方案"
    assert m["content_source"] == "湖东县人民政府办公室"


def test_county_page_body_without_furniture(county):
    text = county.text
    lines = text.split("\n")
    assert lines[0] == "湖东县人民政府关于全面推进美丽湖东建设的实施方案"
    assert lines[1] == "湖政发〔2024〕37号"
    assert lines[-1] == "（此件公开发布）"
    assert "堃山镇污水处理厂" in text
    for furniture in ("当前位置", "首页", "分享到", "微博", "打印本页", "关闭窗口", "相关文件", "主办单位",
                      "网站标识码", "ICP备", "索引号", "浏览次数", "无障碍", "县政府办公室文件", "加强耕地保护",
                      "此栏目内容"):
        assert furniture not in text, furniture
    assert re.search(r"^（二）持续打好污染防治攻坚战$", text, re.M)


def test_utf8_notice_page_with_hint_container():
    src = read_source(FIX / "notice-page.html")
    assert src.encoding == "utf-8"
    assert src.text.startswith("湖东县人民政府办公室关于印发《湖东县农村人居环境整治提升行动方案")
    assert "分享到" not in src.text and "版权所有" not in src.text and "政务公开" not in src.text
    assert "序号\t任务\t责任单位\t完成时限" in src.text  # the table, one row per line
    assert src.meta["published"] == "2025-02-12"


PLAIN_PAGE = """<html><head><meta charset="{cs}"><title>{title} - 某县人民政府</title></head><body>
<div class="menu"><a href="/">首页</a><a href="/a">机构概况</a><a href="/b">政务公开</a><a href="/c">办事服务</a></div>
<div class="x1"><div class="x2">
<div class="x3"><a href="/l1">某县关于开展春季植树活动的通知</a><br><a href="/l2">某县关于做好防汛工作的通知</a>
<br><a href="/l3">某县关于加强安全生产工作的意见</a></div>
<div class="x4">
<p>{title}</p>
<p>为进一步加强生态环境保护工作，推动全县经济社会发展全面绿色转型，现提出如下意见。</p>
<p>一、明确工作目标</p>
<p>到2027年，全县空气质量优良天数比率达到85%以上，地表水国省考断面水质优良比例达到100%。</p>
<p>二、落实重点任务</p>
<p>（一）加强大气污染防治。推进工业企业深度治理，强化移动源污染管控，加强扬尘精细化管理。</p>
<p>（二）加强水污染防治。推进城镇污水管网建设，开展入河排污口排查整治，保障饮用水安全。</p>
</div></div></div>
<div class="x5">Copyright 某县人民政府 版权所有 地址：某县人民路1号</div>
</body></html>"""


def test_density_finds_body_without_known_containers(tmp_path):
    title = "某县人民政府关于加强生态环境保护工作的意见"
    p = tmp_path / "p.html"
    p.write_bytes(PLAIN_PAGE.format(cs="gb2312", title=title).encode("gbk"))
    src = read_source(p)
    assert src.text.split("\n")[0] == title
    assert "（二）加强水污染防治" in src.text
    for furniture in ("机构概况", "春季植树", "版权所有"):
        assert furniture not in src.text
    assert src.text.count(title) == 1  # the page title is the body's first line: not added twice
    assert src.meta["page_title"] == title  # from <title>, without the site name


TABLE_PAGE = """<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"><title>某市城乡建设局关于开展城市体检工作的通知_某市城乡建设局</title></head>
<body><table width="980"><tr><td class="top"><a href="/">首页</a> <a href="/1">机构</a> <a href="/2">公开</a></td></tr>
<tr><td><table><tr><td class="nav2">您现在的位置：<a href="/">首页</a> &gt;&gt; 通知公告</td></tr>
<tr><td align="center"><font size="5"><b>某市城乡建设局关于开展城市体检工作的通知</b></font></td></tr>
<tr><td class="bt"><font>各县（市、区）住房城乡建设局：<br>
&nbsp;&nbsp;&nbsp;&nbsp;为贯彻落实扬府发〔2024〕118号文件要求，推动城市高质量发展，现就开展2025年城市体检工作通知如下。<br>
&nbsp;&nbsp;&nbsp;&nbsp;一、工作目标<br>
&nbsp;&nbsp;&nbsp;&nbsp;全面查找城市建设发展中的问题短板，建立城市体检指标体系，形成城市体检报告。<br>
&nbsp;&nbsp;&nbsp;&nbsp;二、工作安排<br>
&nbsp;&nbsp;&nbsp;&nbsp;（一）自体检阶段。各地于2025年6月底前完成自体检工作，形成自体检报告。<br>
&nbsp;&nbsp;&nbsp;&nbsp;（二）第三方体检阶段。市城乡建设局委托第三方机构开展体检，2025年9月底前完成。<br>
某市城乡建设局<br>2025年3月1日</font></td></tr></table></td></tr>
<tr><td class="foot">版权所有：某市城乡建设局 技术支持：某某公司</td></tr></table></body></html>"""


def test_table_layout_page_with_br_paragraphs(tmp_path):
    """An older layout: nested tables, the body one <td> of <br>-separated lines inside <font>."""
    p = tmp_path / "old.html"
    p.write_text(TABLE_PAGE, encoding="utf-8")
    src = read_source(p)
    lines = [x.strip() for x in src.text.split("\n")]
    assert lines[0] == "某市城乡建设局关于开展城市体检工作的通知"
    assert "（一）自体检阶段。各地于2025年6月底前完成自体检工作，形成自体检报告。" in lines
    assert lines[-2:] == ["某市城乡建设局", "2025年3月1日"]
    for furniture in ("您现在的位置", "版权所有", "技术支持", "首页"):
        assert furniture not in src.text


def test_wrongly_declared_charset_warns(tmp_path):
    p = tmp_path / "p.html"
    p.write_bytes(PLAIN_PAGE.format(cs="utf-8", title="某县人民政府关于加强生态环境保护工作的意见").encode("gbk"))
    src = read_source(p)
    assert "（一）加强大气污染防治" in src.text
    assert src.warnings and "declares charset utf-8" in src.warnings[0]


@pytest.mark.parametrize("make, message", [
    (lambda page: page[: len(page) * 6 // 10], "truncated"),
    (lambda page: b"", "empty"),
    (lambda page: b"<html><body><div><a href=/>\xca\xd7\xd2\xb3</a><a href=/x>\xd0\xc2\xce\xc5</a></div>"
                  b"<p><<<>>><td></table></div></body></html>", "no article body"),
    (lambda page: re.sub(rb"<div class=\"wz_article\".*?</div>", b"", page, flags=re.S), "no article body"),
    (lambda page: b"\x00\x00\x00\x01" + page, "binary"),
])
def test_bad_pages(tmp_path, make, message):
    page = (FIX / "county-page-gbk.html").read_bytes()
    p = tmp_path / "bad.html"
    p.write_bytes(make(page))
    with pytest.raises(InputError, match=message) as e:
        read_source(p)
    assert str(e.value).startswith(str(p))


def test_link_list_page_has_no_body(tmp_path):
    items = "".join(f'<li><a href="/art/{i}.html">某县人民政府关于第{i}批政务公开事项目录的公告</a>'
                    f'<span>2024-01-{i:02d}</span></li>' for i in range(1, 25))
    p = tmp_path / "list.html"
    p.write_text(f"<html><head><meta charset='utf-8'><title>政策文件</title></head><body><ul class='list'>{items}"
                 "</ul></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no article body"):
        read_source(p)


# ---------------------------------------------------------------------------
# .docx and .pdf
# ---------------------------------------------------------------------------

def test_docx_paragraphs_and_tables_in_order():
    src = read_source(FIX / "notice-plan.docx")
    lines = src.text.split("\n")
    assert lines[0].startswith("湖东县人民政府办公室关于印发")
    assert lines.index("一、工作目标") < lines.index("附件：重点任务清单") < lines.index(
        "1\t农村生活污水治理设施建设\t县水务局\t2025年底")
    assert "湖东县人民政府办公室文件" not in src.text  # page header of the .docx is not body text
    assert "— 1 —" not in src.text


def test_docx_built_in_test(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某县人民政府关于加强测试工作的意见")
    d.add_paragraph("一、总体要求")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "任务", "责任单位"
    d.add_paragraph("二、保障措施")
    d.save(str(tmp_path / "x.docx"))
    assert read_source(tmp_path / "x.docx").text.split("\n") == [
        "某县人民政府关于加强测试工作的意见", "一、总体要求", "任务\t责任单位", "二、保障措施"]


@pytest.mark.parametrize("data, message", [
    (b"this is not a zip", "not a readable .docx"),
    (b"PK\x03\x04" + b"\x00" * 100, "not a readable .docx"),
])
def test_bad_docx(tmp_path, data, message):
    p = tmp_path / "bad.docx"
    p.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_source(p)


def test_pdf_text_layout_cleaned():
    src = read_source(FIX / "town-plan.pdf")
    text = src.text
    lines = text.split("\n")
    assert lines[0] == "湖滨镇人民政府关于推进美丽乡村建设的工作方案"  # ⼈⺠ radicals mapped back
    assert not re.search(r"[\u2e80-\u2fdf]", text)
    assert "湖滨镇人民政府文件" not in text and "file:" not in text.lower()  # running header/footer
    assert not any(re.fullmatch(r"\d+/\d+", x) for x in lines)
    # paragraphs that the page width (and a page break) split are whole again
    assert any(x.startswith("1．实施村庄绿化美化。") and x.endswith("（责任单位：镇农业农村服务中心）") for x in lines)
    assert "2．加强农房风貌管控。" in text  # not "2 ．"
    assert lines[-2:] == ["湖滨镇人民政府", "2025年3月5日"]


def test_pdf_without_text_layer(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    with open(tmp_path / "scan.pdf", "wb") as f:
        w.write(f)
    with pytest.raises(InputError, match="no text layer"):
        read_source(tmp_path / "scan.pdf")


@pytest.mark.parametrize("data, message", [
    (b"not a pdf at all", "not a PDF"),
    ((FIX / "town-plan.pdf").read_bytes()[:3000], "cannot be read|no text layer"),
])
def test_bad_pdf(tmp_path, data, message):
    p = tmp_path / "bad.pdf"
    p.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_source(p)


@pytest.mark.parametrize("pages, expected", [
    # running header + — N — footers
    ([["湖东县人民政府文件", "正文一", "— 1 —"], ["湖东县人民政府文件", "正文二", "— 2 —"],
      ["湖东县人民政府文件", "正文三", "— 3 —"]], [["正文一"], ["正文二"], ["正文三"]]),
    # 第N页 共M页 and N/M, on one page only still removed (a page number pattern)
    ([["正文一", "第 1 页 共 2 页"], ["正文二", "2/2"]], [["正文一"], ["正文二"]]),
    # a line repeated in the body (not at a page edge) stays
    ([["标题", "一、要求", "同一句话。", "正文"], ["标题", "同一句话。", "二、措施"]],
     [["一、要求", "同一句话。", "正文"], ["同一句话。", "二、措施"]]),
])
def test_strip_page_furniture(pages, expected):
    assert strip_page_furniture(pages) == expected


def test_join_lines():
    lines = ["关于推进测试工作的通知", "一、总体要求",
             "为进一步加强测试工作，推动各项任务落实落地",  # 20 characters: a full line
             "，经研究，现就有关事项提出如下要求，请认真贯",
             "彻执行。",
             "（一）加强组织领导。各部门要按照职责分工抓",
             "好落实，主要负责同志要亲自部署亲自推动工作",
             "2025年3月5日"]
    assert join_lines(lines) == [
        "关于推进测试工作的通知", "一、总体要求",
        "为进一步加强测试工作，推动各项任务落实落地，经研究，现就有关事项提出如下要求，请认真贯彻执行。",
        "（一）加强组织领导。各部门要按照职责分工抓好落实，主要负责同志要亲自部署亲自推动工作", "2025年3月5日"]


def test_a_plan_title_filling_the_line_stays_apart_from_its_preamble():
    lines = ["某区人民政府办公室关于印发", "某区2026年老旧小区改造提升实施方案", "的通知",
             "某区2026年老旧小区改造提升实施方案",  # as wide as the body's lines
             "为改善居民居住条件，提升城市品质，根据上级",
             "有关部署，结合我区实际，制定本方案。",
             "各街道要于每月5日前报送工作进展，区住建局",
             "按职责分工负责汇总分析，确保各项任务落实。"]
    assert join_lines(lines) == [
        "某区人民政府办公室关于印发", "某区2026年老旧小区改造提升实施方案的通知",
        "某区2026年老旧小区改造提升实施方案",
        "为改善居民居住条件，提升城市品质，根据上级有关部署，结合我区实际，制定本方案。",
        "各街道要于每月5日前报送工作进展，区住建局按职责分工负责汇总分析，确保各项任务落实。"]


def test_a_line_with_a_sentence_in_progress_continues_though_a_little_short():
    lines = ["（一）加强组织领导。各部门要按照职责分工抓好",
             "落实，主要负责同志要亲自部署亲自推动工作。",
             "（二）强化资金保障。区财政局要统",  # much shorter than the full lines, but mid-sentence
             "筹各类资金，保障城市更新项目建设需要，确保按期完成。",
             "各街道办事处要于每月5日前报送进展情况。"]
    assert join_lines(lines)[1] == "（二）强化资金保障。区财政局要统筹各类资金，保障城市更新项目建设需要，确保按期完成。"


def test_a_doc_number_line_is_never_part_of_the_title_line_above_it():
    lines = ["澄湖区人民政府办公室关于印发澄湖区", "2026年校园安全专项整治实施方案的通知",  # as wide as the body's lines
             "澄政办发〔2026〕9号", "各街道办事处，区政府各部门：",
             "现将《澄湖区2026年校园安全专项整治实施方案》印", "发给你们，请结合职能认真抓好落实。"]
    assert "澄政办发〔2026〕9号" in join_lines(lines)


def test_fix_radicals():
    assert fix_radicals("⼈⺠政府⼯作⽅案⻓效机制") == "人民政府工作方案长效机制"
    assert fix_radicals("中共中央 国务院") == "中共中央 国务院"


# ---------------------------------------------------------------------------
# URLs (a local server on 127.0.0.1)
# ---------------------------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=str(FIX), **kw)

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"<p>" + "测".encode() * 10000 + b"</p>")
            return
        if self.path == "/page-no-suffix":
            data = (FIX / "county-page-gbk.html").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=GBK")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        return super().do_GET()


@pytest.fixture(scope="module")
def server():
    with serve(_Handler) as url:
        yield url


def test_fetch_page(server, tmp_path):
    f = fetch_url(f"{server}/page-no-suffix", workdir=tmp_path)
    assert f.path.suffix == ".html" and f.charset == "gbk"
    src = read_source(f.path, http_charset=f.charset, url=f.url)
    assert src.meta["doc_number"] == "湖政发〔2024〕37号" and src.meta["source_url"] == f.url


def test_fetch_pdf_by_content(server, tmp_path):
    f = fetch_url(f"{server}/town-plan.pdf", workdir=tmp_path)
    assert f.path.suffix == ".pdf"
    assert "湖滨镇" in read_source(f.path).text


@pytest.mark.parametrize("path, kw, message", [
    ("/big", {"max_bytes": 100_000}, "over the 0 MB limit|limit"),
    ("/missing.html", {}, "HTTP 404"),
    ("/to-file", {}, "non-http|not allowed"),
])
def test_fetch_errors(server, tmp_path, path, kw, message):
    with pytest.raises(InputError, match=message):
        fetch_url(f"{server}{path}", workdir=tmp_path, **kw)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x.html", "file:///etc/passwd", "http://"])
def test_fetch_refuses_other_schemes(url):
    with pytest.raises(InputError, match="only http"):
        fetch_url(url)


def test_fetch_timeout(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)  # accepts the connection but never answers
    try:
        with pytest.raises(InputError, match="cannot fetch"):
            fetch_url(f"http://127.0.0.1:{s.getsockname()[1]}/x.html", timeout=0.5, workdir=tmp_path)
    finally:
        s.close()


def test_html_reader_direct_bytes():
    src = read_html((FIX / "notice-page.html").read_bytes(), "notice-page.html")
    assert src.kind == "html"
    assert sources.cjk_count(src.text) > 500


@pytest.mark.parametrize("lines, paras", [
    # a plan's title as wide as the body, then a preamble that opens with no 为/根据
    (["某县2026年耕地保护整治实施方案", "全县耕地保有量为68万亩，发现疑似图斑1200个，制定本方案。"],
     ["某县2026年耕地保护整治实施方案", "全县耕地保有量为68万亩，发现疑似图斑1200个，制定本方案。"]),
    # a title broken before its years, and a notice title broken before 的通知, stay one line
    (["某县城市更新三年行动方案", "（2026—2028年）"], ["某县城市更新三年行动方案（2026—2028年）"]),
    (["某县人民政府办公室关于印发某县节水行动方案", "的通知"], ["某县人民政府办公室关于印发某县节水行动方案的通知"]),
])
def test_a_plan_title_line_is_its_own_paragraph(lines, paras):
    assert join_lines(lines) == paras


_BODY = "<p>" + "为加强城市燃气管网更新改造工作，结合本省实际，制定本要点。" * 6 + "</p>"


def test_a_metadata_label_in_an_attribute_is_read():
    page = ("<html><head><title>某省住房和城乡建设厅</title></head><body><ul class='fields'>"
            "<li data-label='发文字号'>某建城〔2026〕9号</li><li data-label='成文日期'>2026-03-02</li></ul>"
            "<div id='content'><h2>某省住房和城乡建设厅关于印发燃气管网改造工作要点的通知</h2>" + _BODY +
            "</div></body></html>").encode()
    src = read_html(page, "p.html")
    assert src.meta["doc_number"] == "某建城〔2026〕9号"
    assert "某建城〔2026〕9号" not in src.text  # the block went with the metadata


def test_a_lone_doc_number_above_the_body_is_the_documents_own_but_not_a_linked_one():
    head = ("<html><body><div class='hd'><h2>某市安委办关于印发安全生产工作要点的通知</h2>"
            "<p class='doc-no'>某安委办〔2026〕4号</p></div>")
    related = "<ul class='related'><li><a href='x.html'>某安委办〔2025〕2号</a></li></ul>"
    page = (head + "<div id='zoom'>" + _BODY + "</div>" + related + "</body></html>").encode()
    assert read_html(page, "p.html").meta["doc_number"] == "某安委办〔2026〕4号"
    page = ("<html><body><div id='zoom'><h2>某市安委办关于印发安全生产工作要点的通知</h2>" + _BODY + "</div>"
            + related + "</body></html>").encode()
    assert "doc_number" not in read_html(page, "p.html").meta
