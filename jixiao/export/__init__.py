"""Frames to files: CSV, Parquet, XLSX, the manifest, and the Chinese column labels."""

#: The label sets of the outputs: the contract's English column names, or Chinese (columns and
#: the values of the closed vocabularies, :mod:`jixiao.export.labels_zh`).
LABEL_SETS = ("en", "zh")

# The names the command line needs for its options, here so that ``jixiao --help`` loads none of
# the writers.
FORMATS = ("csv", "parquet", "xlsx", "duckdb")  # duckdb: the optional extra jixiao[duckdb]
DEFAULT_FORMATS = ("csv", "parquet")
XLSX_NAME = "results.xlsx"
DUCKDB_NAME = "results.duckdb"
REPORT_NAME = "report.html"  # written by jixiao.report after the frames
