"""MXNet 1.9.1's public mx.nd names (generated from compat_matrix/data/mxnet_api.json)."""
ND_NAMES: tuple = ()
SUBMODULE_NAMES: dict = {}
