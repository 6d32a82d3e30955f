"""Reading and writing tables: every input becomes a frame of strings plus ``_row``."""
