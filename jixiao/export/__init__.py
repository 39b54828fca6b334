"""Frames to files: CSV, Parquet, XLSX, the manifest, and the Chinese column labels."""
