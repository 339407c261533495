"""Shape and layout ops. ``reshape`` with MXNet's special codes lives here."""
from __future__ import annotations

from typing import Any, List, Sequence

import torch

from ..base import MXNetError, MXNetTypeError, MXNetValueError
from ._op import Bool, Shape, register
from .ndarray import NDArray, _wrap

__all__ = ["infer_reshape", "reshape"]


def _prod(xs: Sequence[int]) -> int:
    p = 1
    for x in xs:
        p *= int(x)
    return p


def infer_reshape(src: Sequence[int], target: Sequence[int], reverse: bool = False,
                  op: str = "reshape") -> tuple:
    """Resolve MXNet's reshape codes against the source shape.

    0 copies a source dim, -1 infers one dim, -2 copies all remaining dims, -3 merges two
    source dims, -4 splits one source dim into the next two values (one may be -1).
    ``reverse=True`` applies the codes right to left.
    """
    src = [int(d) for d in src]
    tgt = [int(d) for d in target]
    if reverse:
        src, tgt = src[::-1], tgt[::-1]
    out: List[int] = []
    inf = -1
    si = 0
    i = 0
    try:
        while i < len(tgt):
            p = tgt[i]
            if p > 0:
                out.append(p)
                si += 1
            elif p == 0:
                out.append(src[si])
                si += 1
            elif p == -1:
                if inf >= 0:
                    raise MXNetValueError(f"{op}: One and only one dim can be inferred")
                inf = len(out)
                out.append(1)
                si += 1
            elif p == -2:
                out.extend(src[si:])
                si = len(src)
            elif p == -3:
                out.append(src[si] * src[si + 1])
                si += 2
            elif p == -4:
                if i + 2 >= len(tgt):
                    raise MXNetValueError(f"{op}: -4 must be followed by two dims")
                d = src[si]
                si += 1
                d0, d1 = tgt[i + 1], tgt[i + 2]
                i += 2
                if d0 == -1 and d1 == -1:
                    raise MXNetValueError(f"{op}: Split dims cannot both be -1")
                if d0 == -1:
                    d0 = d // d1 if d1 else 0
                if d1 == -1:
                    d1 = d // d0 if d0 else 0
                if d0 * d1 != d:
                    raise MXNetValueError(f"{op}: Split dims {d0}, {d1} do not divide "
                                          f"original dim {d}")
                out.extend([d0, d1])
            else:
                raise MXNetValueError(f"{op}: shape dim size must be >= -1, while received "
                                      f"{p}")
            i += 1
    except IndexError:
        raise MXNetValueError(f"{op}: target shape {tuple(target)} refers to more dims than "
                              f"the input shape {tuple(src)} has") from None
    total = _prod(src)
    if inf >= 0:
        rest = _prod(out[:inf] + out[inf + 1:])
        if rest == 0 or total % rest:
            raise MXNetValueError(f"{op}: cannot infer dim -1: size {total} is not a "
                                  f"multiple of {rest} (target shape {tuple(target)})")
        out[inf] = total // rest
    if reverse:
        out = out[::-1]
    n = _prod(out)
    if n > total:
        raise MXNetError(f"{op}: Check failed: shape_.Size() >= shape.Size() ({total} vs. "
                         f"{n}) : target shape size is larger than the current shape")
    if n < total:
        raise MXNetValueError(f"Cannot reshape array of size {total} into shape "
                              f"{tuple(out)}")
    return tuple(out)


def _reshape_method(self: NDArray, *shape: Any, **kwargs: Any) -> NDArray:
    """x.reshape(2, 3), x.reshape((2, 3)), x.reshape(shape=(2, 3), reverse=False): a view."""
    reverse = kwargs.pop("reverse", False)
    if "shape" in kwargs:
        if shape:
            raise MXNetTypeError("reshape: shape given both positionally and as a keyword")
        shape = kwargs.pop("shape")
    elif len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    if kwargs:
        raise MXNetTypeError(f"Got unknown keywords in reshape: {', '.join(kwargs)}. Accepted "
                             "keyword arguments are 'shape' and 'reverse'.")
    tgt = Shape(shape, "reshape", "shape") if not isinstance(shape, int) else (shape,)
    new = infer_reshape(self._t.shape, tgt, Bool(reverse, "reshape", "reverse"))
    t = self._t
    try:
        r = t.view(new)
    except RuntimeError:  # non-contiguous source: cannot share memory
        r = t.reshape(new)
    return _wrap(r, self._ctx)


NDArray.reshape = _reshape_method  # type: ignore[attr-defined]


@register("reshape", params={"shape": Shape, "reverse": Bool, "target_shape": Shape,
                             "keep_highest": Bool},
          aliases=("Reshape",), family="shape", torch="torch.reshape (+ MXNet's 0/-1/-2/-3/-4 "
                                                        "codes)")
def reshape(data: torch.Tensor, shape: tuple = (), reverse: bool = False,
            target_shape: tuple = (), keep_highest: bool = False) -> torch.Tensor:
    """Reshape with MXNet's special codes; the op returns a copy (the method is a view)."""
    tgt = shape if shape else target_shape
    new = infer_reshape(data.shape, tgt, reverse)
    return data.reshape(new).clone()
