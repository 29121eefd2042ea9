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

from kb import labels
from kb.errors import BenchError, PolicyKBError, UsageError, storage


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        if self.prog.endswith(" search") and "query" in message:  # `search -碳达峰` reads as an option
            message += "; a query that starts with '-' goes after `--`, e.g. `policykb search -- -船舶 碳达峰`"
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def cmd_build(args) -> int:
    from indexer.build import build
    from policykb import resources

    corpus = args.corpus
    if corpus is None and not (Path.cwd() / "corpus").is_dir():
        corpus = resources.default_corpus()
        if corpus is None:
            raise UsageError("no ./corpus folder here and no corpus shipped with policykb; pass --corpus DIR")
        print(f"policykb: no ./corpus folder here; building the corpus shipped with policykb ({corpus}); "
              "pass --corpus DIR for your own", file=sys.stderr)
    summary = build(corpus, progress=None if args.quiet else sys.stderr)
    for w in summary.warnings:
        print(f"Warning: {w}", file=sys.stderr)
    if args.json:
        emit_json({"home": str(summary.home), "build": str(summary.build_dir),
                   "documents": [{"id": pd.document.id, "status": pd.document.status,
                                  "parts": pd.document.parts, "articles": pd.document.articles,
                                  "clauses": pd.document.clauses, "tasks": len(pd.tasks),
                                  "targets": len(pd.targets),
                                  "guessed": list(pd.document.meta.get("guessed") or [])}
                                 for pd in summary.documents],
                   "links": summary.links, "seconds": round(summary.seconds, 3),
                   "warnings": summary.warnings, "timings": summary.timings, "cached": summary.cached,
                   "engine": summary.engine})
        return 0
    print(f"已构建知识库：{summary.build_dir}")
    for pd in summary.documents:
        d = pd.document
        print(f"  {d.id}  [{labels.level(d.level)}·{labels.status(d.status, caveat=True)}]  "
              f"{d.title}  部分 {d.parts} / 条 {d.articles} / 句 {d.clauses} / 任务 {len(pd.tasks)} / "
              f"目标 {len(pd.targets)}{guessed_note(d.meta.get('guessed'))}")
    print(f"共 {len(summary.documents)} 个文件，{summary.links} 条关联，检索引擎 {summary.engine}，"
          f"用时 {summary.seconds:.1f} 秒")
    if summary.timings:
        print("  其中 " + "，".join(f"{k} {v:.1f} 秒" for k, v in summary.timings.items()))
    if summary.cached:
        print(f"  {summary.cached} 个文件自上次构建以来未变，沿用上次的解析结果（缓存在 {summary.home / 'cache'}）")
    return 0


def guessed_note(codes) -> str:
    note = labels.guessed(codes)
    return f"  {note}" if note else ""


def cmd_app(args) -> int:
    """``streamlit run`` the packaged app with the packaged settings, from the current folder (so
    ``./.policykb`` or $POLICYKB_HOME is the KB it shows)."""
    import subprocess

    from policykb import resources

    argv = [sys.executable, "-m", "streamlit", "run", str(resources.app_script()), *resources.streamlit_flags(),
            *[a for a in args.streamlit_args if a != "--"]]
    try:
        return subprocess.call(argv)
    except KeyboardInterrupt:
        return 0


def cmd_docs(args) -> int:
    from kb import contract, open_kb

    docs = contract.docs(open_kb())
    if args.json:
        emit_json(docs)
        return 0
    for d in docs:
        outline = "  ※ 提纲文件，非官方全文" if d["status"] == "outline" else ""
        print(f"{d['id']}  {d['title']}  {d['doc_number'] or '（无文号）'}  {d['date'] or ''}  "
              f"{labels.level(d['level'])}{outline}{guessed_note(d.get('guessed'))}")
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
        flag = labels.verified_tag(flags.get(p["id"])) if p["id"] in flags else ""
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


def _party_text(p) -> str:
    how = labels.party_source(p.source)
    if p.source == "inferred":
        how += f"，依据“{p.evidence}”"
    elif p.source == "resolved":
        how += f"，原文作“{p.anaphor}”"
    return f"{p.name}（{labels.role(p.role)}·{how}）"


def cmd_tasks(args) -> int:
    from kb import contract, open_kb
    from kb.export import ROW_KINDS, breakdown, deadline_text, export_tasks, lead_text, support_text, target_text

    kb = open_kb()
    if args.json and not (args.format or args.output):
        emit_json(contract.tasks(kb, doc=args.doc, party=args.party, year=args.year, role=args.role))
        return 0
    if args.format or args.output:
        if not (args.format and args.output):
            raise UsageError("--format and --output go together, e.g. "
                             "`--format xlsx --output 任务分解表.xlsx`")
        # the same rows as the app's 任务分解表: the tasks and the clauses with dated targets but no task
        rows = breakdown(kb, doc=args.doc, party=args.party, year=args.year, role=args.role)
        path = export_tasks(kb, rows, args.format, args.output)
        n = {kind: sum(r.kind == kind for r in rows) for kind in ROW_KINDS}
        if args.json:
            emit_json({"output": str(path), "format": args.format, "tasks": n["task"], "target_rows": n["target"],
                       "rows": len(rows)})
        else:
            print(f"已导出任务分解表：{path}（{n['task']} 项任务"
                  + (f"，另有 {n['target']} 条{ROW_KINDS['target']}" if n["target"] else "") + "）")
        return 0
    tasks = kb.tasks(doc=args.doc, party=args.party, year=args.year, role=args.role)
    if not tasks:
        print("没有符合条件的任务。")
        return 0
    for i, t in enumerate(tasks, 1):
        print(f"[{i}] {t.id}")
        if t.label:
            print(f"    出处：{t.label}")
        print(f"    任务：{t.text}")
        if t.unassigned:
            print("    责任单位：未明确（unassigned）")
        else:
            print(f"    牵头：{lead_text(t)}")
            support = support_text(t)
            if support != "—":
                print(f"    配合：{support}")
        others = [p for p in t.parties if p.role in ("owner", "recipient", "mentioned") and p.source != "inherited"]
        if others:
            print("    其他：" + "；".join(_party_text(p) for p in others))
        for r in t.references:
            if r.status != "resolved":
                print(f"    指代：{r.note}")
        print(f"    时限：{deadline_text(t.deadline)}"
              + ("（原文）" if t.deadline and t.deadline.source == "explicit" and not t.deadline.year_inferred else ""))
        for x in t.targets:
            print(f"    目标：{target_text(x)}")
        for w in t.warnings:
            print(f"    提示：{w}")
    print(f"共 {len(tasks)} 项任务；其中未明确责任单位 {sum(t.unassigned for t in tasks)} 项，"
          f"责任单位为推断 {sum(t.assignment == 'inferred' for t in tasks)} 项，"
          f"继承主送 {sum(t.assignment == 'inherited' for t in tasks)} 项"
          + (f"，经“该局/其”等指代确定 {n} 项" if (n := sum(t.assignment == 'resolved' for t in tasks)) else "")
          + "。")
    return 0


def cmd_targets(args) -> int:
    from kb import contract, open_kb

    kb = open_kb()
    if args.json:
        emit_json(contract.targets(kb, doc=args.doc, year=args.year, compare=args.compare,
                                   indicator=args.indicator))
        return 0
    if args.compare:
        return _compare_targets(kb, args)
    targets = kb.targets(doc=args.doc, year=args.year)
    if not targets:
        print("没有符合条件的目标。")
        return 0
    for t in targets:
        value = "" if t.value is None else f"{t.value}{t.unit or ''}"
        year = (f"{t.year}年" + ("（推断）" if t.year_inferred else "")) if t.year else "年份未明确"
        print(f"{year}  {t.indicator}  {value}  {t.qualifier or ''}".rstrip()
              + f"    [{t.clause_id}]")
    print(f"共 {len(targets)} 项目标。")
    return 0


def _compare_targets(kb, args) -> int:
    from kb import contract

    rows = contract.targets(kb, doc=args.doc, year=args.year, compare=True, indicator=args.indicator)
    if not rows:
        print("没有可与上级文件比较的目标。")
        return 0

    def show(t):
        value = "" if t["value"] is None else f"{t['value']}{t['unit'] or ''}"
        outline = "（提纲）" if t["status"] == "outline" else ""
        year = "（推断）" if t.get("year_source") == "document" else ""
        return f"{t['doc_id']}{outline} {t['year'] or '年份未明确'}年{year} {t['indicator']} {value} {t['qualifier'] or ''}".strip()

    for r in rows:
        diff = f"  差值 {r['difference']:+g}" if r["difference"] is not None else ""
        print(f"【{r['indicator']}】 名称相似度 {r['match']}{diff}")
        for u in r["upstream_all_years"]:
            print(f"  上级：{show(u)}")
        print(f"  本级：{show(r['downstream'])}")
    return 0


def cmd_eval_extract(args) -> int:
    from indexer.extract.evaluate import FIELDS, run

    result = run(Path(args.gold))
    if args.json:
        out = result.as_dict()
        if not args.disagreements:
            out.pop("disagreements")
        emit_json(out)
        return 0
    print(f"金标准：{result.gold}（{result.clauses} 个条款，文件：{'、'.join(result.documents)}）")
    fmt = (lambda x: "  —" if x is None else f"{x:.3f}")
    if result.clauses:
        print(f"{'字段':<16}{'精确率':>8}{'召回率':>8}{'F1':>8}{'一致率':>8}   TP/FP/FN")
    for f in FIELDS if result.clauses else ():
        s = result.scores[f].as_dict()
        print(f"{f:<18}{fmt(s['precision']):>8}{fmt(s['recall']):>8}{fmt(s['f1']):>8}"
              f"{fmt(s['agreement']):>8}   {s['tp']}/{s['fp']}/{s['fn']}")
    if result.facts is not None:
        print_facts(result.facts, fmt)
    if args.disagreements:
        for d in result.disagreements + (result.facts.disagreements if result.facts else []):
            print(f"  ✗ {d['field']}: {d['anchor']}  金标准 {d['gold']}  抽取 {d['predicted']}")
    return 0


def print_facts(facts, fmt) -> None:
    """The document-level part of `eval-extract` (title, 文号, issuer, date, level)."""
    print(f"文件要素（{facts.documents} 个文件）")
    print(f"{'字段':<16}{'精确率':>8}{'召回率':>8}{'一致率':>8}   TP/FP/FN   推测")
    for f, s in facts.scores.items():
        s = s.as_dict()
        print(f"{f:<18}{fmt(s['precision']):>8}{fmt(s['recall']):>8}{fmt(s['agreement']):>8}   "
              f"{s['tp']}/{s['fp']}/{s['fn']}   {facts.guessed.get(f, 0)}")
    print(f"本文件文号被记为引用：{facts.own_number_citations} 处")
    for doc, error in facts.unreadable.items():
        print(f"  无法读取 {doc}：{error}")


def cmd_search(args) -> int:
    from kb import open_kb
    from kb.search.highlight import mark

    kb = open_kb()
    query = " ".join(args.query)
    res = kb.search(query, doc=args.doc, level=args.level, year=args.year, party=args.party, limit=args.limit)
    if args.json:
        emit_json(res.to_dict())
        return 0
    on, off = ("\033[1;33m", "\033[0m") if sys.stdout.isatty() else ("【", "】")

    def marked(text, spans):
        return mark(text, spans, on, off, escape=str)

    shown = f"，显示前 {len(res.hits)} 条" if res.total > len(res.hits) else ""
    print(f"检索“{query}”：共 {res.total} 条结果{shown}（{res.took_ms:.1f} 毫秒）")
    for n in res.notices:
        print(f"提示：{n}")
    for name, syns in res.expansions.items():
        print(f"同义词：{name} → {'、'.join(syns)}")
    if res.parties:
        print("责任单位（命中条款所属任务）：" + "、".join(p["name"] for p in res.parties))
    sections = [(res.hits, None)]
    if res.partial:
        sections.append((res.partial, f"部分匹配（只包含部分检索词）：共 {res.partial_total} 条"))
    for hits, title in sections:
        if title:
            print(f"\n{title}")
        for i, h in enumerate(hits, 1):
            where = f"{h.label}" if h.label else h.doc_id
            outline = "  ※ 提纲文件，非官方全文" if h.status == "outline" else ""
            print(f"\n{i:>2}. {where}  [{labels.level(h.level)}]{outline}")
            if h.heading and h.heading_spans:
                print(f"    标题：{marked(h.heading, h.heading_spans)}")
            print(f"    {marked(h.text, h.spans)}")
            print(f"    {h.id}  得分 {h.score:.2f}")
    return 0


def eval_figures(c: dict) -> str:
    """One line of ``policykb eval`` figures (those that apply to the queries counted)."""
    parts = [f"查询 {c['answerable'] + c['no_answer']}"]
    if c["answerable"]:
        parts.append(f"Recall@5 {c['recall_at_5']:.4f}   MRR {c['mrr']:.4f}   nDCG@10 {c['ndcg_at_10']:.4f}")
    if c["no_answer"]:
        parts.append(f"无答案零命中率 {c['zero_hit_rate']:.2f}（{c['no_answer']} 个）")
    return "   ".join(parts)


def cmd_eval(args) -> int:
    from kb import open_kb
    from kb.search.evaluate import evaluate

    out = evaluate(open_kb(), Path(args.file), doc=args.doc)
    if args.json:
        emit_json(out)
        return 0
    where = f"文件 {out['doc_id']}" if out["doc_id"] else "全部文件"
    print(f"评测文件 {out['file']}（{where}，{out['queries']} 个查询）")
    print(f"{'查询':<14}{'类别':<11}{'召回@5':>7}{'倒数排名':>7}{'nDCG@10':>8}  前 10 条")
    for r in out["per_query"]:
        ranked = " ".join(str(k) for k in r["ranking"])
        if r["answerable"]:
            figures = f"{r['recall_at_5']:>7.2f}{r['rr']:>7.2f}{r['ndcg_at_10']:>8.2f}"
        else:
            figures = f"{'无答案：' + ('无命中' if not r['full_hits'] else str(r['full_hits']) + ' 条命中'):>22}"
        print(f"{r['query']:<14}{r['category'] or '-':<11}{figures}  {ranked}")
    print()
    for name, c in [("全部", out), *out["categories"].items()]:
        print(f"{name:<12}{eval_figures(c)}")
    print(f"未达标：{'、'.join(out['misses']) if out['misses'] else '无'}")
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
                   "build": str(result.summary.build_dir), "documents": len(result.summary.documents),
                   "incremental": result.summary.incremental, "seconds": round(result.summary.seconds, 3),
                   "timings": result.summary.timings})
        return 0
    print(f"已收录：{d['id']}  《{d['title']}》 {d['doc_number'] or '（无文号）'}  {d['issuer']}  "
          f"{d['date'] or '（无日期）'}  {labels.level(d['level'])}{guessed_note(d.get('guessed'))}")
    print(f"  结构：部分 {d['parts']} / 条 {d['articles']} / 句 {d['clauses']}")
    resolved = [c for c in d["cites"] if c["resolved_id"]]
    print(f"  引用 {len(d['cites'])} 处，其中 {len(resolved)} 处指向库内文件"
          + ("：" + "，".join(sorted({c['resolved_id'] for c in resolved})) if resolved else ""))
    if result.replaced:
        print(f"  已替换提纲 {result.replaced}（提纲文件移至 {result.moved[0][1]}，可移回恢复）")
    print("  文件：" + "，".join(str(p) for p in result.files))
    how = "已更新知识库（只重算与本文件有关的关联，检索索引原地追加）" if result.summary.incremental else "已重建知识库"
    print(f"{how}：共 {len(result.summary.documents)} 个文件，{result.summary.links} 条关联，"
          f"用时 {result.summary.seconds:.1f} 秒")
    return 0


def cmd_trace(args) -> int:
    from kb import open_kb

    out = open_kb().trace(args.id)
    if args.json:
        emit_json(out)
        return 0
    p = out["provision"]
    print(f"{p['citation']}")
    print(f"  {p['heading'] or p['text'][:60]}")
    for side, title in (("upstream", "上级对应"), ("downstream", "下级落实")):
        print(f"\n{title}（{len(out[side])}）：")
        for e in out[side][:args.limit]:
            outline = " ※提纲" if e["status"] == "outline" else ""
            print(f"  [{e['strength']} {e['score']:.2f} {labels.link_kind(e['kind'])}]{outline} {e['citation']}")
            print(f"      {e['text'][:70]}")
            if e["evidence"]:
                print(f"      依据：{'；'.join(e['evidence'])}")
    return 0


def cmd_coverage(args) -> int:
    from kb import open_kb

    out = open_kb().coverage(args.doc, args.against)
    if args.json:
        emit_json(out)
        return 0
    s = out["summary"]
    print(f"{args.doc} 对标 {args.against}：已覆盖 {s['covered']}，部分覆盖 {s['partial']}，未覆盖 {s['uncovered']}")
    for r in out["rows"]:
        by = "、".join(x.split("#", 1)[1] for x in r["covered_by"][:4])
        print(f"  {r['article_no'] or '':>3} {labels.coverage(r['status']):<5} {r['score']:.2f}  {r['heading'] or ''}"
              + (f"  ← {by}" if by else ""))
    return 0


def cmd_eval_align(args) -> int:
    from kb import open_kb
    from indexer import align_evaluate

    kb = open_kb()
    labels = [lab for f in args.file for lab in align_evaluate.read_labels(f)]
    pairs = align_evaluate.read_pairs(args.pairs) if args.pairs else None
    out = align_evaluate.evaluate(kb, labels)
    if pairs is not None:
        out["corpus"] = align_evaluate.evaluate_corpus(kb, labels, pairs)
    if args.calibrate:
        from kb import paths

        # Never into the installed package: the data directory, or where --model-out says.
        target = Path(args.model_out) if args.model_out else paths.home() / "align_model.json"
        try:
            out["calibration"] = align_evaluate.calibrate(kb, labels, write=target, pairs=pairs)
        except OSError as e:
            raise UsageError(f"--model-out {target}: cannot write ({e.strerror}); give a writable path") from None
        out["calibration"]["model_path"] = str(target)
    if args.json:
        emit_json(out)
        return 0
    print(f"对齐评测（{out['labels']} 条标注：条 {out['articles']}，句 {out['clauses']}）")
    print(f"  条：top-1 {out['article_top1']}  top-3 {out['article_top3']}")
    print(f"  句：top-1 {out['clause_top1']}  top-3 {out['clause_top3']}")
    print(f"  合计：top-1 {out['top1']}  top-3 {out['top3']}")
    for m in out["misses"]:
        print(f"  未命中 {m['source_id']} → {m['target_doc']}：应为 {m['expected']}，得到 {m['got']}")
    if pairs is not None:
        c = out["corpus"]
        print(f"全库强关联（≥ {align_evaluate.STRONG}）{c['strong_links']} 条：不可能是上下级的文件之间 "
              f"{c['strong_cannot_be_upstream']} 条；已标注的 {c['strong_judged']} 条中正确 {c['strong_right']} 条，"
              f"精确率 {c['strong_precision']}；来源未标注 {c['strong_unlabelled']} 条")
        print(f"  有关联的上下级文件对 {len(c['pairs_linked'])} 个；未关联 {len(c['pairs_missed'])} 个"
              + ("：" + "；".join(c["pairs_missed"]) if c["pairs_missed"] else ""))
        for x in c["cross_examples"]:
            print(f"  不应有的强关联 {x['source_id']} → {x['target_id']}（{x['score']}）")
        for x in c["wrong_examples"]:
            print(f"  错误的强关联 {x['source_id']} → {x['target_id']}（{x['score']}），应为 {x['expected']}")
    if args.calibrate:
        c = out["calibration"]
        print(f"已重新拟合对齐模型（{c['pairs']} 对，其中跨文件负例 {c['cross_document_groups']} 组）："
              f"样本内 top-1 {c['in_sample_top1']}，二折交叉验证 top-1 {c['cv2_top1']}；"
              f"已写入 {c['model_path']}，用 POLICYKB_ALIGN_MODEL={c['model_path']} policykb build 使新分数生效")
    return 0


def _comma_list(value: str | None) -> list[str] | None:
    """``a, b,`` → ``["a", "b"]``; None (the option not given) stays None."""
    return [e.strip() for e in value.split(",") if e.strip()] if value else None


def cmd_bench(args) -> int:
    from policykb.bench.run import format_report, run
    try:
        report = run(args.clauses, engines=_comma_list(args.engines), repeats=args.repeats, rounds=args.rounds,
                     seed=args.seed, workdir=args.workdir, source_corpus=args.corpus, keep=args.keep,
                     query_budget=args.query_budget,
                     full_builds=_comma_list(args.full_build),
                     progress=None if args.quiet else sys.stderr)
    except BenchError as e:
        raise UsageError(str(e)) from None
    if args.save:
        args.save.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        emit_json(report)
    else:
        print(format_report(report))
    return 0


def cmd_serve(args) -> int:
    from kb import open_kb
    from kb.errors import KBNotBuiltError
    from policykb.server import serve

    if args.workers < 1:
        raise UsageError(f"--workers {args.workers}: give 1 or more worker processes")
    try:
        open_kb()
    except KBNotBuiltError as e:  # the service starts anyway and answers 503 until a build is published
        print(f"Warning: {e}; until then every request gets 503", file=sys.stderr)
    serve(args.host, args.port, args.workers, cors_origins=args.cors_origin, access_log=not args.no_access_log)
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
    p.add_argument("--corpus", type=Path, default=None,
                   help="corpus folder (default ./corpus; without one, the corpus shipped with policykb)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add("docs", cmd_docs, "list documents")
    p = add("app", cmd_app, "start the web app (streamlit run of the installed app, with its settings); "
            "other options are passed to streamlit, e.g. --server.port 8502")
    p = add("show", cmd_show, "one document (ID = document id) or one provision (ID = provision id)")
    p.add_argument("id")
    p = add("ingest", cmd_ingest, "add a document (web page, .txt, .md, .docx, .pdf; a path or an "
            "http(s) URL) to the corpus and the KB (links and search index updated for it, atomically); the official text of an outlined document replaces the outline")
    p.add_argument("source", metavar="PATH_OR_URL")
    p.add_argument("--id", default=None, help="document id (letters, digits, - _ .); default: derived")
    p.add_argument("--level", default=None, choices=("central", "provincial", "municipal", "county"),
                   help="administrative level; default: the replaced outline's, else guessed from the issuer")
    p.add_argument("--corpus", type=Path, default=None, help="corpus folder (default ./corpus)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = add("parse", cmd_parse, "parse one file and print its records without storing (debugging)")
    p.add_argument("file")
    p.add_argument("--with-text", action="store_true", help="include the normalised text")
    p = add("tasks", cmd_tasks, "tasks with parties and deadlines; --format csv|xlsx --output FILE "
            "exports the 任务分解表")
    p.add_argument("--doc", default=None, help="only this document id")
    p.add_argument("--party", default=None, help="only tasks naming this body (aliases such as 发改委 work)")
    p.add_argument("--year", type=int, default=None, help="only tasks with this deadline or target year")
    p.add_argument("--role", default=None, choices=["lead", "support", "owner", "recipient", "mentioned"],
                   help="with --party: only in this role; alone: tasks having a party in this role")
    p.add_argument("--format", default=None, choices=["csv", "xlsx"], help="export format")
    p.add_argument("--output", default=None, help="file to export to (with --format)")
    p = add("targets", cmd_targets, "quantitative and categorical targets")
    p.add_argument("--doc", default=None, help="only this document id")
    p.add_argument("--year", type=int, default=None, help="only targets for this year")
    p.add_argument("--compare", action="store_true",
                   help="each target next to the same indicator in the upstream documents")
    p.add_argument("--indicator", default=None, help="with --compare: only this indicator (e.g. 细颗粒物)")
    p = add("eval-extract", cmd_eval_extract,
            "precision/recall of task, party, deadline and target extraction on a gold file")
    p.add_argument("gold", help="gold labels (JSON Lines), e.g. eval/extract_gold.jsonl")
    p.add_argument("--disagreements", action="store_true", help="also list every clause that disagrees")
    p = add("search", cmd_search, "clause-level full-text search (syntax: docs/search.md)")
    p.add_argument("query", nargs="+", help='words, "exact phrases", AND/OR/NOT, (groups)')
    p.add_argument("--doc", help="only this document (id from `policykb docs`)")
    p.add_argument("--level", help="only documents of this level: central, provincial, municipal, county")
    p.add_argument("--year", help="only provisions with this target year or deadline, e.g. 2027")
    p.add_argument("--party", help="only provisions whose tasks name this party (or a name containing it)")
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (default 20)")
    p = add("trace", cmd_trace, "upstream and downstream links of a provision (article or clause)")
    p.add_argument("id")
    p.add_argument("--limit", type=int, default=10, help="entries shown per side (human output)")
    p = add("coverage", cmd_coverage, "which upstream articles a document covers (对标)")
    p.add_argument("--doc", required=True, help="the (lower-level) document id")
    p.add_argument("--against", required=True, help="the upstream document id")
    p = add("eval-align", cmd_eval_align, "alignment accuracy (top-1/top-3) on labelled pairs")
    p.add_argument("file", type=Path, nargs="+", help="label files (format of eval/align_gold.tsv)")
    p.add_argument("--pairs", type=Path, default=None,
                   help="document pairs that can be upstream (eval/align_multi_pairs.tsv): also judge every "
                        "strong link of the KB — precision, and links between documents that cannot be upstream")
    p.add_argument("--calibrate", action="store_true",
                   help="refit the alignment model on these labels (writes <data dir>/align_model.json; "
                        "builds use it with POLICYKB_ALIGN_MODEL=that file)")
    p.add_argument("--model-out", default=None, metavar="FILE",
                   help="where --calibrate writes the model (default: <data dir>/align_model.json)")
    p = add("eval", cmd_eval, "search quality on a judged query file: Recall@5, MRR, nDCG@10, no-answer zero-hit rate, "
            "per category")
    p.add_argument("file", help="TSV: query<TAB>article_no:grade,… or query<TAB>DOCID:UNIT:GRADE,…|NONE<TAB>category "
                   "(formats of eval/dev_queries.tsv and eval/dev_queries_hard.tsv)")
    p.add_argument("--doc", help="the judged document id (default: the one whose 文号 the header names; "
                   "DOCID:UNIT rows: all documents)")
    p = add("bench", cmd_bench, "the scale benchmark: synthetic corpus of N clauses, every engine and baseline in one run")
    p.add_argument("--clauses", type=int, default=10000, help="clauses in the synthetic corpus (default 10000)")
    p.add_argument("--engines", default=None, help="comma-separated engines (default: all, baselines included)")
    p.add_argument("--repeats", type=int, default=None,
                   help="runs of each engine (build + queries); default 3 up to 20000 clauses, else 1")
    p.add_argument("--rounds", type=int, default=5, help="timed passes over the query mix per run (default 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus (default 0)")
    p.add_argument("--corpus", type=Path, default=None, help="real corpus to derive from (default ./corpus)")
    p.add_argument("--workdir", type=Path, default=None, help="work folder (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the synthetic corpus and the indexes")
    p.add_argument("--query-budget", type=float, default=300.0,
                   help="seconds of timed queries per engine run at most (a slow engine runs fewer passes)")
    p.add_argument("--full-build", default=None, metavar="ENGINES",
                   help="also time a complete `policykb build` of the synthetic corpus with these engines")
    p.add_argument("--save", type=Path, default=None, metavar="FILE", help="also write the JSON report to FILE")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p = add("serve", cmd_serve, "the read-only JSON HTTP API over the current KB (see docs/deploy.md)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                   help="allow browser pages from this origin (repeatable); default: no CORS")
    p.add_argument("--no-access-log", action="store_true", help="do not log each request")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        if argv[:1] == ["app"]:  # everything after `app` belongs to streamlit
            args = parser.parse_args(["app"])
            args.streamlit_args = argv[1:]
        else:
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
    except OSError as e:  # the disk or a folder, not a bug: say which and what to do
        if os.environ.get("POLICYKB_DEBUG"):
            raise
        print(f"Error: {storage(e.filename or 'the data directory', e)}", file=sys.stderr)
        return 1
    except Exception as e:  # a bug: still one line unless debugging
        if os.environ.get("POLICYKB_DEBUG"):
            raise
        print(f"Error: internal error {type(e).__name__}: {e} (rerun with POLICYKB_DEBUG=1 and report it)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
