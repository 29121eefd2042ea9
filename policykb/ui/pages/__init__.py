"""Page scripts of the app (run by ``st.navigation`` from ``app.py``; not imported)."""
