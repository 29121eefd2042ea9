"""A normal (non-editable) install works (issue 17). The full check builds the wheel and installs
it in a fresh venv (``.ci/check-install``, run by CI); these are its fast parts.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

from conftest import ROOT
from policykb import resources
from policykb.cli import main

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_package_and_data_folder_is_listed():
    """The bug the audit found: kb.search and indexer.extract missing from the list."""
    listed = set(SETUPTOOLS["packages"])
    mapped = SETUPTOOLS.get("package-dir", {})
    on_disk = set()
    for top in ("kb", "indexer", "policykb"):
        for init in (ROOT / top).rglob("__init__.py"):
            on_disk.add(".".join(init.parent.relative_to(ROOT).parts))
        for data in (ROOT / top).rglob("data"):
            if data.is_dir():
                on_disk.add(".".join(data.relative_to(ROOT).parts))
    assert on_disk <= listed, on_disk - listed
    for name in listed - on_disk:
        assert name in mapped and (ROOT / mapped[name]).is_dir(), name


def test_the_corpus_and_streamlit_settings_ship_with_the_package():
    corpus = resources.default_corpus()
    assert corpus is not None and any(corpus.glob("*.txt")) and any(corpus.glob("*.outline.yaml"))
    assert resources.streamlit_config() is not None
    flags = resources.streamlit_flags()
    assert "--server.headless=true" in flags and "--browser.gatherUsageStats=false" in flags
    assert resources.app_script().is_file()
    data = SETUPTOOLS["package-data"]
    assert data["policykb.corpus"] and data["policykb.streamlit"] == ["*.toml"]


def test_the_licence_is_an_spdx_expression():
    """A licence table makes setuptools ≥ 77 warn; the SPDX string does not."""
    assert isinstance(PYPROJECT["project"]["license"], str)


def test_no_posix_only_code_path():
    """fcntl is imported only where Windows has another way: the build lock (kb/locks.py, msvcrt)
    and the readers' hold on a build (kb/paths.py: without flock, builds are not held)."""
    users = sorted(p.relative_to(ROOT).as_posix() for p in
                   list((ROOT / "kb").rglob("*.py")) + list((ROOT / "indexer").rglob("*.py"))
                   + list((ROOT / "policykb").rglob("*.py"))
                   if re.search(r"^\s*import fcntl", p.read_text(encoding="utf-8"), re.M))
    assert users == ["kb/locks.py", "kb/paths.py"]
    assert "msvcrt" in (ROOT / "kb" / "locks.py").read_text(encoding="utf-8")
    assert "except ImportError" in (ROOT / "kb" / "paths.py").read_text(encoding="utf-8")
    assert "register_at_fork\")" in (ROOT / "indexer" / "build.py").read_text(encoding="utf-8")


def test_calibrate_writes_to_the_data_dir_not_into_the_package(use_home, tmp_path, capsys):
    from indexer.align import MODEL_PATH

    before = hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()
    out_file = tmp_path / "model.json"
    code = main(["eval-align", str(ROOT / "eval" / "align_gold.tsv"), "--calibrate", "--model-out", str(out_file),
                 "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["calibration"]["model_path"] == str(out_file)
    assert hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest() == before
    assert "weights" in json.loads(out_file.read_text(encoding="utf-8"))


def test_calibrate_in_text_mode_says_where_it_wrote_the_model(use_home, tmp_path, capsys):
    out_file = tmp_path / "model.json"
    code = main(["eval-align", str(ROOT / "eval" / "align_gold.tsv"), "--calibrate", "--model-out", str(out_file)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"已写入 {out_file}" in out and f"POLICYKB_ALIGN_MODEL={out_file}" in out
    assert "weights" in json.loads(out_file.read_text(encoding="utf-8"))


def test_a_calibrated_model_is_used_when_named(tmp_path, monkeypatch):
    from indexer import align

    model = json.loads(align.MODEL_PATH.read_text(encoding="utf-8"))
    model["bias"] = -50.0  # nothing links
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    monkeypatch.setenv(align.MODEL_ENV, str(path))
    assert align.model()["bias"] == -50.0
    features = {k: 1.0 for k in align.FEATURES}
    assert align.probability(features) < 1e-6
    monkeypatch.setenv(align.MODEL_ENV, str(tmp_path / "missing.json"))
    import pytest

    from kb.errors import ConfigError

    with pytest.raises(ConfigError, match="POLICYKB_ALIGN_MODEL"):
        align.model()
