"""A Gluon data pipeline: legacy MXNet code, unchanged. Run it on mxcompat with:
    mxcompat run examples/gluon_data_pipeline.py

It writes a small image-folder dataset (PNGs, one folder per class) to a temporary
directory, reads it with ImageFolderDataset, augments it with deterministic transforms
(CenterCrop, Resize, ToTensor, Normalize; RandomResizedCrop seeded through Python's random),
and iterates shuffled DataLoaders (seeded through NumPy) in the main process and in two
worker processes; then it batches in-memory arrays with every last_batch mode. Every number
printed is the same under MXNet 1.9.1 and mxcompat.
"""
import os
import random
import tempfile

import numpy as np
from PIL import Image
from mxnet import gluon
from mxnet.gluon.data.vision import transforms


def write_folder(root):
    rng = np.random.RandomState(0)
    for c, name in enumerate(["cat", "dog", "owl"]):
        os.makedirs(os.path.join(root, name))
        for i in range(4):
            img = rng.randint(0, 256, (12 + i, 10 + c, 3)).astype(np.uint8)
            Image.fromarray(img).save(os.path.join(root, name, "%d.png" % i))


def main():
    root = tempfile.mkdtemp()
    write_folder(root)
    dataset = gluon.data.vision.ImageFolderDataset(root)
    print("classes:", dataset.synsets, "images:", len(dataset))

    augment = transforms.Compose([transforms.CenterCrop(8), transforms.ToTensor(),
                                  transforms.Normalize((0.5, 0.5, 0.5), (0.25, 0.25, 0.25))])
    np.random.seed(42)
    loader = gluon.data.DataLoader(dataset.transform_first(augment), batch_size=5,
                                   shuffle=True, last_batch="keep")
    for epoch in range(2):
        for data, label in loader:
            print("epoch %d: %s %s labels %s sum %.4f" % (
                epoch, data.shape, data.dtype.__name__, label.asnumpy().tolist(),
                data.sum().asscalar()))

    random.seed(7)
    crops = dataset.transform_first(transforms.Compose(
        [transforms.RandomResizedCrop(6), transforms.ToTensor()]))
    workers = gluon.data.DataLoader(crops, batch_size=4, num_workers=2)
    for data, label in workers:  # crops drawn in the workers: only shapes are stable
        print("workers:", data.shape, data.context, label.asnumpy().tolist())

    X = np.arange(14, dtype=np.float32).reshape(7, 2)
    y = np.arange(7) % 2
    for mode in ("keep", "discard", "rollover"):
        arrays = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), 3, last_batch=mode)
        sizes = [[b[0].shape[0] for b in arrays] for _ in range(3)]
        print("last_batch=%s: len %d, batch sizes per epoch %s" % (mode, len(arrays), sizes))
    batch = next(iter(gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), 4)))
    print(batch[0])
    print(batch[1])


if __name__ == "__main__":
    main()
