"""Evaluation data sets and their loaders (JSONL rows shared by every eval)."""
