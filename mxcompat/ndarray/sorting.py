"""Sorting and searching ops (sort, argsort, topk, pick, histogram)."""
