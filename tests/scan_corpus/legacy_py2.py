import mxnet as mx

x = mx.nd.ones((2, 2))
print "sum:", x.sum().asscalar()
