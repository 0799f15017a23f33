"""The command line: one group per persona, loaded lazily (``por.cli.main``)."""
