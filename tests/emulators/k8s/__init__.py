"""A small in-memory Kubernetes API server for tests (see tests/emulators/README.md)."""
