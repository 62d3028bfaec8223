import io
import os
import zipfile

import pytest

from lantai.text import extract, extract_bytes
from lantai.text.pipeline import sniff
from tests.text.conftest import make_text_pdf

NOTICE = "\n".join(
    [
        "关于印发档案管理办法的通知",
        "河南商报记者 张三 通讯员 李四",
        "2020年3月3日，郑州市档案局发布通知。",
    ]
)


def test_plain_gbk_text_file_gives_metadata_and_clean_body(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes((NOTICE + "\n微信图片_20200229114831").encode("gbk"))
    result = extract(path)
    assert result.title == "关于印发档案管理办法的通知"
    assert result.date == "2020-03-03"
    assert result.authors == ["张三", "李四"]
    assert result.script == "simplified"
    assert result.encoding in {"gb2312", "gb18030"}
    assert "微信图片" not in result.body
    assert "郑州市档案局" in result.organisations


def test_partial_month_day_date_is_resolved_against_the_file_name():
    result = extract_bytes("通知\n3月3日，档案局发布通知。".encode(), "20200305-notice.txt")
    assert result.date == "2020-03-03"


def test_binary_junk_named_txt_returns_empty_text_with_reason():
    result = extract_bytes(os.urandom(10_000), "junk.txt")
    assert result.body == ""
    assert "binary" in result.reason


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTAI_TEXT_MAX_BYTES", "1000")
    path = tmp_path / "big.txt"
    with path.open("wb") as out:
        out.seek(500 * 2**20 - 1)  # a sparse 500 MB file: no disk used
        out.write(b"\0")
    result = extract(path)
    assert result.body == ""
    assert "500 MiB" in result.reason and "LANTAI_TEXT_MAX_BYTES" in result.reason


def test_missing_file_returns_a_reason_not_an_exception(tmp_path):
    assert "cannot read" in extract(tmp_path / "absent.txt").reason


def test_pdf_text_layer_is_extracted():
    result = extract_bytes(make_text_pdf("Archive transfer report 2020"), "report.pdf")
    assert result.kind == "pdf"
    assert "Archive transfer report 2020" in result.body
    assert result.pages == 1


def test_encrypted_pdf_returns_empty_text_with_reason():
    result = extract_bytes(make_text_pdf("secret", encrypt_with="pw"), "locked.pdf")
    assert result.body == ""
    assert "encrypted" in result.reason


def test_damaged_pdf_returns_a_reason():
    result = extract_bytes(b"%PDF-1.7\n garbage", "broken.pdf")
    assert result.body == ""
    assert result.reason


def test_docx_paragraphs_tables_and_core_properties_are_read():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "档案移交清单"
    document.core_properties.author = "王五"
    document.add_paragraph("本批次共移交文书档案一百件。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "件号"
    table.rows[0].cells[1].text = "题名"
    out = io.BytesIO()
    document.save(out)
    result = extract_bytes(out.getvalue(), "list.docx")
    assert (result.kind, result.title, result.authors) == ("docx", "档案移交清单", ["王五"])
    assert "本批次共移交文书档案一百件。" in result.body
    assert "件号 题名" in result.body  # cells tab-separated, tab folded by clean()


def _ofd(texts: list[str]) -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "OFD.xml",
            f"<ofd:OFD {ns}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml"
            "</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        pages = "".join(
            f'<ofd:Page ID="{i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(texts))
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f"<ofd:Document {ns}><ofd:Pages>{pages}</ofd:Pages></ofd:Document>",
        )
        for i, text in enumerate(texts):
            archive.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f"<ofd:Page {ns}><ofd:Content><ofd:Layer><ofd:TextObject ID='1'>"
                f"<ofd:TextCode X='0' Y='0'>{text}</ofd:TextCode></ofd:TextObject>"
                "</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return out.getvalue()


def test_ofd_text_objects_are_read_in_page_order():
    result = extract_bytes(_ofd(["第一页档案文字", "第二页档案文字"]), "doc.ofd")
    assert result.kind == "ofd"
    assert result.body == "第一页档案文字\n第二页档案文字"
    assert result.pages == 2


def test_a_zip_that_is_not_a_document_is_reported():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "x")
    assert "container" in extract_bytes(out.getvalue(), "a.zip").reason


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"%PDF-1.4", "x.txt", "pdf"),
        (b"\x89PNG\r\n", "x", "image"),
        (b"<!DOCTYPE html><html>", "x.txt", "html"),
        ("纯文本".encode(), "x.txt", "text"),
    ],
)
def test_type_is_sniffed_from_bytes_before_the_name(head, name, kind):
    assert sniff(head, name) == kind
