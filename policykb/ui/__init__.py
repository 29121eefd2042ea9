"""The Streamlit app's pages and rendering helpers (the app only renders; the ``kb`` API answers).

``policykb/ui/app.py`` (run by ``streamlit run app.py`` from a checkout) builds the navigation
from ``policykb.ui.nav``; each page script in ``policykb/ui/pages/`` reads its widgets and query
parameters, calls the ``kb`` API through ``policykb.ui.common`` and renders records with
``policykb.ui.render`` (pure functions from records to escaped HTML, testable without
Streamlit). Chinese labels of codes come from ``kb.labels``.
"""
