"""Synthetic demo data, seeded through the services like any other client (never real people).

It sits above the services; only the ``demo`` command (``cli.demo_commands``), the tests, the
benchmarks and the screenshot tool import it — never services, printing or ui.
"""
