"""The verifier tests use the session's demo workspace (tests/fixtures.py, registered by
tests/conftest.py) and forge manifests with tests/forge.py; nothing of their own is built here."""
