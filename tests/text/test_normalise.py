import json

import opencc

from lantai.text.normalise import fold_for_search, to_simplified
from tests.text.conftest import shared_data


def test_fold_for_search_folds_script_width_and_case():
    assert fold_for_search("檔案ＡＢＣ２０２０") == "档案abc2020"


def test_to_simplified_keeps_simplified_text_unchanged():
    assert to_simplified("档案馆") == "档案馆"


def test_opencc_layer_passes_every_upstream_test_case():
    path = shared_data("opencc-tests") / "testcases_flat.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    converters: dict[str, opencc.OpenCC] = {}
    failures = []
    for case in cases:
        converter = converters.setdefault(case["config"], opencc.OpenCC(case["config"]))
        if converter.convert(case["input"]) != case["expected"]:
            failures.append(case["id"])
    assert len(cases) == 543
    assert failures == []


def test_t2s_cases_agree_with_to_simplified():
    path = shared_data("opencc-tests") / "testcases_flat.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    t2s = [c for c in cases if c["config"] == "t2s"]
    assert all(to_simplified(c["input"]) == c["expected"] for c in t2s)
