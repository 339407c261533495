"""A legacy MXNet 1.x NDArray walk-through, unchanged MXNet code.

Run it on mxcompat with:  mxcompat run examples/seed_walkthrough.py
(or under real MXNet 1.9.1 with plain `python`); both print the same thing.
"""
import time

import mxnet as mx
import numpy as np

# an array from a list of lists: MXNet makes it float32
a = mx.nd.array([[1, 2, 3], [4, 5, 6]])
print("a:", a)
print("size", a.size, "shape", a.shape, "dtype", a.dtype)

# an int32 array and its NumPy copy
b = mx.nd.array([[1, 2], [3, 4]], dtype='int32')
print(b)
print(repr(b.asnumpy()), b.asnumpy().dtype)

# element-wise product and matrix product
print(a * a)
print(mx.nd.dot(a, a.T))

# a large random matrix and its product: shapes, dtypes and value ranges are what matter
c = mx.nd.random.uniform(shape=(1000, 1000))
print(c.shape, c.dtype, c.context)
print("in [0, 1):", ((c >= 0) * (c < 1)).sum().asscalar() == c.size)
tic = time.time()
d = mx.nd.dot(c, c)
d.wait_to_read()
elapsed = time.time() - tic
print("dot:", d.shape, d.dtype, "finite:", bool(np.isfinite(d.asnumpy()).all()))
print("elapsed is a number:", elapsed >= 0)

# zeros and ones on an explicit context
z = mx.nd.zeros((2, 3), ctx=mx.cpu())
o = mx.nd.ones((2, 3), mx.cpu())
print(z)
print(o + 1)

# a batch of eight 3x1000x1000 images
batch = mx.nd.zeros((8, 3, 1000, 1000))
print("batch", batch.shape, batch.size, batch.dtype)
batch[0] = 1
print("first image sum", batch[0].sum().asscalar(), "second", batch[1].sum().asscalar())

# arange and reshape (with MXNet's special codes), and casting
x = mx.nd.arange(0, 24).reshape((2, 3, 4))
print(x)
print(x.reshape((0, -1)).shape, x.reshape((-3, -2)).shape, x.reshape((-4, 1, 2, -2)).shape)
y = (x / 7).astype('int32')
print(y)
print(y.dtype, (y * 2.5).dtype, y * 2.5)

# float16 arrays
h = mx.nd.array([1, 2, 3], dtype='float16')
print(h, h.dtype)
print(h + 0.1)
print(mx.nd.ones((2, 2), dtype=np.float16) * 3)
