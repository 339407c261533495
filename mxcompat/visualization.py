"""``mx.viz`` / ``mx.visualization``: ``print_summary`` (MXNet 1.9.1's layer table) and
``plot_network`` (a graphviz ``Digraph``; needs the ``graphviz`` Python package)."""
from __future__ import annotations

import copy
import json
import re
import warnings
from typing import Any, Dict, List, Optional

__all__ = ["print_summary", "plot_network"]


def _str2tuple(string: str) -> List[str]:
    return re.findall(r"\d+", string)


def _check_symbol(symbol: Any, what: str) -> None:
    from .symbol import Symbol
    if not isinstance(symbol, Symbol):
        raise TypeError(what)


def _shape_dict(symbol: Any, shape: Dict[str, Any]) -> Dict[str, Any]:
    internals = symbol.get_internals()
    _, out_shapes, _ = internals.infer_shape(**shape)
    if out_shapes is None:
        raise ValueError("Input shape is incomplete")
    return dict(zip(internals.list_outputs(), out_shapes))


def _param_count(node: Dict[str, Any], pre_filter: int,
                 shape_dict: Optional[Dict[str, Any]]) -> int:
    op = node["op"]
    attrs = node.get("attrs", {})
    if op == "Convolution":
        n = pre_filter * int(attrs["num_filter"]) // int(attrs.get("num_group", "1"))
        for k in _str2tuple(attrs["kernel"]):
            n *= int(k)
        if attrs.get("no_bias") != "True":
            n += int(attrs["num_filter"])
        return n
    if op == "FullyConnected":
        if attrs.get("no_bias") == "True":
            return pre_filter * int(attrs["num_hidden"])
        return (pre_filter + 1) * int(attrs["num_hidden"])
    if op == "BatchNorm":
        if shape_dict is not None:
            return int(shape_dict[node["name"] + "_output"][1]) * 2
        return 0
    if op == "Embedding":
        return int(attrs["input_dim"]) * int(attrs["output_dim"])
    return 0


def print_summary(symbol: Any, shape: Optional[Dict[str, Any]] = None, line_length: int = 120,
                  positions: Any = (0.44, 0.64, 0.74, 1.0)) -> None:
    """Print the layer table (name(op), output shape, parameter count, previous layers) and
    the total parameter count, exactly as MXNet 1.9.1 prints it."""
    _check_symbol(symbol, "symbol must be Symbol")
    shape_dict = _shape_dict(symbol, shape) if shape is not None else None
    conf = json.loads(symbol.tojson())
    nodes = conf["nodes"]
    # MXNet takes the set of the first head entry's fields ([node, index, version]); kept
    # as is so the same rows are printed
    heads = set(conf["heads"][0])
    positions = list(positions)
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def print_row(fields: List[Any]) -> None:
        line = ""
        for i, field in enumerate(fields):
            line += str(field)
            line = line[:positions[i]]
            line += " " * (positions[i] - len(line))
        print(line)

    print("_" * line_length)
    print_row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"])
    print("=" * line_length)

    def out_key(node: Dict[str, Any]) -> str:
        return node["name"] + "_output" if node["op"] != "null" else node["name"]

    def layer(node: Dict[str, Any], out_shape: Any) -> int:
        pre_node: List[str] = []
        pre_filter = 0
        if node["op"] != "null":
            for item in node["inputs"]:
                src = nodes[item[0]]
                if src["op"] != "null" or item[0] in heads:
                    pre_node.append(src["name"])
                    if shape_dict is not None:
                        key = out_key(src)
                        if key in shape_dict:
                            pre_filter += int(shape_dict[key][1:][0])
        n = _param_count(node, pre_filter, shape_dict)
        first = pre_node[0] if pre_node else ""
        print_row([node["name"] + "(" + node["op"] + ")",
                   "x".join(str(x) for x in out_shape), n, first])
        for extra in pre_node[1:]:
            print_row(["", "", "", extra])
        return n

    total = 0
    for i, node in enumerate(nodes):
        op = node["op"]
        if op == "null" and i > 0:
            continue
        out_shape: Any = []
        if op != "null" or i in heads:
            if shape_dict is not None:
                key = out_key(node)
                if key in shape_dict:
                    out_shape = shape_dict[key][1:]
        total += layer(node, out_shape)
        print(("=" if i == len(nodes) - 1 else "_") * line_length)
    print("Total params: {params}".format(params=total))
    print("_" * line_length)


def plot_network(symbol: Any, title: str = "plot", save_format: str = "pdf",
                 shape: Optional[Dict[str, Any]] = None, dtype: Optional[Dict[str, Any]] = None,
                 node_attrs: Optional[Dict[str, str]] = None, hide_weights: bool = True) -> Any:
    """A ``graphviz.Digraph`` of the network (edges labelled with shapes / dtypes when
    given). Raises ImportError, as MXNet, when the graphviz package is missing."""
    try:
        from graphviz import Digraph
    except ImportError:
        raise ImportError("Draw network requires graphviz library (pip install graphviz, "
                          "plus the Graphviz binaries to render)") from None
    _check_symbol(symbol, "symbol must be a Symbol")
    internals = symbol.get_internals()
    shape_dict = _shape_dict(symbol, shape) if shape is not None else None
    type_dict = None
    if dtype is not None:
        _, out_types, _ = internals.infer_type(**dtype)
        if out_types is None:
            raise ValueError("Input type is incomplete")
        type_dict = dict(zip(internals.list_outputs(), out_types))
    nodes = json.loads(symbol.tojson())["nodes"]
    names = [n["name"] for n in nodes]
    if len(names) != len(set(names)):
        repeated = sorted({n for n in names if names.count(n) > 1})
        warnings.warn("There are multiple variables with the same name in your graph, this may "
                      "result in cyclic graph. Repeated names: " + ",".join(repeated),
                      RuntimeWarning, stacklevel=2)
    base_attr = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034",
                 "style": "filled"}
    base_attr.update(node_attrs or {})
    dot = Digraph(name=title, format=save_format)
    cm = ("#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69",
          "#fccde5")
    weight_like = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                   "_running_var", "_running_mean")
    hidden = set()
    for node in nodes:
        op, name, attrs = node["op"], node["name"], node.get("attrs", {})
        attr = copy.deepcopy(base_attr)
        label = name
        if op == "null":
            if name.endswith(weight_like):
                if hide_weights:
                    hidden.add(name)
                continue
            attr["shape"] = "oval"
            attr["fillcolor"] = cm[0]
        elif op == "Convolution":
            label = "Convolution\n{}/{}, {}".format(
                "x".join(_str2tuple(attrs["kernel"])),
                "x".join(_str2tuple(attrs["stride"])) if "stride" in attrs else "1",
                attrs["num_filter"])
            attr["fillcolor"] = cm[1]
        elif op == "FullyConnected":
            label = "FullyConnected\n{}".format(attrs["num_hidden"])
            attr["fillcolor"] = cm[1]
        elif op == "BatchNorm":
            attr["fillcolor"] = cm[3]
        elif op == "Activation":
            label = "Activation\n{}".format(attrs["act_type"])
            attr["fillcolor"] = cm[2]
        elif op == "LeakyReLU":
            label = "LeakyReLU\n{}".format(attrs.get("act_type", "Leaky"))
            attr["fillcolor"] = cm[2]
        elif op == "Pooling":
            label = "Pooling\n{}, {}/{}".format(
                attrs["pool_type"],
                "x".join(_str2tuple(attrs["kernel"])) if "kernel" in attrs else "[]",
                "x".join(_str2tuple(attrs["stride"])) if "stride" in attrs else "1")
            attr["fillcolor"] = cm[4]
        elif op in ("Concat", "Flatten", "Reshape"):
            attr["fillcolor"] = cm[5]
        elif op == "Softmax":
            attr["fillcolor"] = cm[6]
        else:
            attr["fillcolor"] = cm[7]
            if op == "Custom":
                label = attrs["op_type"]
        dot.node(name=name, label=label, **attr)

    def key_of(src: Dict[str, Any]) -> str:
        if src["op"] == "null":
            return src["name"]
        key = src["name"] + "_output"
        if "num_outputs" in src.get("attrs", {}):
            key += str(int(src["attrs"]["num_outputs"]) - 1)
        return key

    for node in nodes:
        if node["op"] == "null":
            continue
        inputs = node["inputs"]
        if node["op"] == "_contrib_BilinearResize2D":
            inputs = inputs[:1]
        for item in inputs:
            src = nodes[item[0]]
            if src["name"] in hidden:
                continue
            attr = {"dir": "back", "arrowtail": "open", "label": ""}
            if shape_dict is not None:
                attr["label"] = "x".join(str(x) for x in shape_dict[key_of(src)][1:])
            if type_dict is not None:
                attr["label"] += "(" + type_dict[key_of(src)].__name__ + ")"
            dot.edge(tail_name=node["name"], head_name=src["name"], **attr)
    return dot
