import json

from lantai.text.command import main


def test_json_output_is_one_document_with_the_documented_keys(tmp_path, capsys):
    path = tmp_path / "n.txt"
    path.write_bytes("关于档案工作的通知\n记者 张三\n2020年3月3日发布。".encode("gbk"))
    assert main([str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"title", "date", "authors", "source", "body", "script", "encoding", "reason"} <= set(
        data
    )
    assert (data["title"], data["date"], data["authors"]) == (
        "关于档案工作的通知",
        "2020-03-03",
        ["张三"],
    )


def test_human_output_uses_chinese_labels(tmp_path, capsys):
    path = tmp_path / "n.txt"
    path.write_text("關於檔案工作的通知\n正文。", encoding="big5")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "题名：關於檔案工作的通知" in out
    assert "字体：繁体" in out


def test_missing_file_exits_non_zero_with_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "absent.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "absent.txt" in err


def test_empty_result_still_succeeds_and_says_why(tmp_path, capsys):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40)
    assert main([str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reason"]
