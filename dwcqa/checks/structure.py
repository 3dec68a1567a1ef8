"""Archive structure checks (GBIF data validator parity). Filled in by the structure work."""
