"""``mx.nd.contrib`` quantization ops: quantize / dequantize / requantize and the quantized_*
layers (filled in by the op-family work; the rest are stubs)."""
