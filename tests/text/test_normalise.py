import json
import unicodedata

import opencc
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lantai.text.normalise import fold_for_search, nfkc, to_simplified
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


def test_variants_opencc_keeps_are_folded_too_alone_or_amid_other_text():
    assert to_simplified("衞生") == "卫生"
    assert to_simplified("人羣、山峯與電綫") == "人群、山峰与电线"
    assert fold_for_search("保衞黄河") == fold_for_search("保卫黄河")


_TRICKY = "档案，：（）ＡＢａ１㍿ｶﾞﾊﾟe\u0301\u1100\u1161\u11a8가각İﬁ①發展。\u3000 "


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(_TRICKY) | st.characters(exclude_categories=("Cs",)), max_size=80))
@example("档案ｶﾞﬁ（一）")
@example("e\u0301ﬁ档案")
def test_fast_nfkc_equals_unicodedata_nfkc(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)
