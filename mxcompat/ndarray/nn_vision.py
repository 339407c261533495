"""Spatial / vision neural-network ops: samplers, ROI pooling, correlation, the ``*_v1`` names
and the contrib vision layers (filled in by the op-family work; the rest are stubs)."""
