"""Miscellaneous ``mx.nd`` names: DLPack exchange, AMP casts, legacy helpers (filled in by the
op-family work; the rest are stubs)."""
