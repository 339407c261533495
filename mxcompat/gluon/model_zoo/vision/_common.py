"""What every model constructor of the zoo shares."""
from __future__ import annotations

from typing import Any, Optional


def load_pretrained(net: Any, name: str, root: Optional[str], ctx: Any) -> None:
    """Load the model store's file for ``name`` (found in, or downloaded to, ``root``) into
    ``net`` on ``ctx`` (default CPU), as MXNet's ``pretrained=True`` does."""
    from ....context import cpu
    from ..model_store import get_model_file
    net.load_parameters(get_model_file(name, root=root), ctx=cpu() if ctx is None else ctx)
