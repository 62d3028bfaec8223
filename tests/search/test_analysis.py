from lantai.search._analysis import (
    fold,
    gram_tokens,
    query_grams,
    unigram_stream,
    word_tokens,
)


def test_gram_stream_has_one_token_per_word_character():
    folded = fold("中华人民，共和国 AB")
    assert gram_tokens(folded) == ["中华", "华人", "人民", "民", "共和", "和国", "国", "ab", "b"]


def test_traditional_and_full_width_fold_to_the_same_tokens():
    assert gram_tokens(fold("檔案ＡＢ")) == gram_tokens(fold("档案ab"))


def test_unigrams_skip_punctuation():
    assert unigram_stream(fold("中，国")) == "中 国"


def test_query_grams_of_a_run_are_its_bigrams():
    grams = query_grams("中华人民")
    assert grams.phrase == ((0, "中华"), (1, "华人"), (2, "人民"))
    assert grams.loose == ()


def test_query_grams_across_punctuation_pin_the_run_end():
    grams = query_grams("j001-ws")
    assert grams.phrase == ((0, "j0"), (1, "00"), (2, "01"), (3, "1"), (4, "ws"))


def test_single_character_query_uses_the_unigram_field():
    grams = query_grams("中")
    assert grams.phrase == () and grams.loose == ("中",)


def test_query_of_only_punctuation_is_empty():
    assert query_grams("，。!").empty


def test_words_keep_latin_and_numbers_whole():
    words = word_tokens(fold("J001-WS·2020-Y-BGS-0001 档案管理"))
    assert "j001" in words and "2020" in words and "bgs" in words
