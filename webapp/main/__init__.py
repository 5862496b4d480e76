"""Public information pages: the portal home and the footer pages."""
