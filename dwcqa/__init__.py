"""dwcqa: data quality for Darwin Core Archives and occurrence tables."""

__version__ = "0.1.0"
