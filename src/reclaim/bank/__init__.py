"""Hash lists: signals grouped into content items, with provenance, status, feedback and a feed."""
