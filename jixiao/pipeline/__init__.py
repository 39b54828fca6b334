"""One file through the stages: find the inputs, read each into frames, never stop on a bad file."""

#: Resolution of the page images a report shows of a PDF table (``--dpi``).
DEFAULT_DPI = 110
