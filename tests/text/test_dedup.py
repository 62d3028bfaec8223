from lantai.text.dedup import NearDuplicateIndex, fingerprint, is_near_duplicate, similarity

STORY = (
    "国务院新闻办公室今天举行新闻发布会，介绍今年以来档案事业发展情况。发布会上，有关负责人表示，"
    "全国各级档案馆持续推进档案数字化工作，馆藏档案数字化率明显提高，档案利用服务更加便捷。"
    "下一步，将进一步完善档案资源体系，加强档案安全保障，推动档案信息资源共享利用。"
)
OTHER = (
    "中央气象台今天发布寒潮预警，受强冷空气影响，北方大部地区气温将下降八到十度，"
    "局地降温幅度可达十二度以上。气象专家提醒公众注意防寒保暖，合理安排出行。"
)


def test_exact_copy_has_similarity_one():
    assert similarity(fingerprint(STORY), fingerprint(STORY)) == 1.0


def test_lightly_edited_copy_is_a_near_duplicate():
    edited = STORY.replace("今天", "27日").replace("，", ",") + "（责任编辑：王五）"
    assert is_near_duplicate(STORY, edited)


def test_traditional_copy_of_a_simplified_story_is_a_near_duplicate():
    from lantai.text.normalise import _s2t

    assert similarity(fingerprint(STORY), fingerprint(_s2t().convert(STORY))) == 1.0


def test_different_stories_are_not_near_duplicates():
    assert not is_near_duplicate(STORY, OTHER)
    assert similarity(fingerprint(STORY), fingerprint(OTHER)) < 0.1


def test_fingerprints_are_stable_across_processes():
    # BLAKE2b, not hash(): the same text always gives the same stored values.
    assert fingerprint("档案馆接收文件").mins[0] == 0x993CC0EC42AAFB19
    assert fingerprint("档案馆接收文件").digest == fingerprint("档案馆 接收，文件").digest


def test_empty_text_fingerprint_matches_nothing_but_itself():
    assert similarity(fingerprint(""), fingerprint(STORY)) == 0.0


def test_index_flags_the_earlier_capture_of_the_same_article():
    index = NearDuplicateIndex()
    index.add("a", fingerprint(STORY))
    index.add("b", fingerprint(OTHER))
    matches = index.matches(fingerprint(STORY[:-10] + "。"))
    assert [key for key, _ in matches] == ["a"]
