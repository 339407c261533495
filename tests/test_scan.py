"""``mxcompat scan``: exact reports on tests/scan_corpus (every import style, a notebook, a
Python 2 file, Gluon/Symbol use, unsupported and unknown ops, inferred NDArray methods),
output formats, --fail-on, directory skipping, the shipped status data, speed."""
from __future__ import annotations

import importlib.util
import json
import os
import time
from pathlib import Path

import pytest

from mxcompat import scan
from mxcompat.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "scan_corpus"

# A fixed status table for the exact-report tests (the shipped data changes as ops land).
_SUPPORTED = """
mx.nd.random.normal mx.nd.zeros mx.nd.relu mx.nd.dot mx.nd.array mx.nd.one_hot mx.nd.argmax
mx.nd.softmax_cross_entropy mx.nd.save mx.nd.load mx.nd.concat mx.nd.mean mx.nd.sqrt
mx.nd.square mx.nd.topk mx.nd.broadcast_equal mx.nd.norm mx.nd.ones mx.nd.linalg.gemm2
mx.nd.waitall mx.nd.from_torch mx.nd.NDArray mx.autograd.record mx.random.seed mx.cpu mx.gpu
mx.context.num_gpus NDArray.attach_grad NDArray.backward NDArray.asscalar NDArray.astype
NDArray.shape NDArray.context NDArray.mean NDArray.sum NDArray.reshape NDArray.T
NDArray.asnumpy NDArray.wait_to_read NDArray.norm NDArray.tensor NDArray.grad
""".split()
FIXTURE = {
    "schema": scan.STATUS_SCHEMA, "source": "fixture",
    "modules": ["autograd", "base", "context", "nd", "ndarray", "random", "test_utils"],
    "nd_submodules": list(scan.ND_SUBMODULES),
    # fixed, not the live table: these tests pin the report format, not what is in scope today
    "out_of_scope": {"gluon": "Gluon", "init": "mx.init", "sym": "the Symbol API"},
    "missing_modules": {"rnd": "not provided by mxcompat"},
    "names": {**{n: {"status": "supported"} for n in _SUPPORTED},
              "mx.nd.arange": {"status": "partial", "reason": "float16 with a fractional step"},
              "mx.nd.sgd_update": {"status": "untested", "reason": "no cases"},
              "mx.nd.ROIPooling": {"status": "unsupported", "reason": "not implemented"},
              "mx.nd.Correlation": {"status": "unsupported", "reason": "not implemented"}},
}

GLUON = "Gluon is outside mxcompat's scope (see docs/migration.md)"
UNKNOWN = "not part of MXNet 1.9.1's API"
NB = "notebooks/explore.ipynb"

# (status, api, uses, locations), in report order: most severe status first, then by name.
# Written by reading the corpus line by line.
EXPECTED = [
    ("unknown", "mx.nd.fast_gelu", 1, ["ops/custom_ops.py:14"]),
    ("out-of-scope", "mx.gluon", 1, ["models/gluon_net.py:3"]),
    ("out-of-scope", "mx.gluon.HybridBlock", 1, ["models/gluon_net.py:7"]),
    ("out-of-scope", "mx.gluon.Trainer", 1, ["models/gluon_net.py:21"]),
    ("out-of-scope", "mx.gluon.loss.SoftmaxCrossEntropyLoss", 1, ["models/gluon_net.py:22"]),
    ("out-of-scope", "mx.gluon.nn", 1, ["models/gluon_net.py:4"]),
    ("out-of-scope", "mx.gluon.nn.Dense", 2, ["models/gluon_net.py:11",
                                               "models/gluon_net.py:12"]),
    ("out-of-scope", "mx.init.Xavier", 1, ["models/gluon_net.py:20"]),
    ("out-of-scope", "mx.sym.Variable", 1, ["models/gluon_net.py:23"]),
    ("unsupported", "mx.nd.Correlation", 1, ["ops/custom_ops.py:10"]),
    ("unsupported", "mx.nd.ROIPooling", 1, ["ops/custom_ops.py:6"]),
    ("partial", "mx.nd.arange", 1, [f"{NB}:cell 3:1"]),
    ("untested", "mx.nd.sgd_update", 1, ["train_mlp.py:41"]),
    ("supported", "NDArray.T", 1, [f"{NB}:cell 3:2"]),
    ("supported", "NDArray.asnumpy", 1, [f"{NB}:cell 3:3"]),
    ("supported", "NDArray.asscalar", 5, ["lib/metrics.py:8", "lib/metrics.py:14",
                                          "lib/metrics.py:20", f"{NB}:cell 8:1",
                                          "train_mlp.py:42"]),
    ("supported", "NDArray.astype", 1, ["lib/preprocess.py:20"]),
    ("supported", "NDArray.attach_grad", 1, ["train_mlp.py:16"]),
    ("supported", "NDArray.backward", 1, ["train_mlp.py:39"]),
    ("supported", "NDArray.context", 1, ["lib/preprocess.py:21"]),
    ("supported", "NDArray.mean", 2, ["lib/metrics.py:8", "lib/metrics.py:14"]),
    ("supported", "NDArray.norm", 1, [f"{NB}:cell 8:1"]),
    ("supported", "NDArray.reshape", 1, [f"{NB}:cell 3:1"]),
    ("supported", "NDArray.shape", 1, ["lib/preprocess.py:21"]),
    ("supported", "NDArray.sum", 1, ["lib/metrics.py:14"]),
    ("supported", "NDArray.tensor", 1, ["ported/bridge.py:11"]),
    ("supported", "NDArray.wait_to_read", 1, [f"{NB}:cell 6:2"]),
    ("supported", "mx.autograd.record", 1, ["train_mlp.py:36"]),
    ("supported", "mx.context.num_gpus", 1, ["train_mlp.py:30"]),
    ("supported", "mx.cpu", 1, ["train_mlp.py:30"]),
    ("supported", "mx.gpu", 1, ["train_mlp.py:30"]),
    ("supported", "mx.nd.argmax", 2, ["lib/metrics.py:8", "train_mlp.py:38"]),
    ("supported", "mx.nd.array", 2, ["train_mlp.py:32", "train_mlp.py:33"]),
    ("supported", "mx.nd.broadcast_equal", 1, ["lib/metrics.py:13"]),
    ("supported", "mx.nd.concat", 1, ["lib/preprocess.py:19"]),
    # `from mxnet.ndarray import dot` counts as a use (the import fails if the name is missing)
    ("supported", "mx.nd.dot", 4, ["lib/metrics.py:4", "lib/metrics.py:18",
                                   "train_mlp.py:22", "train_mlp.py:23"]),
    ("supported", "mx.nd.from_torch", 1, ["ported/bridge.py:12"]),
    ("supported", "mx.nd.linalg.gemm2", 1, [f"{NB}:cell 6:1"]),
    ("supported", "mx.nd.load", 1, ["lib/preprocess.py:18"]),
    ("supported", "mx.nd.mean", 2, ["lib/preprocess.py:7", "lib/preprocess.py:8"]),
    ("supported", "mx.nd.norm", 2, ["lib/metrics.py:19"]),
    ("supported", "mx.nd.one_hot", 1, ["train_mlp.py:33"]),
    ("supported", "mx.nd.ones", 1, ["ported/bridge.py:10"]),
    ("supported", "mx.nd.random.normal", 2, ["train_mlp.py:10", "train_mlp.py:12"]),
    ("supported", "mx.nd.relu", 1, ["train_mlp.py:22"]),
    ("supported", "mx.nd.save", 1, ["train_mlp.py:43"]),
    ("supported", "mx.nd.softmax_cross_entropy", 1, ["train_mlp.py:38"]),
    ("supported", "mx.nd.sqrt", 1, ["lib/preprocess.py:8"]),
    ("supported", "mx.nd.square", 1, ["lib/preprocess.py:8"]),
    ("supported", "mx.nd.topk", 2, ["lib/metrics.py:4", "lib/metrics.py:12"]),
    ("supported", "mx.nd.waitall", 1, [f"{NB}:cell 6:3"]),
    ("supported", "mx.nd.zeros", 2, ["train_mlp.py:11", "train_mlp.py:13"]),
    ("supported", "mx.random.seed", 1, ["train_mlp.py:31"]),
]
EXPECTED_ERRORS = [
    {"file": "legacy_py2.py", "line": 4,
     "message": "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?"},
    {"file": f"{NB}:cell 7", "line": 1, "message": "SyntaxError: expected ':'"},
]


@pytest.fixture
def in_corpus(monkeypatch):
    monkeypatch.chdir(CORPUS)


def _rows(rep):
    return [(e["status"], e["api"], e["count"], e["locations"]) for e in rep.apis()]


def test_corpus_exact_report(in_corpus):
    rep = scan.scan(["."], status=FIXTURE)
    assert _rows(rep) == EXPECTED
    reasons = {e["api"]: e["reason"] for e in rep.apis()}
    assert reasons["mx.gluon.nn.Dense"] == GLUON
    assert reasons["mx.sym.Variable"] == "the Symbol API is outside mxcompat's scope " \
        "(see docs/migration.md)"
    assert reasons["mx.nd.fast_gelu"] == UNKNOWN
    assert reasons["mx.nd.arange"] == "float16 with a fractional step"
    assert reasons["mx.nd.dot"] == ""
    assert rep.errors == EXPECTED_ERRORS
    assert rep.files == 9
    s = rep.summary()
    assert s["uses"] == sum(r[2] for r in EXPECTED) and s["apis"] == len(EXPECTED)
    assert s["by_status"]["out-of-scope"] == {"apis": 8, "uses": 9}
    assert s["errors"] == 2


def test_corpus_files(in_corpus):
    files = [shown for _, shown in scan.iter_files(["."])]
    assert files == ["legacy_py2.py", "lib/__init__.py", "lib/metrics.py", "lib/preprocess.py",
                     "models/gluon_net.py", NB, "ops/custom_ops.py", "ported/bridge.py",
                     "train_mlp.py"]


def test_import_styles_one_by_one(tmp_path):
    cases = {
        "import mxnet as mx\nmx.nd.exp(1)\n": ["mx.nd.exp"],
        "import mxnet\nmxnet.nd.exp(1)\nmxnet.ndarray.log(1)\n": ["mx.nd.exp", "mx.nd.log"],
        "from mxnet import nd, autograd\nnd.exp(1)\nautograd.record()\n":
            ["mx.autograd.record", "mx.nd.exp"],
        "from mxnet import ndarray as F\nF.exp(1)\n": ["mx.nd.exp"],
        "import mxnet.ndarray as F\nF.exp(1)\n": ["mx.nd.exp"],
        "from mxnet.ndarray import exp\nexp(1)\n": ["mx.nd.exp"],
        "from mxnet.ndarray import exp as e\ne(1)\ne(2)\n": ["mx.nd.exp"],
        "import mxnet as mx\nF = mx.nd\nF.exp(1)\n": ["mx.nd.exp"],
        "import mxnet.ndarray\nmxnet.ndarray.exp(1)\n": ["mx.nd.exp"],
        "from mxnet.ndarray import random as R\nR.uniform()\n": ["mx.nd.random.uniform"],
        "import mxnet as mx\nx = mx.nd.ones(3)\ny = x * 2\ny.asnumpy()\nx[0].asscalar()\n":
            ["NDArray.asnumpy", "NDArray.asscalar", "mx.nd.ones"],
        "import mxnet as mx\nclass M:\n    def __init__(self):\n        self.w = mx.nd.ones(1)\n"
        "    def f(self):\n        return self.w.asnumpy()\n": ["NDArray.asnumpy", "mx.nd.ones"],
        "import mxnet as mx\ndef f(x: mx.nd.NDArray):\n    return x.exp()\n":
            ["NDArray.exp", "mx.nd.NDArray"],
        "import mxnet as mx\nx = mx.nd.ones(3)\nx = x.asnumpy()\nx.sum()\n":
            ["NDArray.asnumpy", "mx.nd.ones"],  # x is a NumPy array after the rebinding
        "import numpy as nd\nnd.exp(1)\n": [],
        "import mxnet as mx\ndef f(mx):\n    return mx.nd.exp(1)\n": [],
        "import mxnet as mx\nprint(mx.__version__)\n": [],
    }
    for i, (src, want) in enumerate(cases.items()):
        p = tmp_path / f"case{i}.py"
        p.write_text(src)
        rep = scan.scan([str(p)], status=_real())
        assert sorted(e["api"] for e in rep.apis()) == sorted(want), src


def _real():
    return scan.load_status()


def test_formats_and_schema(in_corpus, capsys):
    assert cli_main(["scan", ".", "--format", "json", "--no-progress"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "mxcompat-scan/1"
    assert set(data) == {"schema", "mxcompat_version", "mxnet_version", "status_source",
                         "paths", "summary", "apis", "errors"}
    assert data["paths"] == ["."] and data["mxnet_version"] == "1.9.1"
    assert set(data["summary"]) == {"files", "lines", "apis", "uses", "errors", "by_status"}
    for e in data["apis"]:
        assert set(e) == {"api", "status", "reason", "count", "locations"}
        assert e["status"] in scan.STATUSES
    assert data["errors"][0]["file"] == "legacy_py2.py"

    assert cli_main(["scan", ".", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# mxcompat scan\n")
    assert "| `mx.nd.Correlation` | " in md and "| `NDArray.asscalar` | supported | 5 | " in md
    assert "- `legacy_py2.py:4`: SyntaxError" in md


def test_table_format_exact(tmp_path):
    (tmp_path / "a.py").write_text("import mxnet as mx\nx = mx.nd.ones(2)\nx.asnumpy()\n"
                                   "mx.gluon.nn.Dense(3)\nmx.nd.nope()\n")
    (tmp_path / "b.py").write_text("print 'py2'\n")
    rep = scan.scan([str(tmp_path)], status=FIXTURE)
    t = str(tmp_path)
    assert scan.format_table(rep) == (
        f"mxcompat scan: 2 files, 6 lines: 4 MXNet APIs, 4 uses\n"
        f"\n"
        f"status        api                uses  where\n"
        f"------------  -----------------  ----  -----\n"
        f"unknown       mx.nd.nope            1  {t}/a.py:5\n"
        f"                                       {UNKNOWN}\n"
        f"out-of-scope  mx.gluon.nn.Dense     1  {t}/a.py:4\n"
        f"                                       {GLUON}\n"
        f"supported     NDArray.asnumpy       1  {t}/a.py:3\n"
        f"supported     mx.nd.ones            1  {t}/a.py:2\n"
        f"\n"
        f"by status: unknown 1 (1 uses), out-of-scope 1 (1 uses), supported 2 (2 uses)\n"
        f"error: {t}/b.py:1: SyntaxError: Missing parentheses in call to 'print'. Did you "
        f"mean print(...)? (file skipped)\n")


def test_fail_on(in_corpus, capsys, tmp_path):
    assert cli_main(["scan", ".", "--fail-on", "unknown"]) == 1
    assert "--fail-on" in capsys.readouterr().err
    assert cli_main(["scan", "lib", "--fail-on", "unknown,out-of-scope"]) == 0
    np_user = tmp_path / "np_user.py"  # mx.np stays outside mxcompat's scope
    np_user.write_text("import mxnet as mx\nx = mx.np.ones((2, 3))\n")
    assert cli_main(["scan", str(np_user), "--fail-on", "unsupported"]) == 1  # out-of-scope too
    assert cli_main(["scan", str(np_user), "--fail-on", "partial", "--fail-on", "unknown"]) == 0
    capsys.readouterr()
    assert cli_main(["scan", ".", "--fail-on", "bogus"]) == 2
    assert "unknown status 'bogus'" in capsys.readouterr().err
    assert cli_main(["scan", "does-not-exist"]) == 2


def test_output_file_and_progress(in_corpus, tmp_path, capsys):
    out = tmp_path / "r.json"
    assert cli_main(["scan", ".", "--format", "json", "-o", str(out), "--progress"]) == 0
    cap = capsys.readouterr()
    assert cap.out == ""
    assert "scanning [" in cap.err and "9/9 files" in cap.err
    assert json.loads(out.read_text())["schema"] == scan.SCHEMA
    assert cli_main(["scan", ".", "--no-progress"]) == 0
    assert "scanning [" not in capsys.readouterr().err  # not a TTY, not asked for


def test_skips_vcs_venv_and_cache_dirs(tmp_path):
    code = "import mxnet as mx\nmx.nd.exp(1)\n"
    for d in (".git", "venv", ".venv", "__pycache__", ".tox", "myenv", "src"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "m.py").write_text(code)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    rep = scan.scan([str(tmp_path)], status=FIXTURE)
    assert rep.files == 1
    assert rep.apis()[0]["locations"] == [f"{tmp_path}/src/m.py:2"]


def test_bad_notebook_and_unreadable_input_are_reported(tmp_path):
    (tmp_path / "bad.ipynb").write_text("{not json")
    (tmp_path / "nul.py").write_bytes(b"import mxnet\x00\n")
    (tmp_path / "ok.py").write_text("import mxnet as mx\nmx.nd.ones(1)\n")
    rep = scan.scan([str(tmp_path)], status=FIXTURE)
    assert [e["file"].rsplit("/", 1)[1] for e in rep.errors] == ["bad.ipynb", "nul.py"]
    assert [e["api"] for e in rep.apis()] == ["mx.nd.ones"]


def test_never_executes_code(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "evil.py").write_text(
        f"import mxnet as mx\nopen({str(marker)!r}, 'w').write('x')\nmx.nd.ones(1)\n")
    scan.scan([str(tmp_path)], status=FIXTURE)
    assert not marker.exists()


# ---- the shipped status data
def _load_tool():
    spec = importlib.util.spec_from_file_location("gen_api_status",
                                                  ROOT / "tools" / "gen_api_status.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_shipped_status_data_is_fresh():
    assert scan.STATUS_FILE.exists(), "run python tools/gen_api_status.py"
    fresh = _load_tool().render()
    assert scan.STATUS_FILE.read_text() == fresh, (
        "mxcompat/data/api_status.json is stale (the op registry or the matrix report "
        "changed): run python tools/gen_api_status.py and commit it")


def test_shipped_status_facts():
    names = _real()["names"]
    assert names["mx.nd.array"]["status"] == "supported"
    assert names["NDArray.tensor"]["status"] == "supported"
    assert names["mx.test_utils.assert_almost_equal"]["status"] == "supported"
    assert names["mx.test_utils.verify_generator"]["status"] == "supported"
    assert "mx.nd.fast_gelu" not in names
    c = scan.Classifier(_real())
    # front-ends mxcompat provides: implemented, not yet listed (and tested) name by name
    assert c.path(("gluon", "nn", "Dense")).status == "untested"
    assert c.path(("init", "Xavier")).status == "untested"
    assert c.path(("gluon",)).name is None
    assert c.path(("np", "zeros")).status == "out-of-scope"
    assert c.path(("nd", "fast_gelu")).status == "unknown"
    # every stub in the registry is reported unsupported
    from mxcompat.ndarray import _op
    for key, info in _op.OPS.items():
        ns, name = key.split(".", 1)
        k = f"mx.nd.{name}" if ns == "nd" else f"mx.nd.{ns}.{name}"
        if not info.supported and k in names:
            assert names[k]["status"] == "unsupported", k


def test_registry_fallback_without_data_file():
    data = scan.build_status()  # no API surface, no matrix report: the registry decides
    assert data["source"] == "registry"
    assert data["names"]["mx.nd.array"]["status"] in ("untested", "supported")
    assert data["names"]["mx.nd.Correlation"]["status"] in ("unsupported", "untested")
    stubs = [k for k, i in __import__("mxcompat.ndarray._op", fromlist=["OPS"]).OPS.items()
             if not i.supported and k.startswith("nd.")]
    assert all(data["names"][f"mx.nd.{k[3:]}"]["status"] == "unsupported"
               for k in stubs if f"mx.nd.{k[3:]}" in data["names"])


# ---- speed
def test_ten_thousand_lines_scan_quickly(tmp_path):
    body = (CORPUS / "train_mlp.py").read_text()
    n_lines = body.count("\n")
    files = 10_000 // n_lines + 1
    for i in range(files):
        (tmp_path / f"m{i:03d}.py").write_text(body)
    t0 = time.perf_counter()
    rep = scan.scan([str(tmp_path)])
    dt = time.perf_counter() - t0
    assert rep.lines >= 10_000 and rep.files == files
    print(f"\nscanned {rep.lines} lines in {rep.files} files in {dt:.2f} s")


def test_cli_registered():
    from mxcompat.cli import build_parser
    args = build_parser().parse_args(["scan", "x"])
    assert args.func.__module__ == "mxcompat.cli_scan" and os.path.sep not in args.format
