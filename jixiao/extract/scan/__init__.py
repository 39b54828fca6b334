"""Scanned pages and images → :class:`~jixiao.extract.grid.Grid` values, by OCR.

See :mod:`jixiao.extract.scan.page` for the steps on one page.
"""
