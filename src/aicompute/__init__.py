"""aicompute: helpers for the course "Why AI needs computing infrastructure"."""

__version__ = "0.1.0"
