"""The HTTP API (and, later, the analyst's web pages)."""
