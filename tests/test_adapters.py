"""The adapters against the real frameworks (``pytest -m adapters``): each test is skipped, with the
reason, where its framework is not installed. datatrove: ``pip install '.[adapters]'``;
py-data-juicer and nemo-curator are heavy (torch): install them in their own environment."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.adapters

DOCS = [{"id": 1, "text": "炎帝神農(nóng)氏發(fā)展"}, {"id": 2, "text": "这(zhè)是银行"},
        {"id": 3, "text": "干净的文本"}]
CLEAN = ["炎帝神農氏發展", "这是银行", "干净的文本"]


def _jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def test_datatrove_formatter_in_a_local_pipeline(tmp_path):
    pytest.importorskip("datatrove", reason="datatrove not installed (pip install 'pinzhu[adapters]')")
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
    pytest.importorskip("datatrove", reason="datatrove not installed (pip install 'pinzhu[adapters]')")
    from datatrove.data import Document

    from pinzhu.corpus.adapters.datatrove_steps import PinzhuFormatter

    # datatrove's reader (orjson) drops lone surrogates itself; a step before us might not.
    step = PinzhuFormatter()
    docs = list(step.run([Document(text="坏\ud800(huài)", id="1"), Document(text="这(zhè)", id="2")]))
    assert docs[0].text == "坏\ud800(huài)" and "lone surrogate" in docs[0].metadata["pinzhu_error"]
    assert docs[1].text == "这" and step.stats["changed"].total == 1


def test_datatrove_formatter_annotates():
    pytest.importorskip("datatrove", reason="datatrove not installed (pip install 'pinzhu[adapters]')")
    from pinzhu.corpus.adapters.datatrove_steps import PinzhuFormatter

    text = PinzhuFormatter(job="annotate", select="polyphones", brackets="full").format("银行行长")
    assert "（" in text
    with pytest.raises(ValueError, match="strip or annotate"):
        PinzhuFormatter(job="scan")


def test_data_juicer_mapper_batched():
    pytest.importorskip("data_juicer", reason="py-data-juicer not installed (heavy: try a separate venv)")
    from pinzhu.corpus.adapters.data_juicer_ops import PinzhuStripMapper

    samples = {"text": [d["text"] for d in DOCS] + [None], "id": [1, 2, 3, 4]}
    out = PinzhuStripMapper().process_batched(samples)
    assert out["text"] == [*CLEAN, None] and out["id"] == [1, 2, 3, 4]


def test_data_juicer_recipe_with_custom_operator_path(tmp_path):
    pytest.importorskip("data_juicer", reason="py-data-juicer not installed (heavy: try a separate venv)")
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
    pytest.importorskip("nemo_curator", reason="nemo-curator not installed (heavy: try a separate venv)")
    import pandas as pd
    from nemo_curator.stages.text.modifiers import Modify
    from nemo_curator.tasks import DocumentBatch

    from pinzhu.corpus.adapters.nemo_curator_modifiers import PinzhuModifier

    df = pd.DataFrame({"id": [1, 2, 3, 4], "text": [*(d["text"] for d in DOCS), None]})
    out = Modify(PinzhuModifier(), input_fields="text").process(DocumentBatch(dataset_name="t", data=df))
    got = out.to_pandas()["text"].tolist()
    assert got[:3] == CLEAN and pd.isna(got[3])
