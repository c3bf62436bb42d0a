"""Names: normalise, transliterate and segment company names in any script (screening's core)."""
