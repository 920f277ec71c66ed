"""A local stand-in for Zelt, for the demo and the tests."""
