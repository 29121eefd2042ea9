"""Files the package carries beside its code: the default corpus, the Streamlit settings, the app.

In an installed wheel they are package data (``policykb/corpus/``, ``policykb/streamlit/``,
mapped from the project's ``corpus/`` and ``.streamlit/`` by pyproject.toml); in a checkout they
are those folders themselves. Nothing here is ever written: ``policykb ingest`` writes into a
corpus folder of the user's, never into the packaged one.
"""

from __future__ import annotations

from pathlib import Path

PKG = Path(__file__).resolve().parent


def _first(*candidates: Path) -> Path | None:
    return next((p for p in candidates if p.exists()), None)


def default_corpus() -> Path | None:
    """The corpus shipped with policykb (the 扬州 seed document and its upstream outlines)."""
    return _first(PKG / "corpus", PKG.parent / "corpus")


def streamlit_config() -> Path | None:
    """The app's Streamlit settings (config.toml)."""
    return _first(PKG / "streamlit" / "config.toml", PKG.parent / ".streamlit" / "config.toml")


def app_script() -> Path:
    """The Streamlit script of the app (``streamlit run`` it, or ``policykb app``)."""
    return PKG / "ui" / "app.py"


def streamlit_flags() -> list[str]:
    """The settings of ``streamlit_config()`` as ``streamlit run`` options (``--section.key=value``), so
    the app runs with them from any folder (Streamlit itself reads ./.streamlit/ only)."""
    import tomllib

    path = streamlit_config()
    if path is None:
        return []
    flags = []
    for section, values in tomllib.loads(path.read_text(encoding="utf-8")).items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{key}={text}")
    return flags
