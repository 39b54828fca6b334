"""Source files → grids: one reader per form of document."""
