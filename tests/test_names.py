"""kb.names: the one home of the names of government bodies (kb/data/departments.yaml), read by the
extractor, the ``--party`` filter and full-text search alike."""

from __future__ import annotations

import pytest

from kb import names
from kb.analysis import word_tokens
from kb.errors import DataFileError
from kb.search.vocab import synonyms
from indexer.extract import lexicon as lx


@pytest.mark.parametrize("written,canonical", [
    ("市发改委", "市发展改革委"),
    ("县住建局", "县住房城乡建设局"),
    ("市资规局", "市自然资源和规划局"),  # a short form search knew and the extractor did not
    ("高邮市生态环境局", "高邮市生态环境局"),
    ("县水务局", "县水利局"),  # 水务局 is an alias of 水利局
    (" 某某中心 ", "某某中心"),  # unknown: unchanged, stripped
])
def test_canonical_name_keeps_the_prefix_and_maps_the_alias(written, canonical):
    assert names.canonical_name(written) == canonical
    assert lx.canonical_name(written, lx.load()) == canonical  # the extractor's lexicon agrees


def test_the_extractor_lexicon_is_built_on_the_same_names():
    base, lex = names.load(), lx.load()
    assert lex.departments == base.departments and lex.alias_to_name == base.alias_to_name
    assert lex.places == base.places and lex.prefixes == base.prefixes


def test_search_reads_the_bodies_synonyms_and_words_from_departments_yaml():
    group = next(g for g in names.load().search_synonyms if "发改委" in g)
    assert set(synonyms()("发改委")) == set(group) - {"发改委"}
    assert "生态文明建设领导小组" in names.load().search_words
    assert "生态文明建设领导小组" in [t.text for t in word_tokens("由市生态文明建设领导小组统筹")]


@pytest.mark.parametrize("name,body", [
    ("发改委", True), ("生态环境厅", True), ("生态环境部门", True), ("市生态文明建设领导小组", True),
    ("蓝天保卫战", False), ("生态环境", False),
])
def test_is_body_knows_names_aliases_level_names_stems_and_generic_suffixes(name, body):
    assert names.load().is_body(name) is body


@pytest.mark.parametrize("search,message", [
    ({"words": ["蓝天保卫战"]}, "search name '蓝天保卫战' is not a body of this file"),
    ({"synonyms": [["发改委"]]}, "needs two or more names"),
])
def test_a_search_name_outside_the_bodies_is_a_one_line_error_naming_the_file(monkeypatch, search, message):
    real = names._read

    def read(name):
        data = real(name)
        return {**data, "search": search} if name == "departments.yaml" else data

    monkeypatch.setattr(names, "_read", read)
    names.load.cache_clear()
    try:
        with pytest.raises(DataFileError, match="kb/data/departments.yaml") as err:
            names.load()
        assert message in str(err.value)
    finally:
        monkeypatch.undo()
        names.load.cache_clear()
