"""sparse ops (filled in by the op-family work; unimplemented names are stubs)."""
