"""The pages of the main window: finding a youth and a youth's record."""
