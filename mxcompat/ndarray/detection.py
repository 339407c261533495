"""Detection and attention helpers from ``mx.nd.contrib``: box ops, MultiBox*, proposals,
interleaved attention matmuls (filled in by the op-family work; the rest are stubs)."""
