"""What sits above both sides of the knowledge base: the ``policykb`` command line
(``policykb.cli``), the Streamlit app (``policykb.ui``) and the scale benchmark
(``policykb.bench``).

The data flows one way: ``corpus/`` → ``indexer`` (the write side: parse, extract, link,
index) → the KB files → ``kb`` (the read side: records, store, search, trace) → this package.
``kb`` never imports ``indexer`` or ``policykb``; ``indexer`` never imports ``policykb``
(``tests/test_architecture.py`` checks it).
"""
