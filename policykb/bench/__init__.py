"""The scale benchmark (``policykb bench``): synthetic corpora, engines and baselines.

* ``policykb.bench.synth`` — synthetic policy documents derived from the real ones in ``corpus/``.
* ``policykb.bench.queries`` — the fixed query mix (``policykb/bench/data/queries.tsv``) and its
  translations.
* ``policykb.bench.engines`` — every engine the benchmark can run: ours (through the search seam)
  and the baselines (Whoosh as shipped, SQLite FTS5).
* ``policykb.bench.worker`` — one engine's build and queries, run in a subprocess of its own.
* ``policykb.bench.run`` — the orchestration behind ``policykb bench``.

The other modules are stand-alone measurements, each run as ``python -m policykb.bench.<name>``
(``search_latency``, ``extract_speed``, ``parse_cache``). Results worth keeping go to
``bench/results/`` of the checkout.
"""
