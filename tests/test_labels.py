"""kb.labels is the one code → Chinese table: every code has a label, the CLI and the app render
a code with the same spelling, and no module keeps a table of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kb import labels, models
from policykb import cli
from policykb.ui import render

ROOT = Path(__file__).resolve().parents[1]

# Every code set of the data model and the table that labels it.
CODES = [
    (models.LEVELS, labels.LEVEL),
    (models.STATUSES, labels.STATUS),
    (models.PROVISION_KINDS, labels.KIND),
    (models.PARTY_ROLES, labels.ROLE),
    (models.PARTY_SOURCES, labels.PARTY_SOURCE),
    (("explicit", "inherited"), labels.DEADLINE_SOURCE),
    (models.LINK_KINDS, labels.LINK_KIND),
    (("covered", "partial", "uncovered"), labels.COVERAGE),
    ((True, False, "partial"), labels.VERIFIED),
]


@pytest.mark.parametrize("codes,table", CODES)
def test_every_code_of_the_data_model_has_one_chinese_label(codes, table):
    assert set(codes) <= set(table)
    assert all(table[c] and not table[c].isascii() for c in codes)


@pytest.mark.parametrize("role", models.PARTY_ROLES)
@pytest.mark.parametrize("source", models.PARTY_SOURCES)
def test_the_cli_and_the_app_spell_a_party_role_and_source_as_the_table_does(role, source):
    party = models.Party("县水务局", role, source, "县水务局", anaphor="该局")
    assert f"（{labels.role(role)}·{labels.party_source(source)}" in cli._party_text(party)


@pytest.mark.parametrize("role", ("lead", "support", "owner"))
def test_the_app_names_a_party_role_as_the_table_does(role):
    text = "县水务局负责加强监管。"
    party = models.Party("县水务局", role, "explicit", "县水务局", 0, 4)
    task = models.Task("t", "d#c", "d", None, None, text, parties=(party,))
    assert [e.title for e in render.clause_entities(text, 0, [task])] == [f"县水务局（{labels.role(role)}）"]


def test_an_outline_flag_reads_the_same_in_the_cli_the_app_and_the_outline_headings():
    for flag in (True, False, "partial"):
        assert labels.verified_tag(flag) == f"〔{labels.verified(flag)}〕"
    assert labels.verified_tag(None) == "" and labels.verified("yes") == ""
    assert labels.status("outline", caveat=True) == f"{labels.STATUS['outline']}（{labels.OUTLINE_CAVEAT}）"


def _label_tables(path: Path) -> list[str]:
    """Dict literals mapping two or more codes of one code set to Chinese words (a level's
    one-character prefix 省/市/县 is document wording, not a label)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Dict) or not node.keys:
            continue
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        chinese = [v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                   and not v.value.isascii() and len(v.value) > 1]
        if chinese and any(len(keys & set(codes)) >= 2 for codes, _ in CODES):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_module_but_kb_labels_keeps_a_code_to_chinese_table():
    """(The benchmark's synthetic corpus writes documents: its per-level issuer wording is not a
    label, so policykb/bench/ is not read.)"""
    files = [p for package in ("kb", "indexer", "policykb") for p in sorted((ROOT / package).rglob("*.py"))
             if "bench" not in p.relative_to(ROOT).parts]
    tables = [t for p in files for t in _label_tables(p)]
    assert {t.split(":")[0] for t in tables} == {"kb/labels.py"}  # the check sees the table itself, only it
