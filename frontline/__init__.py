"""Frontline: a self-hostable voice AI agent for customer-service contact centers."""

__version__ = "0.1.0"
