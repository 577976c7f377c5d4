"""Which evidence files are accepted: safe names, allowed types checked by content, size, description."""

from __future__ import annotations

import re
import unicodedata

import pytest

from krs_app.domain.evidence_rules import MAX_NAME_LENGTH, check_evidence, safe_file_name
from krs_app.settings import DEFAULT_ALLOWED_EXTENSIONS

ALLOWED = frozenset(DEFAULT_ALLOWED_EXTENSIONS.split(","))
MB = 1024 * 1024
LIMIT = 20 * MB

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 40

# Unicode's Bidi_Control characters: any of them can reorder how a name is displayed.
BIDI_CONTROLS = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
THAI = re.compile(r"[\u0e00-\u0e7f]")


def _check(name="รายงาน.pdf", head=PDF, size=None, max_bytes=LIMIT, description="หลักฐานการตรวจสอบบัญชี"):
    return check_evidence(name, head, len(head) if size is None else size, max_bytes, ALLOWED, description)


def _refused(result) -> str:
    assert not result.ok
    assert result.message.strip(), "a refusal must say why"
    assert THAI.search(result.message), f"the reason is shown to Thai users: {result.message!r}"
    assert result.safe_name == "" and result.content_type == ""
    return result.message


def _is_clean(name: str) -> bool:
    return not any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in name)


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("/var/www/uploaded_files/รายงาน.pdf", "รายงาน.pdf"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("  รายงานผลการตรวจสอบ.pdf  ", "รายงานผลการตรวจสอบ.pdf"),
    ],
)
def test_path_parts_are_dropped_from_the_name(given, expected):
    assert safe_file_name(given) == expected


@pytest.mark.parametrize("given", ["", None, "   ", "..", "...", "/", "C:\\", "../", "\x00\x01"])
def test_a_name_with_nothing_left_gets_a_placeholder(given):
    name = safe_file_name(given)
    assert name == "file"


@pytest.mark.parametrize(
    "given",
    [
        "a\x00b.pdf",
        "line\nbreak.pdf",
        "tab\there.pdf",
        "carriage\rreturn.pdf",
        "bell\x07.pdf",
        "del\x7f.pdf",
        "esc\x1b[31m.pdf",
    ],
)
def test_c0_control_characters_are_removed(given):
    name = safe_file_name(given)
    assert _is_clean(name), repr(name)
    assert name.endswith(".pdf")


@pytest.mark.parametrize("given", ["next\x85line.pdf", "csi\x9b31m.pdf", "osc\x9dtitle.pdf"])
def test_c1_control_characters_are_removed(given):
    # U+0080..U+009F are control characters too (NEL breaks a line, CSI starts a terminal escape).
    name = safe_file_name(given)
    assert _is_clean(name), repr(name)
    assert name.endswith(".pdf")


def test_the_right_to_left_override_trick_cannot_disguise_an_exe():
    # "invoice\u202Egpj.exe" is displayed as "invoiceexe.jpg" by a bidi-aware screen.
    disguised = "invoice\u202egpj.exe"
    name = safe_file_name(disguised)
    assert "\u202e" not in name
    assert name == "invoicegpj.exe"
    _refused(_check(name=disguised, head=EXE))


@pytest.mark.parametrize("mark", sorted(BIDI_CONTROLS))
def test_no_bidi_control_survives(mark):
    name = safe_file_name(f"รายงาน{mark}fdp.pdf")
    assert _is_clean(name), repr(name)
    assert name == "รายงานfdp.pdf"


def test_a_very_long_name_is_cut_but_keeps_its_extension():
    name = safe_file_name("ร" * 400 + ".pdf")
    assert len(name) == MAX_NAME_LENGTH
    assert name.endswith(".pdf")
    assert name.startswith("ร")
    accepted = _check(name="ร" * 400 + ".pdf")
    assert accepted.ok and accepted.safe_name == name


def test_a_very_long_name_without_an_extension_is_cut_too():
    name = safe_file_name("a" * 1000)
    assert len(name) == MAX_NAME_LENGTH


def test_a_short_normal_thai_name_is_kept_as_it_is():
    assert safe_file_name("สรุปรายงานผลการตรวจสอบทรัพย์สิน ข้อ 1.1.6.pdf") == "สรุปรายงานผลการตรวจสอบทรัพย์สิน ข้อ 1.1.6.pdf"


def test_decomposed_unicode_is_normalised():
    assert safe_file_name("cafe\u0301.pdf") == "caf\u00e9.pdf"


# --- content and type --------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_by_its_content():
    result = _check()
    assert result.ok, result.message
    assert result.safe_name == "รายงาน.pdf"
    assert result.content_type == "application/pdf"


def test_the_extension_is_matched_whatever_its_case():
    result = _check(name="SCAN.PDF")
    assert result.ok and result.content_type == "application/pdf"


def test_a_png_named_pdf_is_refused():
    message = _refused(_check(name="รายงาน.pdf", head=PNG))
    assert ".pdf" in message


def test_a_pdf_named_png_is_refused():
    _refused(_check(name="photo.png", head=PDF))


def test_a_real_png_is_accepted():
    result = _check(name="photo.png", head=PNG)
    assert result.ok and result.content_type == "image/png"


@pytest.mark.parametrize("name", ["setup.exe", "invoice.pdf.exe", "run.bat", "x.js", "page.html", "x.svg", "noext"])
def test_types_outside_the_allow_list_are_refused(name):
    _refused(_check(name=name, head=EXE))


def test_an_exe_disguised_with_a_trailing_dot_or_space_is_still_an_exe():
    _refused(_check(name="setup.exe.", head=EXE))
    _refused(_check(name="setup.exe ", head=EXE))


def test_an_exe_with_a_pdf_name_is_refused_by_content():
    _refused(_check(name="invoice.pdf", head=EXE))


def test_an_extension_missing_from_the_configured_list_is_refused():
    only_pdf = frozenset({"pdf"})
    result = check_evidence("photo.png", PNG, len(PNG), LIMIT, only_pdf, "รูปถ่าย")
    _refused(result)


def test_a_file_over_the_size_limit_is_refused():
    message = _refused(_check(size=LIMIT + 1))
    assert "20" in message and "MB" in message


def test_a_file_exactly_at_the_size_limit_is_accepted():
    assert _check(size=LIMIT).ok


@pytest.mark.parametrize("size", [0, -1])
def test_an_empty_file_is_refused(size):
    _refused(_check(head=b"", size=size))


@pytest.mark.parametrize("description", [None, "", "   ", "\n\t"])
def test_a_description_is_required(description):
    message = _refused(_check(description=description))
    assert "คำอธิบาย" in message


def test_a_too_long_description_is_refused():
    _refused(_check(description="ก" * 301))
    assert _check(description="ก" * 300).ok


def test_a_csv_with_thai_utf8_is_accepted():
    body = "รหัส,ชื่อโรงเรียน,จำนวนนักเรียน\n1001,โรงเรียนบ้านหนองบัว,120\n".encode()
    result = _check(name="โรงเรียน.csv", head=body)
    assert result.ok, result.message
    assert result.content_type.startswith("text/csv")


def test_a_csv_whose_sample_ends_inside_a_thai_character_is_accepted():
    body = ("ก" * 2000).encode()  # 3 bytes a character
    head = body[:4096]  # cuts the last character in the middle
    assert _check(name="data.csv", head=head, size=len(body)).ok


def test_a_txt_with_nul_bytes_is_refused():
    _refused(_check(name="notes.txt", head=b"hello\x00world"))


def test_a_txt_that_is_not_utf8_is_refused():
    # TIS-620 (the old Thai code page) is not UTF-8.
    _refused(_check(name="notes.txt", head="สวัสดีครับ ทดสอบ".encode("tis-620") + b" end"))


def test_an_office_file_must_be_a_zip_inside():
    assert _check(name="แบบรายงาน.xlsx", head=b"PK\x03\x04" + b"\x00" * 30).ok
    _refused(_check(name="แบบรายงาน.xlsx", head=PDF))
