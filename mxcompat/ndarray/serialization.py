"""The .params format (mx.nd.save / load); being written."""
