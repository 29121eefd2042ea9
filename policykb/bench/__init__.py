"""The scale benchmark (``policykb bench``): synthetic corpora, engines and baselines.

* ``bench.synth`` — synthetic policy documents derived from the real ones in ``corpus/``.
* ``bench.queries`` — the fixed query mix (``bench/data/queries.tsv``) and its translations.
* ``bench.engines`` — every engine the benchmark can run: ours (through the search seam) and
  the baselines (Whoosh as shipped, SQLite FTS5).
* ``bench.worker`` — one engine's build and queries, run in a subprocess of its own.
* ``bench.run`` — the orchestration behind ``policykb bench``.
"""
