"""Reclaim: helps young people regain control of an intimate image shared online."""

__version__ = "0.1.0"
