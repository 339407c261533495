"""Autograd cases, run under real MXNet 1.9.1 (tools/oracle/record_autograd.py records them
into tests/golden/autograd.json) and under mxcompat (tests/test_autograd.py compares).

Same conventions as core_cases.py: each snippet leaves its answer in ``result``; inputs are
fixed numbers so both libraries see the same arrays.
"""

CASES = []


def case(cid, code):
    CASES.append((cid, code))


_X = "x = mx.nd.array([[0.5, -1.5, 2.0], [1.0, 0.0, -0.25]]); x.attach_grad()\n"
_REC = "with mx.autograd.record():\n    "

for name, expr in [
        ("mul-sin", "(x * x + mx.nd.sin(x)).sum()"), ("exp-log", "mx.nd.log(mx.nd.exp(x) + 1)"),
        ("div", "(1 / (x * x + 1)).sum()"), ("pow", "(x ** 3).sum()"),
        ("rpow", "(2 ** x).sum()"), ("sqrt-abs", "mx.nd.sqrt(mx.nd.abs(x) + 1)"),
        ("relu", "mx.nd.relu(x)"), ("abs", "mx.nd.abs(x)"), ("sigmoid", "mx.nd.sigmoid(x)"),
        ("tanh", "mx.nd.tanh(x).sum()"), ("maximum", "mx.nd.maximum(x, 0.5)"),
        ("clip", "mx.nd.clip(x, -1, 1)"), ("mean", "x.mean()"), ("sum-axis", "x.sum(axis=1)"),
        ("max", "x.max()"), ("max-axis", "x.max(axis=0)"), ("norm", "x.norm()"),
        ("reshape", "x.reshape((3, 2)) * mx.nd.array([[1, 2], [3, 4], [5, 6]])"),
        ("transpose", "mx.nd.transpose(x) * mx.nd.array([[1, 2], [3, 4], [5, 6]])"),
        ("T", "x.T * mx.nd.array([[1, 2], [3, 4], [5, 6]])"),
        ("getitem-int", "x[1] * 3"), ("getitem-slice", "x[:, 1:] * 2"),
        ("getitem-adv", "x[[0, 0, 1]] * 2"), ("dot", "mx.nd.dot(x, x.T)"),
        ("softmax", "mx.nd.softmax(x) * mx.nd.array([[1, 2, 3], [4, 5, 6]])"),
        ("log_softmax", "mx.nd.log_softmax(x, axis=0)"),
        ("concat", "mx.nd.concat(x, x * 2, dim=0) * 1"),
        ("broadcast", "x * mx.nd.array([1, 2, 3]) + mx.nd.array([[1], [2]])"),
        ("square-sum", "mx.nd.square(x).sum(axis=0, keepdims=True)"),
        ("where", "mx.nd.where(x > 0, x * 2, x * 3)"),
        ("stop_gradient", "mx.nd.stop_gradient(x * 2) * x"),
        ("BlockGrad", "mx.nd.BlockGrad(x) * x")]:
    case(f"grad:{name}", f"{_X}{_REC}y = {expr}\ny.backward()\nresult = x.grad")

# Gradients at ties and bounds (torch 2.14 changed clamp's there) and at NaN
_T = ("x = mx.nd.array([0.0, 1.0, 1.5, 2.0, 3.0, float('nan')]); x.attach_grad()\n")
for name, expr in [("clip-bounds", "mx.nd.clip(x, 1.0, 2.0)"),
                   ("maximum-scalar-tie", "mx.nd.maximum(x, 1.0)"),
                   ("minimum-scalar-tie", "mx.nd.minimum(x, 2.0)"),
                   ("rmaximum-scalar-tie", "mx.nd.maximum(1.0, x)"),
                   ("maximum-tensor-tie", "mx.nd.maximum(x, mx.nd.full((6,), 1.0))"),
                   ("minimum-tensor-tie", "mx.nd.minimum(mx.nd.full((6,), 2.0), x)")]:
    case(f"grad:{name}", f"{_T}{_REC}y = {expr}\ny.backward(mx.nd.ones_like(y) * 3)\n"
         "result = x.grad")

case("head-grad", f"{_X}{_REC}y = x * 2\ny.backward(mx.nd.array([[1, 2, 3], [4, 5, 6]]))\n"
     "result = x.grad")
case("grad-shares-buffer", f"{_X}g = x.grad\n{_REC}y = (x * x).sum()\ny.backward()\n"
     "result = (x.grad is g, g)")
case("write-overwrites", f"{_X}{_REC}y = (x * x).sum()\ny.backward()\n{_REC}y = (x * 3).sum()\n"
     "y.backward()\nresult = x.grad")
case("add-accumulates", "x = mx.nd.array([1.0, 2.0]); x.attach_grad(grad_req='add')\n"
     f"for _ in range(2):\n    {_REC.replace(chr(10) + '    ', chr(10) + '        ')}"
     "y = (x * x).sum()\n    y.backward()\nresult = x.grad")
case("null-req", "x = mx.nd.array([1.0, 2.0]); x.attach_grad(grad_req='null')\n"
     f"{_REC}y = (x * x).sum()\ny.backward()\nresult = x.grad")
case("null-with-other", "x = mx.nd.array([1.0, 2.0]); x.attach_grad(grad_req='null')\n"
     "w = mx.nd.array([3.0, 4.0]); w.attach_grad()\n"
     f"{_REC}y = (x * w).sum()\ny.backward()\nresult = (w.grad, x.grad)")
case("off-path-keeps-grad", "a = mx.nd.array([1.0, 2.0]); a.attach_grad()\n"
     "b = mx.nd.array([3.0]); b.attach_grad()\n"
     f"{_REC}y = (a * a).sum()\ny.backward()\n{_REC}z = (b * 5).sum()\nz.backward()\n"
     "result = (a.grad, b.grad)")
case("sgd-update", "w = mx.nd.array([1.0, -2.0, 3.0]); w.attach_grad()\n"
     "for _ in range(3):\n    with mx.autograd.record():\n        l = ((w - 1) ** 2).sum()\n"
     "    l.backward()\n    w[:] = w - 0.1 * w.grad\nresult = (w, w.grad)")
case("sgd-update-isub", "w = mx.nd.array([1.0, -2.0, 3.0]); w.attach_grad()\n"
     "for _ in range(3):\n    with mx.autograd.record():\n        l = ((w - 1) ** 2).sum()\n"
     "    l.backward()\n    w -= 0.1 * w.grad\nresult = (w, w.grad)")
case("second-backward", f"{_X}{_REC}y = (x * x).sum()\ny.backward()\ny.backward()")
case("retain-graph", f"{_X}{_REC}y = (x * x).sum()\ny.backward(retain_graph=True)\n"
     "y.backward()\nresult = x.grad")
case("backward-outside-record", f"{_X}y = (x * x).sum()\ny.backward()")
case("backward-no-attach", "x = mx.nd.array([1.0])\n" f"{_REC}y = x * 2\ny.backward()")
case("leaf-backward", f"{_X}x.backward()\nresult = x.grad")
case("reattach-resets", f"{_X}{_REC}y = (x * x).sum()\ny.backward()\nx.attach_grad()\n"
     "result = x.grad")
case("attach-intermediate", "a = mx.nd.array([1.0, 2.0]); a.attach_grad()\n"
     f"{_REC}b = a * 2\n    b.attach_grad()\n    c = (b * b).sum()\nc.backward()\n"
     "result = (a.grad, b.grad)")
case("inplace-in-record", f"{_X}{_REC}y = x * 2\n    y += 1")
case("setitem-leaf-in-record", f"{_X}{_REC}x[:] = 3")
case("inplace-fresh-in-record", f"{_X}{_REC}z = mx.nd.zeros((2,))\n    z[:] = 1\n"
     "result = z")
case("out-in-record", f"{_X}{_REC}y = x * 2\n    mx.nd.relu(y, out=y)")
case("autograd.backward-heads", "a = mx.nd.array([1.0, 2.0]); a.attach_grad()\n"
     f"{_REC}y1 = (a * a).sum()\n    y2 = (a * 3).sum()\n"
     "mx.autograd.backward([y1, y2])\nresult = a.grad")
case("autograd.backward-head-grads", "a = mx.nd.array([1.0, 2.0]); a.attach_grad()\n"
     f"{_REC}y1 = a * a\n    y2 = a * 3\n"
     "mx.autograd.backward([y1, y2], [mx.nd.array([1, 0]), mx.nd.array([0, 2])])\n"
     "result = a.grad")
case("autograd.grad-list", "a = mx.nd.array([1.0, 2.0]); a.attach_grad()\n"
     f"{_REC}y = (a * a * a).sum()\n"
     "g = mx.autograd.grad(y, a)\nresult = (type(g).__name__, g[0], a.grad)")
case("autograd.grad-two", "a = mx.nd.array([1.0, 2.0]); a.attach_grad()\n"
     "b = mx.nd.array([3.0, 4.0]); b.attach_grad()\n"
     f"{_REC}y = (a * b).sum()\n"
     "g = mx.autograd.grad([y], [a, b])\nresult = g")
case("autograd.grad-second-order-sin", "a = mx.nd.array([0.5, 1.0]); a.attach_grad()\n"
     f"{_REC}y = mx.nd.sin(a)\n    g = mx.autograd.grad(y, [a], create_graph=True)[0]\n"
     "g.backward()\nresult = (g, a.grad)")
case("autograd.grad-not-attached", "a = mx.nd.array([1.0])\n"
     f"{_REC}y = a * 2\nmx.autograd.grad(y, [a])")
case("mark_variables", "a = mx.nd.array([1.0, 2.0]); g = mx.nd.zeros((2,))\n"
     "mx.autograd.mark_variables([a], [g])\n"
     f"{_REC}y = (a * a).sum()\ny.backward()\nresult = g")
case("states", "r = [(mx.autograd.is_recording(), mx.autograd.is_training())]\n"
     "with mx.autograd.record():\n    r.append((mx.autograd.is_recording(), "
     "mx.autograd.is_training()))\n"
     "    with mx.autograd.pause():\n        r.append((mx.autograd.is_recording(), "
     "mx.autograd.is_training()))\n"
     "    with mx.autograd.predict_mode():\n        r.append((mx.autograd.is_recording(), "
     "mx.autograd.is_training()))\n"
     "with mx.autograd.record(train_mode=False):\n    r.append((mx.autograd.is_recording(), "
     "mx.autograd.is_training()))\n"
     "with mx.autograd.train_mode():\n    r.append((mx.autograd.is_recording(), "
     "mx.autograd.is_training()))\n"
     "with mx.autograd.pause(train_mode=True):\n    r.append((mx.autograd.is_recording(), "
     "mx.autograd.is_training()))\n"
     "r.append((mx.autograd.set_recording(True), mx.autograd.set_recording(False), "
     "mx.autograd.set_training(True), mx.autograd.set_training(False)))\n"
     "result = r")
_FN = ("class Sig(mx.autograd.Function):\n"
       "    def forward(self, x):\n"
       "        y = 1 / (1 + mx.nd.exp(-x))\n"
       "        self.save_for_backward(y)\n"
       "        return y\n"
       "    def backward(self, dy):\n"
       "        y, = self.saved_tensors\n"
       "        return dy * y * (1 - y)\n")
case("Function", _FN + "a = mx.nd.array([0.0, 1.0, -2.0]); a.attach_grad()\n"
     f"{_REC}y = Sig()(a)\n    z = (y * mx.nd.array([1, 2, 3])).sum()\nz.backward()\n"
     "result = (y, a.grad)")
case("Function-outside-record", _FN + "result = Sig()(mx.nd.array([0.0]))")
case("Function-twice", _FN + "f = Sig(); f(mx.nd.array([0.0])); f(mx.nd.array([0.0]))")
case("Function-two-inputs", "class Mul(mx.autograd.Function):\n"
     "    def forward(self, a, b):\n        self.save_for_backward(a, b)\n        return a * b\n"
     "    def backward(self, dy):\n        a, b = self.saved_tensors\n"
     "        return dy * b, dy * a\n"
     "a = mx.nd.array([1.0, 2.0]); a.attach_grad(); b = mx.nd.array([3.0, 4.0]); "
     "b.attach_grad()\n"
     f"{_REC}y = Mul()(a, b)\ny.backward()\nresult = (a.grad, b.grad)")
case("detach", f"{_X}{_REC}y = x * 2\n    z = (y.detach() * x).sum()\nz.backward()\n"
     "result = x.grad")
case("detach-shares", "x = mx.nd.array([1.0, 2.0]); d = x.detach(); d[0] = 5; result = x")
case("grad-none", "result = mx.nd.array([1.0]).grad")
case("dropout-train", "x = mx.nd.ones((4, 5)); x.attach_grad()\n"
     f"{_REC}y = mx.nd.Dropout(x, p=0.0)\ny.backward()\nresult = x.grad")
case("dropout-predict-identity", "x = mx.nd.ones((2, 3))\nresult = mx.nd.Dropout(x, p=0.5)")
# ops torch cannot differentiate are still recorded nodes in MXNet: backward through them gives
# their recorded inputs zero gradients (not "not in a computational graph")
for name, expr in [("BlockGrad-head", "mx.nd.BlockGrad(x * 2)"),
                   ("stop_gradient-head", "mx.nd.stop_gradient(x) * 2"),
                   ("argmax-head", "mx.nd.argmax(x, axis=1)"),
                   ("argmax-times-x", "mx.nd.argmax(x, axis=1).reshape((2, 1)) * x"),
                   ("compare-head", "x > 0"), ("compare-nd-head", "x == x"),
                   ("zeros_like-head", "mx.nd.zeros_like(x)"),
                   ("ones_like-times", "mx.nd.ones_like(x) * 3"),
                   ("round-head", "mx.nd.round(x)"), ("one_hot-head",
                                                     "mx.nd.one_hot(mx.nd.argmax(x, axis=1), 3)")]:
    case(f"grad:{name}", f"{_X}x.grad[:] = 7\n{_REC}y = {expr}\ny.backward()\nresult = x.grad")
case("two-heads-one-blocked", f"{_X}{_REC}a = x * 2\n    b = mx.nd.BlockGrad(x * 3)\n"
     "mx.autograd.backward([a, b])\nresult = x.grad")
case("two-heads-one-constant", f"{_X}{_REC}a = x * 2\n    b = mx.nd.ones((2, 3))\n"
     "mx.autograd.backward([a, b])\nresult = x.grad")
case("grad-of-BlockGrad", f"{_X}{_REC}y = mx.nd.BlockGrad(x)\n"
     "result = mx.autograd.grad(y, [x])")
# max/min send the whole gradient to every element equal to the result (torch splits it
# between ties); a NaN group gives no element a gradient. mxcompat takes torch's native
# reduction when a group has neither, and a tie-aware function otherwise: both paths here.
_T = ("x = mx.nd.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [5.0, 1.0, 0.0], [-0.0, 0.0, -1.0]])"
      "; x.attach_grad()\n")
_HG = "mx.nd.array([[1.0], [2.0], [3.0], [4.0]])"
for name, expr in [("max-ties-axis", "x.max(axis=1)"), ("max-ties-all", "x.max()"),
                   ("min-ties-keepdims", f"x.min(axis=1, keepdims=True) * {_HG}"),
                   ("max-untied-rows", "x[2:3].max(axis=1, keepdims=True) * 3"),
                   ("max-axis0-mixed", "x.max(axis=0)"),
                   ("max-nan-row", "(x * mx.nd.array([[1], [float('nan')], [1], [1]]))"
                                   ".max(axis=1)"),
                   ("min-nan-col", "(x * mx.nd.array([1, 1, float('nan')])).min(axis=0)"),
                   ("log-softmax-by-hand", f"x - x.max(axis=1, keepdims=True) * {_HG}"),
                   ("scalar-chain", "(-(x * 0.1) + 2.5 - x / 3 + 0.5 * x - 1.5 / (x + 9))"),
                   ("pick-float-labels", "mx.nd.pick(x, mx.nd.array([2, 0.7, 5.0, -1]), "
                                         "axis=1) * mx.nd.array([1, 2, 3, 4])")]:
    case(f"grad:{name}", f"{_T}{_REC}y = {expr}\ny.backward()\nresult = x.grad")
