# Reference acquirer / activation host for the POS terminal firmware (CPython only).
# Wire protocol: docs/host.md. Start it with `python -m tools.host serve --db host.sqlite`.
