"""Reading an uploaded spreadsheet (.xlsx or .csv) into rows of cells, with Thai messages
for a file that cannot be read."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from itertools import islice

from krs_app.services.errors import ServiceError


def _read_csv(content: bytes, max_rows: int) -> list[list[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError("ไฟล์ CSV ต้องบันทึกเป็น UTF-8 (CSV UTF-8)") from error
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        # At most max_rows + 2 rows are read: enough to tell a file that is too long.
        return [list(row) for row in islice(csv.reader(io.StringIO(text), dialect), max_rows + 2)]
    except csv.Error as error:
        raise ServiceError("อ่านไฟล์ CSV ไม่ได้ กรุณาตรวจสอบรูปแบบไฟล์") from error


XML_DECLARATIONS_REFUSED = (
    "ไฟล์ Excel นี้มีการประกาศ DOCTYPE/ENTITY ซึ่งระบบไม่รับเพื่อความปลอดภัย กรุณาเปิดไฟล์ใน Excel แล้วบันทึกเป็น .xlsx ใหม่ก่อนนำเข้า"
)
XLSX_TOO_LARGE_INSIDE = "ไฟล์ Excel นี้เมื่อคลายการบีบอัดมีขนาดใหญ่เกินที่ระบบรับได้"
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
_XML_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!doctype", "<!entity") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _refuse_xml_declarations(content: bytes) -> None:
    """An .xlsx is a zip of XML parts; a part with a DOCTYPE or ENTITY declaration (XXE, entity
    expansion) is refused before any XML parser sees it, as is a zip that unpacks too large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
    if sum(member.file_size for member in members) > MAX_XLSX_UNPACKED_BYTES:
        raise ServiceError(XLSX_TOO_LARGE_INSIDE)
    overlap = max(len(marker) for marker in _XML_MARKERS)
    try:
        for member in members:
            with archive.open(member) as part:
                tail = b""
                read = 0
                while chunk := part.read(256 * 1024):
                    read += len(chunk)
                    if read > MAX_XLSX_UNPACKED_BYTES:
                        raise ServiceError(XLSX_TOO_LARGE_INSIDE)
                    window = (tail + chunk).lower()
                    if any(marker in window for marker in _XML_MARKERS):
                        raise ServiceError(XML_DECLARATIONS_REFUSED)
                    tail = window[-overlap:]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as error:
        raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error


def _read_xlsx(content: bytes, max_rows: int) -> list[list[object]]:
    import openpyxl

    _refuse_xml_declarations(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
    try:
        if not workbook.worksheets:
            return []
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > max_rows + 1:
                break
        return rows
    except Exception as error:
        raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
    finally:
        workbook.close()


def read_rows(filename: str, content: bytes, max_rows: int) -> list[list[object]]:
    """The first sheet of an .xlsx, or a UTF-8 .csv, as rows of cells; reading stops past
    max_rows + 1 rows, so a caller can tell a file that is too long."""
    name = filename.strip().lower()
    if name.endswith(".csv"):
        return _read_csv(content, max_rows)
    if name.endswith(".xlsx"):
        return _read_xlsx(content, max_rows)
    raise ServiceError("รองรับเฉพาะไฟล์ .xlsx หรือ .csv")


def is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_value(cell: object) -> object:
    """What a cell holds, in the form check_value reads: a number, or text."""
    if isinstance(cell, (bool, datetime)):
        return "?"  # not a number: check_value refuses it with its message
    if isinstance(cell, (int, float)):
        return cell
    return str(cell)
