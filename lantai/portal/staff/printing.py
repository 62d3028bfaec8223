"""Printed forms as files: one :class:`~lantai.describing.forms.PrintedForm`, as XLSX or PDF.

Decisions:

- **PDF by WeasyPrint** from one print template (``portal/printed_form.html``): A4 (landscape
  for lists), the header row repeated on every page, 第 N 页，共 M 页 in the footer, the
  signature lines as boxes under the table. The fonts are the system's (Noto CJK, installed by
  ``scripts/system-deps``); nothing is fetched while rendering (no ``base_url``, no URL
  fetcher for remote resources).
- WeasyPrint is a base dependency but needs the Pango library from the system; where it is
  missing the page says so in one line and offers the XLSX, instead of failing.
- A PDF of more than :data:`PDF_MAX_ROWS` rows is refused with a message pointing to the XLSX:
  a layout of hundreds of pages would hold a worker for minutes. The XLSX streams any length.
"""

from __future__ import annotations

from itertools import islice
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext

from lantai.describing.forms import PrintedForm, as_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MAX_ROWS = 3000
FORMATS = ("xlsx", "pdf")


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"printed forms fetch nothing: {url}")


def pdf_bytes(form: PrintedForm, rows: list) -> bytes:
    """The form rendered by WeasyPrint (ImportError/OSError where it or Pango is missing)."""
    from weasyprint import HTML

    html = render_to_string("portal/printed_form.html", {"form": form, "rows": rows})
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def form_file(request: HttpRequest, form: PrintedForm, fmt: str, stem: str) -> HttpResponseBase:
    """The form as an attachment named ``stem.xlsx`` / ``stem.pdf``."""
    if fmt not in FORMATS:
        raise Http404
    if fmt == "xlsx":
        return FileResponse(
            as_xlsx(form), as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX
        )
    rows = list(islice(form.rows, PDF_MAX_ROWS + 1))
    # Stop the rows' generator now: it may hold a server-side cursor (PostgreSQL), which must
    # be closed inside this request's transaction, not whenever it is garbage-collected.
    close = getattr(form.rows, "close", None)
    if close is not None:
        close()
    if len(rows) > PDF_MAX_ROWS:
        message = gettext("超过 %(max)s 行的表格不生成 PDF：请缩小筛选范围，或下载 XLSX 后打印") % {
            "max": PDF_MAX_ROWS
        }
        return _refused(request, form, message, 413)
    try:
        content = pdf_bytes(form, rows)
    except (ImportError, OSError):
        message = gettext(
            "本机不能生成 PDF（需要 WeasyPrint 和系统库 Pango，见 README）：请下载 XLSX 后打印"
        )
        return _refused(request, form, message, 503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stem)}.pdf"
    return response


def _refused(request: HttpRequest, form: PrintedForm, message: str, status: int) -> HttpResponse:
    back = request.get_full_path().rsplit(".pdf", 1)
    xlsx = ".xlsx".join(back) if len(back) == 2 else ""
    return render(
        request,
        "portal/printed_refused.html",
        {"form": form, "message": message, "xlsx": xlsx},
        status=status,
    )
