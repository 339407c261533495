"""The conformance matrix of mxcompat against MXNet 1.9.1 (see README.md)."""
