"""OFD: text objects, scanned pages (OCR of their images) and broken packages.

The OFD packages are built here: OFD.xml → Doc_0/Document.xml → Pages/Page_N/Content.xml,
images listed in Doc_0/DocumentRes.xml (``BaseLoc="Res"``) or in a page's PageRes.
"""

import io
import zipfile

import pytest

from lantai.text import extract_bytes, ocr
from lantai.text.ofd import extract_ofd
from tests.text.conftest import render_lines

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
needs_ocr = pytest.mark.skipif(
    "rapidocr" not in ocr.available_engines(), reason="rapidocr not installed (optional extra)"
)


def _png(width: int = 40, height: int = 40) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "PNG")
    return out.getvalue()


def build_ofd(pages: list[list], page_res: bool = False) -> bytes:
    """An OFD whose pages hold, in order, text (str), images (bytes) or dangling image ids (int).

    Images go to the document's DocumentRes, or with ``page_res`` to a PageRes of each page
    referenced by an absolute path.
    """
    files = {
        "OFD.xml": f"<ofd:OFD {NS} Version='1.0' DocType='OFD'><ofd:DocBody>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    }
    document_media, page_refs, next_id = [], [], 100
    for number, objects in enumerate(pages):
        content, page_media = [], []
        for obj in objects:
            next_id += 1
            if isinstance(obj, str):
                content.append(
                    f"<ofd:TextObject ID='{next_id}' Boundary='0 0 100 10' Font='1' Size='5'>"
                    f"<ofd:TextCode X='0' Y='5'>{obj}</ofd:TextCode></ofd:TextObject>"
                )
                continue
            resource = obj if isinstance(obj, int) else next_id + 1000
            content.append(
                f"<ofd:ImageObject ID='{next_id}' Boundary='0 0 210 297' ResourceID='{resource}'/>"
            )
            if isinstance(obj, bytes):
                files[f"Doc_0/Res/image_{resource}.png"] = obj
                media = (
                    f"<ofd:MultiMedia ID='{resource}' Type='Image'>"
                    f"<ofd:MediaFile>image_{resource}.png</ofd:MediaFile></ofd:MultiMedia>"
                )
                (page_media if page_res else document_media).append(media)
        res = ""
        if page_media:
            res = f"<ofd:PageRes>/Doc_0/Pages/Page_{number}/PageRes.xml</ofd:PageRes>"
            files[f"Doc_0/Pages/Page_{number}/PageRes.xml"] = (
                f"<ofd:Res {NS} BaseLoc='/Doc_0/Res'><ofd:MultiMedias>{''.join(page_media)}"
                "</ofd:MultiMedias></ofd:Res>"
            )
        files[f"Doc_0/Pages/Page_{number}/Content.xml"] = (
            f"<ofd:Page {NS}>{res}<ofd:Content><ofd:Layer ID='{number + 1}'>{''.join(content)}"
            "</ofd:Layer></ofd:Content></ofd:Page>"
        )
        page_refs.append(f"<ofd:Page ID='{number + 1}' BaseLoc='Pages/Page_{number}/Content.xml'/>")
    files["Doc_0/DocumentRes.xml"] = (
        f"<ofd:Res {NS} BaseLoc='Res'><ofd:MultiMedias>{''.join(document_media)}"
        "</ofd:MultiMedias></ofd:Res>"
    )
    files["Doc_0/Document.xml"] = (
        f"<ofd:Document {NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        f"</ofd:CommonData><ofd:Pages>{''.join(page_refs)}</ofd:Pages></ofd:Document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_text_objects_are_read_in_page_order_without_ocr():
    data = build_ofd([["关于档案移交工作的通知", "各有关单位："], ["特此通知。"]])
    result = extract_bytes(data, "通知.ofd")
    assert (result.kind, result.pages) == ("ofd", 2)
    assert result.body == "关于档案移交工作的通知\n各有关单位：\n特此通知。"
    assert result.ocr_engine is None


@needs_ocr
def test_scanned_pages_are_ocred_with_page_numbers():
    data = build_ofd([[render_lines(["档案移交清单"]), _png()], [render_lines(["第二條從事檔案"])]])
    result = extract_bytes(data, "扫描件.ofd")
    assert result.body == "档案移交清单\n第二條從事檔案"
    assert [(line.page, line.text) for line in result.ocr_lines] == [
        (1, "档案移交清单"),
        (2, "第二條從事檔案"),
    ]
    assert (result.ocr_engine, result.pages, result.reason) == ("rapidocr", 2, None)


@needs_ocr
def test_mixed_ofd_keeps_text_pages_and_ocrs_scans_from_page_resources():
    data = build_ofd(
        [["第一页的正文是文字对象"], [render_lines(["第二页是扫描件"])]], page_res=True
    )
    result = extract_ofd(data, ocr_timeout=60)
    assert result.body == "第一页的正文是文字对象\n第二页是扫描件"
    assert [line.page for line in result.ocr_lines] == [2]


def test_missing_image_gives_empty_text_and_a_reason_naming_the_page():
    result = extract_bytes(build_ofd([[], [7]]), "缺图.ofd")
    assert result.body == ""
    assert result.reason == "page 2: image resource 7 is missing from the OFD"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\0" * 60,  # a zip header and nothing else
        build_ofd([["正文"]])[:-40],  # truncated: the central directory is cut
    ],
)
def test_corrupt_package_gives_empty_text_and_a_reason(data):
    result = extract_ofd(data)
    assert result.body == ""
    assert result.reason.startswith("unreadable OFD")


def test_package_without_its_document_gives_a_reason():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "OFD.xml", f"<ofd:OFD {NS}><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:OFD>"
        )
    result = extract_ofd(out.getvalue())
    assert result.body == ""
    assert result.reason == (
        "unreadable OFD: KeyError: There is no item named 'Doc_0/Document.xml' in the archive"
    )
