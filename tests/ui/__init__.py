"""Front-end tests (pytest-qt, offscreen)."""
