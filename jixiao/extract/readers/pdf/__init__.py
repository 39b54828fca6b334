"""PDF → grids: PDFium (or pdfminer) characters and ruling, pdfplumber's table functions, pages
joined."""
