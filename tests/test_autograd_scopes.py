"""Autograd across record() scopes, as MXNet 1.9.1 behaves (the values below are hand-computed
and were checked against MXNet 1.9.1): backward() without retain_graph frees the graph, so
arrays computed in it are constants afterwards; retain_graph=True keeps it."""
from __future__ import annotations

import pytest

import mxcompat as mx
from mxcompat import autograd, nd


def _rnn(retain: bool, detach: bool) -> list:
    # state_k = w * x * state_{k-1} + w, loss = state_k, w = 0.5, x = 2, state_0 = 1
    w = nd.array([0.5])
    w.attach_grad()
    x = nd.array([2.0])
    state = nd.array([1.0])
    out = []
    for _ in range(3):
        with autograd.record():
            state = w * x * state + w
            loss = state * 1
        loss.backward(retain_graph=retain)
        out.append(float(w.grad.asscalar()))
        if detach:
            state.detach()  # result discarded, as in many legacy scripts
    return out


@pytest.mark.parametrize("detach", [False, True])
def test_state_carried_out_of_a_record_block_is_a_constant(detach):
    # d/dw (w*x*s + w) with s constant: x*s + 1; s = 1, 2, 3 (state values 1 -> 2 -> 3 -> 4)
    assert _rnn(False, detach) == [3.0, 4.0, 5.0]


def test_retain_graph_keeps_the_old_graph_differentiable():
    # with the graph kept, step k differentiates through every earlier step:
    # s1 = 2w*1 + w, s2 = 2w*s1 + w: ds2/dw = 2*s1 + 2w*ds1/dw + 1 = 4 + 3 + ... = 7, then 12
    assert _rnn(True, False) == [3.0, 7.0, 12.0]


def test_two_losses_of_one_block_backward_separately():
    w = nd.array([3.0])
    w.attach_grad()
    with autograd.record():
        l1 = w * 2
        l2 = w * w
    l1.backward()
    assert w.grad.asscalar() == 2.0
    l2.backward()
    assert w.grad.asscalar() == 6.0


def test_a_shared_intermediate_is_freed_with_the_first_graph():
    w = nd.array([3.0])
    w.attach_grad()
    with autograd.record():
        y = w * w
        l1 = y * 2
        l2 = y * 3
    l1.backward()
    assert w.grad.asscalar() == 12.0
    with pytest.raises(mx.base.MXNetError, match="There are no inputs in computation graph"):
        l2.backward()
    # with retain_graph=True both backwards see y's graph
    with autograd.record():
        y = w * w
        l1 = y * 2
        l2 = y * 3
    l1.backward(retain_graph=True)
    l2.backward()
    assert w.grad.asscalar() == 18.0


def test_backward_through_a_freed_graph_raises():
    w = nd.array([3.0])
    w.attach_grad()
    with autograd.record():
        y = w * w
        loss = y * 2
    loss.backward()
    for head in (loss, y):
        with pytest.raises(mx.base.MXNetError, match="Cannot differentiate node"):
            head.backward()


def test_a_new_graph_uses_old_arrays_as_constants():
    w = nd.array([3.0])
    w.attach_grad()
    with autograd.record():
        y = w * w
        loss = y * 2
    loss.backward()
    with autograd.record():
        z = y * w          # y (= 9) is a constant now: dz/dw = 9
    z.backward()
    assert w.grad.asscalar() == 9.0
    with autograd.record():
        only_old = y * 2   # nothing recorded: all inputs are constants
    with pytest.raises(mx.base.MXNetError, match="Cannot differentiate node"):
        only_old.backward()


def test_autograd_grad_frees_the_graph_too():
    w = nd.array([3.0])
    w.attach_grad()
    with autograd.record():
        y = w * w
    (g,) = autograd.grad(y, [w])
    assert g.asscalar() == 6.0
    with autograd.record():
        z = y * w
    z.backward()
    assert w.grad.asscalar() == 9.0


def test_attached_array_keeps_its_memory_and_buffer_across_steps():
    w = nd.array([1.0, 2.0])
    w.attach_grad()
    buf = w.grad
    for _ in range(3):
        with autograd.record():
            loss = (w * w).sum()
        loss.backward()
        w[:] = w - 0.25 * w.grad     # in-place update outside record()
    # w: [1, 2] -> [0.5, 1] -> [0.25, 0.5] -> [0.125, 0.25]; a reference to x.grad from the
    # first step sees the last step's gradient 2w = [0.5, 1] (MXNet shares the buffer)
    assert buf.asnumpy().tolist() == w.grad.asnumpy().tolist() == [0.5, 1.0]
    assert w.asnumpy().tolist() == [0.125, 0.25]
