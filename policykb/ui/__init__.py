"""The Streamlit app's pages and rendering helpers (the app only renders; the ``kb`` API answers).

``app.py`` at the top level builds the navigation from ``ui.nav``; each page
script in ``ui/pages/`` reads its widgets and query parameters, calls the
``kb`` API through ``ui.common`` and renders records with ``ui.render``
(pure functions from records to escaped HTML, testable without Streamlit).
"""
