"""Speed and load tools (`make bench`), kept out of the server package: nothing here is served in production.

- `python -m bench.render`: the stroke renderer per drawing over real CROHME samples;
- `python -m bench.server`: render + inference in process, then HTTP load against a served app;
- `bench.load_client`: the asyncio load generator (also used by the load test);
- `bench.noop`: the served app plus `POST /bench/noop`, the no-op baseline of the HTTP load.
"""
