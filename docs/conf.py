"""Sphinx configuration: the Markdown pages in docs/ (MyST), built with
``sphinx-build -b html docs <out> -W`` (``tox -e docs``)."""
project = "mxcompat"
author = "the mxcompat authors"
copyright = "the mxcompat authors; Apache MXNet is a trademark of the Apache Software Foundation"
release = "0.1.0"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
myst_heading_anchors = 3  # links to headings: [x](migration.md#path-a-run-the-code-unchanged)
myst_enable_extensions = ["colon_fence"]
html_theme = "alabaster"
html_title = "mxcompat: MXNet 1.9.1's NDArray API on PyTorch"
