"""政策知识库 policykb — the Streamlit app: ``streamlit run app.py`` from the project folder.

The app lives in ``policykb/ui/app.py`` (so an installed package has it too). This file is both
the Streamlit script that runs it (once per rerun of each session, as ``__main__``) and, imported
as a module, the server: ``app`` is an ``st.App`` that ``streamlit run app.py`` finds and serves
this script through; its start warms what the first search needs (``policykb.ui.warm``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # this checkout's policykb, installed or not

if __name__ == "__main__":  # a Streamlit script run
    from policykb.ui.app import run

    run()
else:  # imported by `streamlit run app.py` (or `uvicorn app:app`): the server
    import streamlit as st

    from policykb.ui.warm import lifespan

    app = st.App(__file__, lifespan=lifespan)
