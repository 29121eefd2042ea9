"""政策知识库 policykb — the Streamlit app: ``streamlit run app.py`` from the project folder.

The app lives in ``policykb/ui/app.py`` (so an installed package has it too); this script
only runs it, once per Streamlit rerun.
"""

from policykb.ui.app import run

run()
