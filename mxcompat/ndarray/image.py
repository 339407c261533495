"""``mx.nd.image``: image transforms on NDArrays (filled in by the op-family work; the rest
are stubs)."""
