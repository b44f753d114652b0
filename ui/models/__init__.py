"""Qt item models over service results; lazy, so a 200k-youth registry never loads whole."""
