"""``mx.gluon.utils``: batch splitting across contexts, global-norm clipping, file checks
and downloads, as in MXNet 1.9.1.

``download`` uses ``requests`` when it is installed (as MXNet does, so code that patches
``requests.get`` keeps working) and ``urllib`` otherwise; the file appears atomically (written
to a unique temporary name next to the target, then renamed), so concurrent downloads of one
file never leave a partial file behind.
"""
from __future__ import annotations

import hashlib
import os
import uuid
import warnings
from typing import Any, List, Optional, Sequence

import numpy as np

from .. import ndarray as _nd
from ..base import MXNetAssertionError, MXNetValueError
from ..context import Context
from ..ndarray.ndarray import NDArray
from ..util import is_np_shape
from ._util import HookHandle, _brief_print_list, _indent  # noqa: F401
from ._util import shape_is_known as _legacy_shape_is_known

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "download",
           "replace_file", "shape_is_known", "HookHandle"]

def split_data(data: NDArray, num_slice: int, batch_axis: int = 0,
               even_split: bool = True) -> List[NDArray]:
    """Split ``data`` into ``num_slice`` parts along ``batch_axis``. With
    ``even_split=False`` the first ``size % num_slice`` parts get one extra element."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise MXNetValueError(
            f"data with shape {data.shape} cannot be evenly split into {num_slice} slices "
            f"along axis {batch_axis}. Use a batch size that's multiple of {num_slice} or set "
            "even_split=False to allow uneven partitioning of data.")
    each, extra = divmod(size, num_slice)
    bounds = [0]
    for i in range(num_slice):
        bounds.append(bounds[-1] + each + (1 if i < extra else 0))
    if batch_axis == 0:
        # basic slices: views of ``data``, as MXNet's are
        return [data[bounds[i]:bounds[i + 1]] if i < num_slice - 1 else data[bounds[i]:size]
                for i in range(num_slice)]
    return [_nd.slice_axis(data, axis=batch_axis, begin=bounds[i], end=bounds[i + 1])
            for i in range(num_slice)]


def split_and_load(data: Any, ctx_list: Sequence[Context], batch_axis: int = 0,
                   even_split: bool = True) -> List[NDArray]:
    """Split ``data`` (an NDArray or anything ``mx.nd.array`` takes) into one part per
    context of ``ctx_list`` and copy each part there."""
    if not isinstance(data, NDArray):
        data = _nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    parts = split_data(data, len(ctx_list), batch_axis, even_split)
    return [p.as_in_context(c) for p, c in zip(parts, ctx_list)]


def clip_global_norm(arrays: Sequence[NDArray], max_norm: float,
                     check_isfinite: bool = True) -> Any:
    """Scale ``arrays`` in place so that their joint 2-norm is at most ``max_norm``; returns
    the norm before clipping (a float, or with ``check_isfinite=False`` a ``(1,)`` NDArray
    that avoids a device sync). A non-finite norm warns."""
    if not len(arrays) > 0:
        raise MXNetAssertionError("")
    ctx = arrays[0].context

    def sq_norm(arr: NDArray) -> NDArray:
        if arr.stype == "default":
            flat = arr.reshape((-1,))
            return _nd.dot(flat, flat)
        return arr.norm().square()

    total = _nd.sqrt(_nd.add_n(*[sq_norm(a).as_in_context(ctx) for a in arrays]))
    if check_isfinite and not np.isfinite(total.asscalar()):
        warnings.warn(UserWarning("nan or inf is detected. Clipping results will be "
                                  "undefined."), stacklevel=2)
    scale = max_norm / (total + 1e-8)
    scale = _nd.min(_nd.concat(scale, _nd.ones(1, ctx=ctx), dim=0))
    for arr in arrays:
        arr *= scale.as_in_context(arr.context)
    return total.asscalar() if check_isfinite else total


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the SHA-1 of ``filename``'s content is ``sha1_hash`` (hex)."""
    digest = hashlib.sha1()  # noqa: S324 (a content check, as in MXNet)
    with open(filename, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == sha1_hash


def replace_file(src: str, dst: str) -> None:
    """Move ``src`` over ``dst`` atomically (``os.replace``); on failure ``src`` is removed
    and an OSError says to retry."""
    try:
        os.replace(src, dst)
    except OSError:
        try:
            os.remove(src)
        except OSError:
            pass
        raise OSError(f"Moving downloaded temp file - {src}, to {dst} failed. Please retry "
                      "the download.") from None


class _Response:
    """What ``download`` needs of a response: a status code and chunks of content."""

    def __init__(self, status: int, chunks: Any) -> None:
        self.status_code = status
        self._chunks = chunks

    def iter_content(self, chunk_size: int = 1024) -> Any:
        return self._chunks(chunk_size)


def _get(url: str, verify: bool) -> Any:
    """``requests.get(url, stream=True, verify=...)`` when requests is installed (looked up
    on each call, so that patching ``requests.get`` works), else the same through urllib."""
    try:
        import requests
    except ImportError:
        requests = None  # type: ignore[assignment]
    if requests is not None:
        return requests.get(url, stream=True, verify=verify)
    import ssl
    import urllib.error
    import urllib.request
    context = None
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        resp = urllib.request.urlopen(url, context=context)  # noqa: S310
    except urllib.error.HTTPError as e:
        return _Response(e.code, lambda size: iter(()))

    def chunks(size: int) -> Any:
        with resp:
            for block in iter(lambda: resp.read(size), b""):
                yield block
    return _Response(resp.status, chunks)


def download(url: str, path: Optional[str] = None, overwrite: bool = False,
             sha1_hash: Optional[str] = None, retries: int = 5,
             verify_ssl: bool = True) -> str:
    """Download ``url`` to ``path`` (a file, or a directory to put the URL's file name in;
    default: the file name in the current directory) and return the file name. An existing
    file is kept unless ``overwrite`` or its SHA-1 differs from ``sha1_hash``. Failures are
    retried ``retries`` times; the last one is raised."""
    if path is None:
        fname = url.split("/")[-1]
        if not fname:
            raise MXNetAssertionError("Can't construct file-name from this URL. Please set "
                                      "the `path` option manually.")
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split("/")[-1]) if os.path.isdir(path) else path
    if not retries >= 0:
        raise MXNetAssertionError(f"Number of retries should be at least 0, currently it's "
                                  f"{retries}")
    if not verify_ssl:
        warnings.warn("Unverified HTTPS request is being made (verify_ssl=False). Adding "
                      "certificate verification is strongly advised.", stacklevel=2)
    if not (overwrite or not os.path.exists(fname)
            or (sha1_hash and not check_sha1(fname, sha1_hash))):
        return fname
    dirname = os.path.dirname(os.path.abspath(os.path.expanduser(fname)))
    os.makedirs(dirname, exist_ok=True)
    attempts = 0
    while retries + 1 > 0:
        try:
            print(f"Downloading {fname} from {url}...")
            r = _get(url, verify_ssl)
            if r.status_code != 200:
                raise RuntimeError(f"Failed downloading url {url}")
            tmp = f"{fname}.{uuid.uuid4()}"
            try:
                with open(tmp, "wb") as f:
                    for chunk in r.iter_content(chunk_size=1024):
                        if chunk:
                            f.write(chunk)
            except BaseException:
                if os.path.exists(tmp):
                    os.remove(tmp)
                raise
            if not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash)):
                replace_file(tmp, fname)
            else:
                # another process finished the same download first
                try:
                    os.remove(tmp)
                except OSError:
                    pass
                warnings.warn(f"File {fname} exists in file system so the downloaded file is "
                              "deleted", stacklevel=2)
            if sha1_hash and not check_sha1(fname, sha1_hash):
                raise UserWarning(
                    f"File {fname} is downloaded but the content hash does not match. The repo "
                    "may be outdated or download may be incomplete. If the \"repo_url\" is "
                    "overridden, consider switching to the default repo.")
            break
        except Exception as e:
            retries -= 1
            attempts += 1
            if retries <= 0:
                if hasattr(e, "add_note"):  # Python 3.11+: say what failed, keep the class
                    e.add_note(f"mx.gluon.utils.download: {url} could not be fetched "
                               f"({attempts} attempt{'s' if attempts > 1 else ''}); check "
                               f"the network, or put the file at {fname} yourself")
                raise e
            print(f"download failed due to {e!r}, retrying, {retries} "
                  f"attempt{'s' if retries > 1 else ''} left")
    return fname


def shape_is_known(shape: Any) -> bool:
    """Whether every dimension of ``shape`` is known: 0 marks an unknown one and ``()`` is
    unknown in MXNet's legacy shape mode; under ``mx.util.np_shape(True)`` -1 marks it and
    ``()`` is a known (scalar) shape."""
    if not is_np_shape():
        return _legacy_shape_is_known(shape)
    if shape is None:
        return False
    for dim in shape:
        if dim == -1:
            return False
        if dim < -1:
            raise MXNetAssertionError(f"shape dimension size cannot be less than -1, while "
                                      f"received {dim}")
    return True


def _get_repo_url() -> str:
    """The base URL of MXNet's model/data repository (``MXNET_GLUON_REPO``)."""
    repo = os.environ.get("MXNET_GLUON_REPO",
                          "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/")
    return repo if repo.endswith("/") else repo + "/"


def _get_repo_file_url(namespace: str, filename: str) -> str:
    return f"{_get_repo_url()}{namespace}/{filename}"
