"""``mx.gluon.model_zoo.model_store``: MXNet's cache of pretrained ``.params`` files.

A model's file is ``<root>/<name>-<first 8 hex digits of its sha1>.params`` (for example
``~/.mxnet/models/resnet18_v1-a0666292.params``), exactly where MXNet 1.9.1 keeps it, so an
existing cache is reused as it is. A missing file, or one whose sha1 differs, is downloaded
from ``$MXNET_GLUON_REPO`` (default MXNet's published location) as
``gluon/models/<file>.zip``; without a network the error says which file to put where.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import uuid
import zipfile
from typing import Optional

__all__ = ["get_model_file", "purge"]

#: model name -> sha1 of MXNet's published .params file
_model_sha1 = {name: checksum for checksum, name in [
    ("44335d1f0046b328243b32a26a4fbd62d9057b45", "alexnet"),
    ("f27dbf2dbd5ce9a80b102d89c7483342cd33cb31", "densenet121"),
    ("b6c8a95717e3e761bd88d145f4d0a214aaa515dc", "densenet161"),
    ("2603f878403c6aa5a71a124c4a3307143d6820e9", "densenet169"),
    ("1cdbc116bc3a1b65832b18cf53e1cb8e7da017eb", "densenet201"),
    ("ed47ec45a937b656fcc94dabde85495bbef5ba1f", "inceptionv3"),
    ("9f83e440996887baf91a6aff1cccc1c903a64274", "mobilenet0.25"),
    ("8e9d539cc66aa5efa71c4b6af983b936ab8701c3", "mobilenet0.5"),
    ("529b2c7f4934e6cb851155b22c96c9ab0a7c4dc2", "mobilenet0.75"),
    ("6b8c5106c730e8750bcd82ceb75220a3351157cd", "mobilenet1.0"),
    ("36da4ff1867abccd32b29592d79fc753bca5a215", "mobilenetv2_1.0"),
    ("e2be7b72a79fe4a750d1dd415afedf01c3ea818d", "mobilenetv2_0.75"),
    ("aabd26cd335379fcb72ae6c8fac45a70eab11785", "mobilenetv2_0.5"),
    ("ae8f9392789b04822cbb1d98c27283fc5f8aa0a7", "mobilenetv2_0.25"),
    ("a0666292f0a30ff61f857b0b66efc0228eb6a54b", "resnet18_v1"),
    ("48216ba99a8b1005d75c0f3a0c422301a0473233", "resnet34_v1"),
    ("0aee57f96768c0a2d5b23a6ec91eb08dfb0a45ce", "resnet50_v1"),
    ("d988c13d6159779e907140a638c56f229634cb02", "resnet101_v1"),
    ("671c637a14387ab9e2654eafd0d493d86b1c8579", "resnet152_v1"),
    ("a81db45fd7b7a2d12ab97cd88ef0a5ac48b8f657", "resnet18_v2"),
    ("9d6b80bbc35169de6b6edecffdd6047c56fdd322", "resnet34_v2"),
    ("ecdde35339c1aadbec4f547857078e734a76fb49", "resnet50_v2"),
    ("18e93e4f48947e002547f50eabbcc9c83e516aa6", "resnet101_v2"),
    ("f2695542de38cf7e71ed58f02893d82bb409415e", "resnet152_v2"),
    ("264ba4970a0cc87a4f15c96e25246a1307caf523", "squeezenet1.0"),
    ("33ba0f93753c83d86e1eb397f38a667eaf2e9376", "squeezenet1.1"),
    ("dd221b160977f36a53f464cb54648d227c707a05", "vgg11"),
    ("ee79a8098a91fbe05b7a973fed2017a6117723a8", "vgg11_bn"),
    ("6bc5de58a05a5e2e7f493e2d75a580d83efde38c", "vgg13"),
    ("7d97a06c3c7a1aecc88b6e7385c2b373a249e95e", "vgg13_bn"),
    ("e660d4569ccb679ec68f1fd3cce07a387252a90a", "vgg16"),
    ("7f01cf050d357127a73826045c245041b0df7363", "vgg16_bn"),
    ("ad2f660d101905472b83590b59708b71ea22b2e5", "vgg19"),
    ("f360b758e856f1074a85abd5fd873ed1d98297c3", "vgg19_bn")]}

#: MXNet's published location (``$MXNET_GLUON_REPO`` overrides it)
apache_repo_url = "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/"
_url_format = "{repo_url}gluon/models/{file_name}.zip"
#: seconds to wait for the server before giving up
DOWNLOAD_TIMEOUT = 60.0


def _default_root() -> str:
    from ...base import data_dir
    return os.path.join(data_dir(), "models")


def short_hash(name: str) -> str:
    """The first 8 hex digits of the sha1 of ``name``'s published file (ValueError for a
    model without one)."""
    if name not in _model_sha1:
        raise ValueError(f"Pretrained model for {name} is not available.")
    return _model_sha1[name][:8]


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the sha1 of the file's contents is ``sha1_hash``."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def _repo_url() -> str:
    url = os.environ.get("MXNET_GLUON_REPO", apache_repo_url)
    return url if url.endswith("/") else url + "/"


def _download(url: str, path: str) -> None:
    """``url`` -> ``path`` (written whole or not at all). file:// URLs work too."""
    import urllib.request
    tmp = f"{path}.part{uuid.uuid4().hex}"
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as resp, \
                open(tmp, "wb") as out:
            shutil.copyfileobj(resp, out, 1 << 20)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def get_model_file(name: str, root: Optional[str] = None) -> str:
    """The path of the pretrained ``.params`` file of model ``name`` in ``root`` (default
    ``$MXNET_HOME/models``, i.e. ``~/.mxnet/models``), downloading it first when it is missing
    or its sha1 does not match. Raises ValueError for a model without published weights or a
    download with the wrong sha1, and ``MXNetError`` naming the file and the URL when the
    download fails (no network): put the file there by hand and call again."""
    from ...base import MXNetError
    file_name = f"{name}-{short_hash(name)}"
    root = os.path.expanduser(_default_root() if root is None else root)
    file_path = os.path.join(root, file_name + ".params")
    sha1_hash = _model_sha1[name]
    if os.path.exists(file_path):
        if check_sha1(file_path, sha1_hash):
            return file_path
        logging.warning("Mismatch in the content of model file detected. Downloading again.")
    else:
        logging.info("Model file not found. Downloading to %s.", file_path)

    os.makedirs(root, exist_ok=True)
    url = _url_format.format(repo_url=_repo_url(), file_name=file_name)
    zip_path = os.path.join(root, f"{file_name}.zip{uuid.uuid4()}")
    try:
        try:
            _download(url, zip_path)
        except (OSError, ValueError) as err:  # URLError and timeouts are OSErrors
            raise MXNetError(
                f"get_model_file: the pretrained weights of {name!r} are not in {file_path} "
                f"and downloading them from {url} failed ({err}). Download that zip file on a "
                f"machine with network access and extract {file_name}.params into {root} "
                "(or set MXNET_GLUON_REPO to a mirror, or root= / MXNET_HOME to where the "
                "file is).") from None
        try:
            with zipfile.ZipFile(zip_path) as zf:
                tmp_dir = tempfile.mkdtemp(dir=root)
                try:
                    zf.extract(file_name + ".params", tmp_dir)
                    os.replace(os.path.join(tmp_dir, file_name + ".params"), file_path)
                finally:
                    shutil.rmtree(tmp_dir, ignore_errors=True)
        except (zipfile.BadZipFile, KeyError) as err:
            raise MXNetError(f"get_model_file: {url} is not a zip file holding "
                             f"{file_name}.params ({err})") from None
    finally:
        if os.path.exists(zip_path):
            os.remove(zip_path)
    if check_sha1(file_path, sha1_hash):
        return file_path
    raise ValueError("Downloaded file has different hash. Please try again.")


def purge(root: Optional[str] = None) -> None:
    """Delete every ``.params`` file in ``root`` (default ``$MXNET_HOME/models``)."""
    root = os.path.expanduser(_default_root() if root is None else root)
    for f in os.listdir(root):
        if f.endswith(".params"):
            os.remove(os.path.join(root, f))
