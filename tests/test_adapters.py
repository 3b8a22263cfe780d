"""The adapters against the real frameworks (``pytest -m adapters``): each test is skipped, with the
reason, where its framework is not installed, and fails where it is installed but does not import
(py-data-juicer 1.6.1 imports aiohttp without declaring it: a skip would hide that). datatrove:
``pip install '.[adapters]'``; py-data-juicer and nemo-curator are heavy (torch): install them in
their own environment (docs/corpus.md)."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.adapters

DOCS = [{"id": 1, "text": "炎帝神農(nóng)氏發(fā)展"}, {"id": 2, "text": "这(zhè)是银行"},
        {"id": 3, "text": "干净的文本"}]
CLEAN = ["炎帝神農氏發展", "这是银行", "干净的文本"]


HEAVY = "heavy: install it in its own virtualenv, docs/corpus.md"


def need(dist: str, *modules: str, hint: str = HEAVY) -> Any:
    """Import ``modules`` (the last one is returned). Skip where the distribution ``dist`` is not
    installed; where it is, an import that breaks fails the test with its error."""
    try:
        metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{dist} not installed ({hint})")
    mod = None
    for name in modules:
        try:
            mod = importlib.import_module(name)
        except Exception as e:
            pytest.fail(f"{dist} {metadata.version(dist)} is installed but `import {name}` fails: "
                        f"{type(e).__name__}: {e}", pytrace=False)
    return mod


def test_need_skips_a_missing_package_and_fails_a_broken_one():
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        need("pinzhu-no-such-distribution", "json")
    with pytest.raises(pytest.fail.Exception, match=r"pytest .* is installed but `import pinzhu_no_such_module` fails"):
        need("pytest", "pinzhu_no_such_module")
    assert need("pytest", "json") is json


def _jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def test_datatrove_formatter_in_a_local_pipeline(tmp_path):
    need("datatrove", "datatrove", "pinzhu.corpus.adapters.datatrove_steps", hint="pip install 'pinzhu[adapters]'")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from pinzhu.corpus.adapters.datatrove_steps import PinzhuFormatter

    _jsonl(tmp_path / "in.jsonl", DOCS)
    LocalPipelineExecutor(pipeline=[
        JsonlReader(str(tmp_path), glob_pattern="in.jsonl"),
        PinzhuFormatter(),
        JsonlWriter(str(tmp_path / "out"), compression=None),
    ], tasks=1, logging_dir=str(tmp_path / "logs")).run()
    out = [json.loads(line) for f in sorted((tmp_path / "out").glob("*.jsonl"))
           for line in f.read_text(encoding="utf-8").splitlines()]
    assert [d["text"] for d in out] == CLEAN


def test_datatrove_formatter_keeps_a_bad_document():
    need("datatrove", "datatrove", "pinzhu.corpus.adapters.datatrove_steps", hint="pip install 'pinzhu[adapters]'")
    from datatrove.data import Document

    from pinzhu.corpus.adapters.datatrove_steps import PinzhuFormatter

    # datatrove's reader (orjson) drops lone surrogates itself; a step before us might not.
    step = PinzhuFormatter()
    docs = list(step.run([Document(text="坏\ud800(huài)", id="1"), Document(text="这(zhè)", id="2")]))
    assert docs[0].text == "坏\ud800(huài)" and "lone surrogate" in docs[0].metadata["pinzhu_error"]
    assert docs[1].text == "这" and step.stats["changed"].total == 1


def test_datatrove_formatter_annotates():
    need("datatrove", "datatrove", "pinzhu.corpus.adapters.datatrove_steps", hint="pip install 'pinzhu[adapters]'")
    from pinzhu.corpus.adapters.datatrove_steps import PinzhuFormatter

    text = PinzhuFormatter(job="annotate", select="polyphones", brackets="full").format("银行行长")
    assert "（" in text
    with pytest.raises(ValueError, match="strip or annotate"):
        PinzhuFormatter(job="scan")


def test_data_juicer_mapper_batched():
    need("py-data-juicer", "data_juicer", "pinzhu.corpus.adapters.data_juicer_ops")
    from pinzhu.corpus.adapters.data_juicer_ops import PinzhuStripMapper

    samples = {"text": [d["text"] for d in DOCS] + [None], "id": [1, 2, 3, 4]}
    out = PinzhuStripMapper().process_batched(samples)
    assert out["text"] == [*CLEAN, None] and out["id"] == [1, 2, 3, 4]


def test_data_juicer_recipe_with_custom_operator_path(tmp_path):
    need("py-data-juicer", "data_juicer", "pinzhu.corpus.adapters.data_juicer_ops")
    dj = shutil.which("dj-process", path=str(Path(sys.executable).parent))
    if dj is None:
        pytest.skip("dj-process not found beside this Python")
    import pinzhu.corpus.adapters.data_juicer_ops as ops

    _jsonl(tmp_path / "in.jsonl", DOCS)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(f"""project_name: pinzhu-test
dataset_path: {tmp_path / 'in.jsonl'}
export_path: {tmp_path / 'out' / 'out.jsonl'}
np: 1
custom_operator_paths: ['{ops.__file__}']
process:
  - pinzhu_strip_mapper: {{}}
""", encoding="utf-8")
    r = subprocess.run([dj, "--config", str(recipe)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = [json.loads(line) for line in (tmp_path / "out" / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["text"] for d in out] == CLEAN


def test_nemo_curator_modify_stage():
    need("nemo-curator", "nemo_curator", "pinzhu.corpus.adapters.nemo_curator_modifiers")
    import pandas as pd
    from nemo_curator.stages.text.modifiers import Modify
    from nemo_curator.tasks import DocumentBatch

    from pinzhu.corpus.adapters.nemo_curator_modifiers import PinzhuModifier

    df = pd.DataFrame({"id": [1, 2, 3, 4], "text": [*(d["text"] for d in DOCS), None]})
    out = Modify(PinzhuModifier(), input_fields="text").process(DocumentBatch(dataset_name="t", data=df))
    got = out.to_pandas()["text"].tolist()
    assert got[:3] == CLEAN and pd.isna(got[3])


def test_nemo_curator_stage_over_whole_batches():
    need("nemo-curator", "nemo_curator", "pinzhu.corpus.adapters.nemo_curator_modifiers")
    import pandas as pd
    from nemo_curator.tasks import DocumentBatch

    from pinzhu.corpus.adapters.nemo_curator_modifiers import PinzhuStage

    df = pd.DataFrame({"id": [1, 2, 3, 4], "text": [*(d["text"] for d in DOCS), None]})
    stage = PinzhuStage()
    stage.setup()
    assert stage.inputs() == (["data"], ["text"]) and stage.outputs() == (["data"], ["pinzhu_error", "text"])
    out = stage.process(DocumentBatch(task_id="t0", dataset_name="t", data=df)).to_pandas()
    assert out["text"].tolist()[:3] == CLEAN and pd.isna(out["text"].tolist()[3])
    errors = out["pinzhu_error"].tolist()  # None or NaN where all went well (pandas 3 infers str)
    assert out["id"].tolist() == [1, 2, 3, 4] and all(pd.isna(e) for e in errors[:3])
    assert "not a string" in errors[3]
    read = PinzhuStage("read", tone="numbers").process(DocumentBatch(task_id="t1", dataset_name="t", data=df))
    assert read.to_pandas()["pinzhu_pinyin"].tolist()[2] == "gan1jing4 de5 wen2ben3"
