"""Reusable UI: the shell, figure builders, formatting and translations."""
