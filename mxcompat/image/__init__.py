"""``mx.image`` (also ``mx.img``): image I/O, resizing, cropping, augmenters, ImageIter."""
from typing import Any as _Any

from . import image  # noqa: F401
from .image import *  # noqa: F401,F403
from .image import __all__  # noqa: F401

# mx.image.detection (ImageDetIter and the box-aware augmenters) is not implemented
_DETECTION = ("detection", "ImageDetIter", "CreateDetAugmenter", "CreateMultiRandCropAugmenter",
              "DetAugmenter", "DetBorrowAug", "DetRandomSelectAug", "DetHorizontalFlipAug",
              "DetRandomCropAug", "DetRandomPadAug")


def __getattr__(name: str) -> _Any:
    if name in _DETECTION:
        from ..base import unsupported
        raise unsupported(f"mx.image.{name}", "the object-detection iterator and augmenters "
                          "(mx.image.detection) are not implemented", attribute=True)
    raise AttributeError(f"module 'mxcompat.image' has no attribute {name!r}")
