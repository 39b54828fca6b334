"""Scanned pages and images → :class:`~jixiao.model.grid.Grid` values, by OCR.

See :mod:`jixiao.extract.readers.scan.page` for the steps on one page.
"""
