"""PDF → grids: PDFium (or pdfminer) characters and ruling, cells from the ruling (pdfplumber's
"lines" finder's results, :mod:`~jixiao.extract.readers.pdf.ruling`), pages joined."""
