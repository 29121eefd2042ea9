"""Every pattern the parser uses, as a named constant with named groups.

Patterns run on normalised text (``indexer.normalize``): digits are ASCII,
Chinese punctuation is full-width. Where a source form is still ambiguous
(``1．`` vs ``1.``) both are accepted. Each comment names the document form
that forced the pattern.
"""

import re

CN_NUM = "零〇一二三四五六七八九十百千两"

# ---------------------------------------------------------------------------
# Numbering at the start of a paragraph, outermost forms first.
# ---------------------------------------------------------------------------

# 第一部分 总体要求 — large plans and 规定 divided into parts above their 一、 sections.
DIVISION = re.compile(rf"^(?P<marker>第(?P<num>[{CN_NUM}\d]+)部分)\s*(?P<rest>.*)$", re.S)
# 第一章 总则 — regulations, 办法, 规定.
CHAPTER = re.compile(rf"^(?P<marker>第(?P<num>[{CN_NUM}\d]+)章)\s*(?P<rest>.*)$", re.S)
# 第一节 — sections inside chapters.
SECTION = re.compile(rf"^(?P<marker>第(?P<num>[{CN_NUM}\d]+)节)\s*(?P<rest>.*)$", re.S)
# 第三条 — articles of regulations; the article text follows on the same line.
ARTICLE_TIAO = re.compile(rf"^(?P<marker>第(?P<num>[{CN_NUM}\d]+)条)\s*(?P<rest>.*)$", re.S)
# 三、加快… — parts of 意见/方案 (扬府发〔2024〕118号 uses 一、 to 六、); 一．/一. are typing variants.
CN_COMMA = re.compile(rf"^(?P<marker>(?P<num>[{CN_NUM}]+)(?:、|．|\.(?![\d.])))\s*(?P<rest>.*)$", re.S)
# （五）持续深入… — articles of 意见/方案; ASCII parens are normalised to full-width.
CN_PAREN = re.compile(rf"^(?P<marker>（(?P<num>[{CN_NUM}]+)）)\s*(?P<rest>.*)$", re.S)
# 1．加强… / 1.加强… / 1、加强… — items of county plans; not 2024年 or 1.5倍.
# A digit after the dot is a decimal (1.5万亩), except a month opening the item: 1.6月底前完成….
NUM_DOT = re.compile(r"^(?P<marker>(?P<num>\d{1,3})(?:[．、]|\.(?!\d)|\.(?=(?:1[0-2]|[1-9])月)))\s*(?P<rest>.*)$", re.S)
# （1） — sub-items; 1） / 1) (normalised to 1）) are the same level written with one bracket.
NUM_PAREN = re.compile(r"^(?P<marker>（?(?P<num>\d{1,3})）)\s*(?P<rest>.*)$", re.S)
# ① — sub-sub-items.
CIRCLED = re.compile(r"^(?P<marker>(?P<num>[\u2460-\u2473]))\s*(?P<rest>.*)$", re.S)
# 附件 / 附件1 / 附件：… — annexes start a new top-level unit with numbering of their own.
# 附件一 / 附件二 number annexes with Chinese numerals.
ANNEX = re.compile(rf"^(?P<marker>附件(?P<num>\d{{1,2}}|[{CN_NUM}]{{1,3}}(?![{CN_NUM}]))?(?:\s*[：:])?)\s*(?P<rest>.*)$",
                   re.S)

# Marker types in the order the rank table in ``indexer.structure`` uses.
NUMBERING = {
    "division": DIVISION,
    "chapter": CHAPTER,
    "section": SECTION,
    "tiao": ARTICLE_TIAO,
    "cn_comma": CN_COMMA,
    "cn_paren": CN_PAREN,
    "num_dot": NUM_DOT,
    "num_paren": NUM_PAREN,
    "circled": CIRCLED,
}

# The cell separator of a table row (``indexer.normalize`` guarantee 6): a .docx or HTML
# table's row, e.g. a 任务分工表 row 1｜完成…改造｜区生态环境局｜区工信局｜2025年10月底前.
TABLE_CELL = "｜"
# A group row inside a table — one cell across the table (（一）农业节水, 二、工业节水, 重点任务类) —
# written as a line of its own between rows: a short label, no sentence. It does not end the
# table when a row follows it.
TABLE_GROUP_LINE = re.compile(r"^[^｜。；;，,：:！？]{1,24}$")

# ---------------------------------------------------------------------------
# Sentences and clauses.
# ---------------------------------------------------------------------------

# A clause ends at 。！？ or ； (semicolon-separated items, e.g. 到2027年，…；到2035年，…),
# together with any closing quotes/brackets that follow (…“一园一策一图”。).
CLAUSE_END = re.compile(r"[。！？；]+[”’」』）》]*")

# ---------------------------------------------------------------------------
# Header and signature.
# ---------------------------------------------------------------------------

# 文号: 扬府发〔2024〕118号, 苏政发[2024]5号, 国办发【2023】12号, 宝政办发（2024）3号.
# Group ``prefix`` is the issuer code, ``year`` and ``serial`` the numbers.
# With the official 〔〕 (or [] 【】) the prefix may end in any character (鹿山政〔2020〕72号,
# 河政办规〔2024〕11号, 办运管〔2025〕63号); with round brackets, which prose uses too, only in
# the usual 发/函/字/办/令/通/告/规.
DOC_NUMBER = re.compile(
    r"""
    (?P<prefix>[\u4e00-\u9fff]{0,9}?(?:[\u4e00-\u9fff](?=\s*[〔\[【])|[发函字办令通告规](?=\s*[（(])))
    \s*
    [〔\[【（(]                                       # bracket forms seen in the wild
    (?P<year>(?:19|20)\d{2})
    [〕\]】）)]
    \s*第?\s*                                         # 某政发〔2024〕第3号
    (?P<serial>\d{1,4})
    \s*号
    """,
    re.X,
)

# A 文号 standing alone — a line of its own under the title, or the value of a labelled field
# (文号：…, a page's 发文字号 cell): there nothing else can be meant, so round brackets are read
# whatever the prefix ends with (雁林草（2025）17号, 双镇（2025）11号). Use with ``fullmatch``.
DOC_NUMBER_ALONE = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,10})\s*[〔\[【（(](?P<year>(?:19|20)\d{2})[〕\]】）)]\s*第?\s*(?P<serial>\d{1,4})\s*号"
)

# A 《title》 citation; nested 《》 are not allowed inside titles.
TITLE_CITATION = re.compile(r"《(?P<title>[^《》\n]{2,80})》")

# 主送 line: ends with a colon, and names bodies (各…/…人民政府/…局/…单位).
RECIPIENTS_LINE = re.compile(
    r"^(?P<recipients>[^。；]{2,300}?(?:政府|单位|部门|委员会|管委会|局|厅|委|办|公司|）))[：]$"
)

# Dates: 2024年9月26日, and the Chinese-numeral form of signatures: 二〇二四年九月二十六日.
DATE_ARABIC = re.compile(r"^(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
DATE_CN = re.compile(rf"^(?P<y>[〇○零一二三四五六七八九]{{4}})年(?P<m>[{CN_NUM}]{{1,3}})月(?P<d>[{CN_NUM}]{{1,3}})日$")
# A government decree (政府令) issuing a measure: 湖东县人民政府令 / 第3号 (or 湖东县人民政府令第3号).
DECREE_LINE = re.compile(r"^(?P<issuer>[\u4e00-\u9fff]{2,30}?(?:人民政府|政府))令(?:\s*第\s*(?P<serial>\d{1,4})\s*号)?$")
DECREE_NUMBER = re.compile(r"^[（(]?\s*第\s*(?P<serial>\d{1,4})\s*号\s*[）)]?$")
# A signature dated to the month only (2025年3月, 二〇二五年三月): read as 2025-03 under an issuer line.
DATE_YEAR_MONTH = re.compile(rf"^(?P<y>(?:19|20)\d{{2}}|[〇○零一二三四五六七八九]{{4}})年(?P<m>\d{{1,2}}|[{CN_NUM}]{{1,3}})月$")
DATE_IN_TEXT = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")

# An issuing body alone on a line at the end (signature), e.g. 扬州市人民政府.
ISSUER_LINE = re.compile(
    r"^[\u4e00-\u9fff（）、 \u3000]{2,60}(?:人民政府|政府|委员会|办公厅|办公室|厅|局|委|部|中共[\u4e00-\u9fff]*委员会|党委|"
    r"党工委|工委|办事处|管委会|管理委员会|行政公署|行署|领导小组|指挥部|总队|支队|联合会|管理中心|服务中心|事务中心|保障中心|发展中心|融媒体中心|公司|工会|妇联|残联|科协|团委|红十字会)$"
)
# （此件公开发布） and similar publication notes after the signature, and the contact note that
# often follows the date: （联系人：王某，联系电话：0000-1234567）.
PUBLICATION_NOTE = re.compile(r"^（(?:此件[^）]{1,12}|联系人[：:][^（）]{1,60})）$")

# The title line of a document: 关于…的意见/通知/方案…, possibly prefixed by the issuer.
TITLE_LINE = re.compile(
    r"^[^。；：]{0,40}关于[^。；：]{2,80}的(?:实施意见|意见|通知|实施方案|行动方案|工作方案|方案|办法|规定|决定|规划|计划|细则|批复|函|报告|要点|通告|公告)"
    r"(?:（[^（）。；：]{1,20}）)?$"  # …管理办法（试行）, …行动方案（2025—2027年）
)

# A title without 关于 (江苏省生态环境监测条例, 扬州市…实施方案), accepted as the first title line only.
TITLE_PLAIN = re.compile(
    r"^[\u4e00-\u9fff（）《》“”—、\d]{4,60}(?:条例|办法|规定|细则|实施方案|行动方案|方案|规划|意见|决定|计划|要点|通告|公告|"
    r"措施|清单|任务|安排|预案|纲要|规则|指引|指南|制度|标准)"
    r"(?:（[^（）。；：]{1,20}）)?$"  # …实施方案（2025—2027年）, …办法（试行）
)

# The words a plan's first paragraph opens with (为…，制定本方案 / 根据…): after a title line, such
# a line starts a paragraph of its own, however long the title line is.
PREAMBLE_OPENER = re.compile(r"^(?:为了?|根据|按照|依据|近年来)")

# The red masthead (版头) above a document's 文号: 青川市人民政府办公室文件, 中共某某县委文件.
MASTHEAD_LINE = re.compile(r"^[\u4e00-\u9fff（）]{2,30}文件$")

# The 版记 at the very end of a printed document: the copy-to line and the printing line
# (抄送：市委各部门，市人大常委会办公室。 / 青川市人民政府办公室　2025年3月14日印发).
COPY_LINE = re.compile(r"^(?:抄送|抄报|分送|发送|报送)[：:]")
# A page's links to the articles next to it, copied with the text (上一篇：…的通知（渌政办函〔2026〕11号）).
NEIGHBOUR_LINK = re.compile(r"^(?:上一篇|下一篇|上一条|下一条)[：:]")
PRINT_LINE = re.compile(
    r"^(?P<issuer>[\u4e00-\u9fff（）]{2,40}?)?\s*(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*(?:印发|印制)$")

# A paragraph that is only a responsibility annotation, standing on its own line after the items
# it is about: （牵头单位：各县（市、区）人民政府；完成时限：持续推进）.
ANNOTATION_PARAGRAPH = re.compile(
    r"^（(?=[^。]*?(?:牵头|配合|责任单位|责任部门|主办单位|协办单位|完成时限|完成时间))[^。]*）[。；]?$")

# An annotation written as a line of its own under an item (not in brackets; one clause, never split
# at ；): 牵头单位：区生态环境局 /
# 责任单位：区水务局，各街道办事处 / 完成时限：2025年12月底前. Like ANNOTATION_PARAGRAPH it belongs to
# the item above it: it never makes the item's sentence a heading, nor starts the closing.
# (责任分工：X牵头，Y配合 and a line naming the leader in charge, 责任领导：…, belong to the item too.)
ANNOTATION_LINE = re.compile(
    r"^(?:牵头|配合|责任|参与|协办|主办|主责|实施|落实)(?:单位|部门)[：:]|^(?:完成时限|完成时间|时间节点|完成期限)[：:]"
    r"|^(?:责任分工|职责分工|任务分工|工作分工|责任领导|牵头领导|分管领导|包保领导)[：:]")

# Closing paragraphs that follow the last numbered provision.
CLOSING_CUE = re.compile(
    r"^(?:本(?:意见|方案|办法|规定|通知|细则|计划|通告|公告|决定|要点|规则)|各地各(?:有关)?部门|[\u4e00-\u9fff]{0,20}工作由)"
)

# ---------------------------------------------------------------------------
# Page layout of PDF sources (indexer.sources): lines that are page furniture.
# ---------------------------------------------------------------------------

# Page numbers as printed by official documents and office software: — 3 —, - 3 -, 3,
# 第3页, 第 3 页 共 10 页, 3/10, Page 3 of 10.
PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        [—–\-－]{0,2}\s*\d{1,4}\s*[—–\-－]{0,2}          # — 3 —   - 3 -   3
      | 第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?  # 第3页 / 第 3 页 共 10 页
      | \d{1,4}\s*/\s*\d{1,4}                               # 3/10
      | (?:Page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?          # Page 3 of 10
    )\s*$""",
    re.X | re.I,
)

# ---------------------------------------------------------------------------
# Citation resolution (indexer.citations, indexer.resolve, indexer.notice).
# ---------------------------------------------------------------------------

# A notice that issues a plan: 湖东县人民政府关于印发《湖东县…实施方案》的通知 — the plan's title is
# ``inner``; the brackets are sometimes 〈〉 or missing (关于印发湖东县…实施方案的通知), and joint
# notices often drop 关于 (中共某市委办公室 某市人民政府办公室印发《…》的通知).
NOTICE_TITLE = re.compile(
    r"^(?P<issuer>[^。；：《》]{0,40}?)(?:关于)?(?:印发|转发|批转|下发|修订印发)"
    # whose plan: 转发地区生态环境局《X》的通知, 批转县发展改革局关于X的通知
    r"(?:(?P<origin>[^《》〈〉。；]{2,40}?)(?=[《〈]|关于))?(?:关于)?"
    r"[《〈]?(?P<inner>[^《》〈〉。；]{2,80}?)[》〉]?的通知"
    # …的通知（枫教联〔2026〕3号）: the 文号 in brackets after the title, as some pages print it
    r"(?P<number>[（(][\u4e00-\u9fff]{1,12}[〔\[【](?:19|20)\d{2}[〕\]】]第?\d{1,4}号[）)])?$"
)

# Anaphoric references to a document cited before in the same text: 上述文件, 该意见, 前述方案.
ANAPHORA = re.compile(
    r"(?:上述|前述|上列|该)(?P<type>文件|实施意见|指导意见|意见|通知|实施方案|行动方案|方案|办法|规划|决定|规定|计划|纲要|条例|细则)"
)

# Prose words that DOC_NUMBER's prefix swallows when a 文号 stands in running text:
# 结合扬府发〔2024〕118号 → 扬府发〔2024〕118号. Trimmed from the front of a prose 文号's prefix.
DOC_NUMBER_LEAD = re.compile(
    r"^(?:根据|按照|依据|依照|遵照|参照|对照|结合|贯彻|落实|执行|印发|转发|详见|参见|见|和|及|与|或|并|以|即|的|等)+"
)
