"""Batch runs over many files: worker processes, per-file parts, resume, progress, Dask."""
