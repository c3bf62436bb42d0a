"""Evidence: captured pages with provenance, and the custody log."""
