"""Detection helpers using rarer operators."""
import mxnet as mx


def roi_features(feat, rois):
    return mx.nd.ROIPooling(feat, rois, pooled_size=(7, 7), spatial_scale=1.0 / 16)


def correlate(a, b):
    return mx.nd.Correlation(a, b, kernel_size=1, max_displacement=4)


def fast_gelu(x):
    return mx.nd.fast_gelu(x)  # never existed in MXNet


def shadowed(mx):
    # `mx` is a parameter here, not the mxnet module
    return mx.nd.whatever()
