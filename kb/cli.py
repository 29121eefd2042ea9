"""The ``policykb`` command line: a thin layer over ``kb.api`` and ``indexer``.

The contract (commands, flags, JSON shapes) is in the README. With ``--json``
stdout is exactly one JSON document; errors are one ``Error: …`` line on
stderr with a non-zero exit code, never a traceback (set POLICYKB_DEBUG=1 to
see one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kb.errors import PolicyKBError

LEVEL_ZH = {"central": "中央", "provincial": "省级", "municipal": "市级", "county": "县级"}
STATUS_ZH = {"full": "全文", "outline": "提纲（非官方全文）"}
VERIFIED_ZH = {True: "〔已核实〕", False: "〔未核实〕", "partial": "〔部分核实〕"}  # outline flags


class UsageError(PolicyKBError):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def cmd_build(args) -> int:
    from indexer.build import build

    summary = build(args.corpus, progress=None if args.quiet else sys.stderr)
    for w in summary.warnings:
        print(f"Warning: {w}", file=sys.stderr)
    if args.json:
        emit_json({"home": str(summary.home), "build": str(summary.build_dir),
                   "documents": [{"id": pd.document.id, "status": pd.document.status,
                                  "parts": pd.document.parts, "articles": pd.document.articles,
                                  "clauses": pd.document.clauses, "tasks": len(pd.tasks),
                                  "targets": len(pd.targets)} for pd in summary.documents],
                   "links": summary.links, "seconds": round(summary.seconds, 3),
                   "warnings": summary.warnings})
        return 0
    print(f"已构建知识库：{summary.build_dir}")
    for pd in summary.documents:
        d = pd.document
        print(f"  {d.id}  [{LEVEL_ZH.get(d.level, d.level)}·{STATUS_ZH.get(d.status, d.status)}]  "
              f"{d.title}  部分 {d.parts} / 条 {d.articles} / 句 {d.clauses} / 任务 {len(pd.tasks)} / "
              f"目标 {len(pd.targets)}")
    print(f"共 {len(summary.documents)} 个文件，{summary.links} 条关联，用时 {summary.seconds:.1f} 秒")
    return 0


def cmd_docs(args) -> int:
    from kb import open_kb

    kb = open_kb()
    docs = [kb.document_dict(d) for d in kb.documents()]
    if args.json:
        emit_json(docs)
        return 0
    for d in docs:
        outline = "  ※ 提纲文件，非官方全文" if d["status"] == "outline" else ""
        print(f"{d['id']}  {d['title']}  {d['doc_number'] or '（无文号）'}  {d['date'] or ''}  "
              f"{LEVEL_ZH.get(d['level'], d['level'])}{outline}")
    return 0


def cmd_show(args) -> int:
    from kb import open_kb

    kb = open_kb()
    out = kb.show(args.id)
    if args.json:
        emit_json(out)
        return 0
    d = out["document"]
    print(f"《{d['title']}》 {d['doc_number'] or ''} {d['issuer']} {d['date'] or ''}")
    if d["status"] == "outline":
        print("※ 这是根据公开事实整理的提纲文件，不是官方全文。")
    flags = (d.get("meta") or {}).get("verified") or {} if d["status"] == "outline" else {}
    for p in out["provisions"]:
        indent = "  " * p["depth"]
        flag = VERIFIED_ZH.get(flags.get(p["id"]), "") if p["id"] in flags else ""
        if p["kind"] == "clause":
            print(f"{indent}{p['text']}   [{p['id'].split('#', 1)[1]}]")
        else:
            print(f"{indent}{p['marker'] or ''}{p['heading'] or p['label']}{flag}")
    return 0


def cmd_parse(args) -> int:
    from kb.models import to_dict
    from indexer.pipeline import parse_file

    pd = parse_file(Path(args.file))
    out = {"document": to_dict(pd.document), "provisions": [to_dict(p) for p in pd.provisions],
           "citations": [to_dict(c) for c in pd.citations], "tasks": [to_dict(t) for t in pd.tasks],
           "targets": [to_dict(t) for t in pd.targets], "warnings": pd.warnings}
    out["document"].pop("text", None) if not args.with_text else None
    if args.json:
        emit_json(out)
        return 0
    for w in pd.warnings:
        print(f"Warning: {w}", file=sys.stderr)
    d = pd.document
    print(f"{d.id}: 《{d.title}》 {d.doc_number or ''} 部分 {d.parts} / 条 {d.articles} / 句 {d.clauses}")
    if d.status == "outline":
        print("※ 提纲文件（根据公开事实整理），不是官方全文")
    for p in pd.provisions:
        if p.kind != "clause":
            print(f"{'  ' * p.depth}{p.id.split('#', 1)[1]}  {p.label}")
    return 0


def cmd_ingest(args) -> int:
    from kb import open_kb
    from indexer.ingest import ingest

    result = ingest(args.source, args.corpus, doc_id=args.id, level=args.level,
                    progress=None if (args.quiet or args.json) else sys.stderr)
    for w in result.warnings:
        print(f"Warning: {w}", file=sys.stderr)
    kb = open_kb()
    d = kb.document_dict(kb.document(result.document.id))
    if args.json:
        emit_json({**d, "replaced": result.replaced, "files": [str(p) for p in result.files],
                   "moved": [[str(a), str(b)] for a, b in result.moved],
                   "build": str(result.summary.build_dir), "documents": len(result.summary.documents)})
        return 0
    print(f"已收录：{d['id']}  《{d['title']}》 {d['doc_number'] or '（无文号）'}  {d['issuer']}  "
          f"{d['date'] or '（无日期）'}  {LEVEL_ZH.get(d['level'], d['level'])}")
    print(f"  结构：部分 {d['parts']} / 条 {d['articles']} / 句 {d['clauses']}")
    resolved = [c for c in d["cites"] if c["resolved_id"]]
    print(f"  引用 {len(d['cites'])} 处，其中 {len(resolved)} 处指向库内文件"
          + ("：" + "，".join(sorted({c['resolved_id'] for c in resolved})) if resolved else ""))
    if result.replaced:
        print(f"  已替换提纲 {result.replaced}（提纲文件移至 {result.moved[0][1]}，可移回恢复）")
    print("  文件：" + "，".join(str(p) for p in result.files))
    print(f"已重建知识库：共 {len(result.summary.documents)} 个文件，{result.summary.links} 条关联")
    return 0


COMMANDS = {}


def make_parser() -> Parser:
    parser = Parser(prog="policykb", description="政策知识库 policykb：解析、检索、对标政策文件")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")

    def add(name, func, help_):
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        COMMANDS[name] = p
        return p

    p = add("build", cmd_build, "parse the corpus, extract, link, index; replace the KB atomically")
    p.add_argument("--corpus", type=Path, default=None, help="corpus folder (default ./corpus)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add("docs", cmd_docs, "list documents")
    p = add("show", cmd_show, "one document (ID = document id) or one provision (ID = provision id)")
    p.add_argument("id")
    p = add("ingest", cmd_ingest, "add a document (web page, .txt, .md, .docx, .pdf; a path or an "
            "http(s) URL) to the corpus and rebuild; the official text of an outlined document replaces the outline")
    p.add_argument("source", metavar="PATH_OR_URL")
    p.add_argument("--id", default=None, help="document id (letters, digits, - _ .); default: derived")
    p.add_argument("--level", default=None, choices=("central", "provincial", "municipal", "county"),
                   help="administrative level; default: the replaced outline's, else guessed from the issuer")
    p.add_argument("--corpus", type=Path, default=None, help="corpus folder (default ./corpus)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = add("parse", cmd_parse, "parse one file and print its records without storing (debugging)")
    p.add_argument("file")
    p.add_argument("--with-text", action="store_true", help="include the normalised text")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    except PolicyKBError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted; the previous KB is unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: still one line unless debugging
        if os.environ.get("POLICYKB_DEBUG"):
            raise
        print(f"Error: internal error {type(e).__name__}: {e} (rerun with POLICYKB_DEBUG=1 and report it)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
