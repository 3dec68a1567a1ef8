"""Metadata (eml.xml) checks. Filled in by the metadata work."""
