"""A character-level LSTM language model in Gluon, on a tiny built-in text: legacy MXNet 1.x
code, unchanged.

Run it on mxcompat with:  python -m mxcompat run examples/char_lstm.py
(or under real MXNet 1.9.1 with plain `python`); both print the same losses and the same
generated text. The weights start from a fixed NumPy seed (MXNet's and mxcompat's random
generators differ), the loss is written out (log_softmax + pick) and the update is plain SGD
on each parameter, so nothing here depends on a random stream.
"""
import numpy as np
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn, rnn

TEXT = ("the quick brown fox jumps over the lazy dog. "
        "a lazy dog sleeps in the sun while the quick fox runs. "
        "the dog and the fox are friends in the sun. ") * 4
chars = sorted(set(TEXT))
vocab = {c: i for i, c in enumerate(chars)}
data = np.array([vocab[c] for c in TEXT], dtype=np.float32)

SEQ, BATCH, EMBED, HIDDEN = 16, 8, 12, 32


class CharLM(gluon.HybridBlock):
    def __init__(self, vocab_size, **kwargs):
        super(CharLM, self).__init__(**kwargs)
        with self.name_scope():
            self.embed = nn.Embedding(vocab_size, EMBED)
            self.lstm = rnn.LSTM(HIDDEN, num_layers=1, layout='NTC', input_size=EMBED)
            self.out = nn.Dense(vocab_size, flatten=False, in_units=HIDDEN)

    def hybrid_forward(self, F, x, states):
        h, states = self.lstm(self.embed(x), states)
        return self.out(h), states


net = CharLM(len(chars))
net.initialize()
rs = np.random.RandomState(0)
for _, p in sorted(net.collect_params().items()):
    p.set_data(nd.array(rs.uniform(-0.5, 0.5, size=p.shape)))
params = list(net.collect_params().values())


def batches():
    # BATCH contiguous streams, cut into SEQ-long pieces (inputs and next-char targets)
    n = (len(data) - 1) // BATCH
    x = data[:n * BATCH].reshape(BATCH, n)
    y = data[1:n * BATCH + 1].reshape(BATCH, n)
    for i in range(0, n - SEQ + 1, SEQ):
        yield nd.array(x[:, i:i + SEQ]), nd.array(y[:, i:i + SEQ])


lr = 2.0
for epoch in range(30):
    states = net.lstm.begin_state(BATCH)
    total, count = 0.0, 0
    for x, y in batches():
        states = [s.detach() for s in states]  # truncated back-propagation through time
        with autograd.record():
            logits, states = net(x, states)
            logp = nd.log_softmax(logits, axis=-1)
            loss = -nd.pick(logp, y, axis=-1).mean()
        loss.backward()
        grads = [p.grad() for p in params]
        norm = np.sqrt(sum(float((g * g).sum().asscalar()) for g in grads))
        scale = min(1.0, 5.0 / (norm + 1e-8))  # gradient clipping by global norm
        for p, g in zip(params, grads):
            p.set_data(p.data() - lr * scale * g)
        total += loss.asscalar()
        count += 1
    if epoch % 5 == 4:
        print("epoch %d loss %.5f" % (epoch, total / count))

# greedy generation from a prompt
states = net.lstm.begin_state(1)
prompt = 'the '
out = prompt
x = nd.array([[vocab[c] for c in prompt]])
for _ in range(40):
    logits, states = net(x, states)
    nxt = int(logits[0, -1].argmax(axis=0).asscalar())
    out += chars[nxt]
    x = nd.array([[nxt]])
print('generated: %r' % out)
