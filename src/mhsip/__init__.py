"""MHSIP: the Mental Health Safety Improvement Programme platform."""

__version__ = "0.1.0"
