"""Zelt Desktop: connect to the Zelt HR API and browse your people."""

__version__ = "0.1.0"
