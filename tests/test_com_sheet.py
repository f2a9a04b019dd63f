"""IEEE MATLAB COM configuration sheets: the 802.3ck sheets import to the shipped presets, in
strict and transitional .xlsx and in .xls; MATLAB values parse as MATLAB reads them; what is
missing, malformed or not modelled is named.

No official sheet is on this machine, so the tests write workbooks themselves: the rows of the
802.3ck "3ck_SA" KR/CR/C2C sheets as REFERENCE §5.3 lists them, laid out as the official
sheets are (a "Parameter | Setting | Units | Information" table, an I/O-control block without a
header, and a second headed table), in three containers: strict OOXML (the official 802.3ck
sheets' flavour), transitional OOXML, and BIFF8 (.xls, the older sheets' format).
"""

from __future__ import annotations

import dataclasses
import struct
import zipfile
from xml.sax.saxutils import escape

import numpy as np
import pytest

from sigint.com import load_params, load_preset
from sigint.com.sheet import (
    SheetWarning,
    load_sheet,
    parse_matlab_array,
    read_sheet,
)
from sigint.errors import ConfigError

# ---------------------------------------------------------------------------------------------
# The 802.3ck sheets (REFERENCE §5.3), as rows of the three blocks of a COM_Settings sheet
# ---------------------------------------------------------------------------------------------

KR_TABLE_93A_1 = [  # block 1: "Parameter | Setting | Units | Information"
    ("f_b", 53.125, "GBd"),
    ("f_min", 0.05, "GHz"),
    ("Delta_f", 0.01, "GHz"),
    ("C_d", "[1.2e-4 1.2e-4]", "nF"),
    ("L_s", "[0.12 0.12]", "nH"),
    ("C_b", "[0.3e-4 0.3e-4]", "nF"),
    ("z_p select", "[1 2]", ""),
    ("z_p (TX)", "[12 31; 1.8 1.8]", "mm"),
    ("z_p (NEXT)", "[12 29; 1.8 1.8]", "mm"),
    ("z_p (FEXT)", "[12 31; 1.8 1.8]", "mm"),
    ("z_p (RX)", "[12 29; 1.8 1.8]", "mm"),
    ("C_p", "[0.87e-4 0.87e-4]", "nF"),
    ("R_0", 50, "Ohm"),
    ("R_d", "[50 50]", "Ohm"),
    ("A_v", 0.413, "V"),
    ("A_fe", 0.413, "V"),
    ("A_ne", 0.608, "V"),
    ("L", 4, ""),
    ("M", 32, ""),
    ("N_b", 12, "UI"),
    ("b_max(1)", 0.85, ""),
    ("b_max(2..N_b)", "[0.3 0.2*ones(1,5) 0.1*ones(1,5)]", ""),
    ("b_min(1)", 0.3, ""),
    ("b_min(2..N_b)", "[0.05 -0.03*ones(1,10)]", ""),
    ("g_DC", "[-20:1:0]", "dB"),
    ("f_z", 21.25, "GHz"),
    ("f_p1", 21.25, "GHz"),
    ("f_p2", 53.125, "GHz"),
    ("g_DC_HP", "[-6:1:0]", "dB"),
    ("f_HP_PZ", 0.6640625, "GHz"),
    ("c(0)", 0.54, ""),
    ("c(-1)", "[-0.34:0.02:0]", ""),
    ("c(-2)", "[0:0.02:0.12]", ""),
    ("c(-3)", "[-0.06:0.02:0]", ""),
    ("c(1)", "[-0.2:0.02:0]", ""),
    ("sigma_RJ", 0.01, "UI"),
    ("A_DD", 0.02, "UI"),
    ("eta_0", 8.2e-9, "V^2/GHz"),
    ("SNR_TX", 33, "dB"),
    ("R_LM", 0.95, ""),
    ("DER_0", 1e-4, ""),
    ("f_r", 0.75, "*fb"),
]
KR_IO_CONTROL = [  # block 2: "I/O control", no header row
    ("DIAGNOSTICS", 0, "logical"),
    ("DISPLAY_WINDOW", 0, "logical"),
    ("CSV_REPORT", 1, "logical"),
    ("RESULT_DIR", ".\\results\\KR_{date}\\", ""),
    ("SAVE_FIGURES", 0, "logical"),
    ("Port Order", "[1 3 2 4]", ""),
    ("RUNTAG", "KR_", ""),
    ("COM_CONTRIBUTION", 0, "logical"),
    ("Local Search", 2, ""),
    ("T_r", 7.5e-3, "ns"),
    ("FORCE_TR", True, "logical"),
    ("COM Pass threshold", 3, "dB"),
    ("ERL Pass threshold", 9.7, "dB"),
    ("ERL", 1, "logical"),
    ("TDR", 1, "logical"),
    ("TR_TDR", 0.01, "ns"),  # ERL rows as the presets take them (their own sources)
    ("N", 0, "UI"),
    ("rho_x", 0.618, ""),
    ("beta_x", 0, ""),
    ("fixture delay time", "[0 0]", "s"),
    ("Tukey_Window", 1, "logical"),
]
KR_TABLE_93A_3 = [  # block 3: package, host board and floating-tap rows, with a header
    ("package_tl_gamma0_a1_a2", "[0 9.909e-4 2.772e-4]", ""),
    ("package_tl_tau", 6.141e-3, "ns/mm"),
    ("package_Z_c", "[87.5 87.5; 92.5 92.5]", "Ohm"),
    ("Include PCB", 0, "logical"),
    ("board_tl_gamma0_a1_a2", "[0 3.8206e-4 9.5909e-5]", ""),
    ("board_tl_tau", 5.79e-3, "ns/mm"),
    ("board_Z_c", 100, "Ohm"),
    ("z_bp (TX)", 110.3, "mm"),
    ("z_bp (NEXT)", 110.3, "mm"),
    ("z_bp (FEXT)", 110.3, "mm"),
    ("z_bp (RX)", 110.3, "mm"),
    ("C_0", "[0.29e-4 0.29e-4]", "nF"),
    ("C_1", "[0.19e-4 0.19e-4]", "nF"),
    ("N_bg", 3, ""),
    ("N_bf", 3, ""),
    ("N_f", 40, "UI"),
    ("bmaxg", 0.05, ""),
    ("B_float_RSS_MAX", 0.02, ""),
    ("N_tail_start", 25, "UI"),
]

CHANGES = {  # what the CR and C2C sheets change in the KR sheet
    "802.3ck-KR": {},
    "802.3ck-CR": {
        "eta_0": 9.0e-9,
        "SNR_TX": 32.5,
        "bmaxg": 0.03,
        "Include PCB": 1,
        "ERL Pass threshold": 8.25,
    },
    "802.3ck-C2C": {
        "DER_0": 1e-5,
        "eta_0": 2.0e-8,
        "g_DC_HP": "[-4:1:0]",
        "c(-3)": "[-0.04:0.02:0]",
        "c(-2)": "[0:0.02:0.10]",
        "c(-1)": "[-0.28:0.02:0]",
        "c(1)": "[-0.10:0.02:0]",
        "N_b": 6,
        "b_max(1)": 0.65,
        "b_max(2..N_b)": "[0.15 0.1 0.1 0.1 0.1]",
        "b_min(2..N_b)": "[0.05 -0.04 -0.04 -0.04 -0.04]",
        "N_bg": 0,
        "z_p (TX)": "[13 31; 1.8 1.8]",
        "z_p (FEXT)": "[13 31; 1.8 1.8]",
        "z_p (NEXT)": "[11 29; 1.8 1.8]",
        "z_p (RX)": "[11 29; 1.8 1.8]",
    },
}


def sheet_cells(preset="802.3ck-KR", change=None, drop=(), extra=()):
    """The cells {(row, col): value} of a COM_Settings sheet, laid out as the official ones."""
    change = {**CHANGES[preset], **(change or {})}
    cells = {(0, 0): "Table 93A-1 parameters", (0, 5): "I/O control", (0, 9): "Table 93A-3"}
    for col in (0, 9):
        for k, title in enumerate(("Parameter", "Setting", "Units", "Information")):
            cells[(1, col + k)] = title
    blocks = ((0, 2, KR_TABLE_93A_1 + list(extra)), (5, 1, KR_IO_CONTROL), (9, 2, KR_TABLE_93A_3))
    for col, first, rows in blocks:
        r = first
        for name, value, unit in rows:
            if name in drop:
                continue
            cells[(r, col)] = name
            cells[(r, col + 1)] = change.get(name, value)
            if unit:
                cells[(r, col + 2)] = unit
            r += 1
    return cells


# ---------------------------------------------------------------------------------------------
# Workbook writers: OOXML (strict or transitional) and BIFF8 in an OLE2 compound file
# ---------------------------------------------------------------------------------------------

STRICT = {
    "main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "r": "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "type": "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
TRANSITIONAL = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "type": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _ref(r, c):
    letters, c = "", c + 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def write_xlsx(path, cells, strict=True, shared_strings=True, sheets=("Notes", "COM_Settings")):
    """A minimal .xlsx: the cells on sheet COM_Settings (after a decoy sheet, as MATLAB COM
    reads COM_Settings by name), strings shared or inline, booleans as t="b"."""
    ns = STRICT if strict else TRANSITIONAL
    strings: list[str] = []
    rows: dict[int, list[str]] = {}
    for (r, c), v in sorted(cells.items()):
        ref = _ref(r, c)
        if isinstance(v, bool):
            xml = f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
        elif isinstance(v, (int, float)):
            xml = f'<c r="{ref}"><v>{float(v)!r}</v></c>'
        elif shared_strings:
            strings.append(v)
            xml = f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
        else:
            xml = f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        rows.setdefault(r, []).append(xml)
    sheet_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns["main"]}"><sheetData>'
        + "".join(f'<row r="{r + 1}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
        + "</sheetData></worksheet>"
    )
    decoy = (
        f'<worksheet xmlns="{ns["main"]}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        "<t>Parameter</t></is></c></row></sheetData></worksheet>"
    )
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    workbook = (
        f'<workbook xmlns="{ns["main"]}" xmlns:r="{ns["r"]}"><sheets>'
        + "".join(
            f'<sheet name="{name}" sheetId="{k + 1}" r:id="rId{k + 1}"/>'
            for k, name in enumerate(sheets)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        f'<Relationships xmlns="{PKG_RELS}">'
        + "".join(
            f'<Relationship Id="rId{k + 1}" Type="{ns["type"]}/worksheet" '
            f'Target="worksheets/sheet{k + 1}.xml"/>'
            for k in range(len(sheets))
        )
        + f'<Relationship Id="rId9" Type="{ns["type"]}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" '
            f'Type="{ns["type"]}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        zf.writestr("xl/sharedStrings.xml", f'<sst xmlns="{ns["main"]}">{sst}</sst>')
        for k, name in enumerate(sheets):
            zf.writestr(
                f"xl/worksheets/sheet{k + 1}.xml", sheet_xml if name == "COM_Settings" else decoy
            )
    return path


def _record(kind, data=b""):
    return struct.pack("<HH", kind, len(data)) + data


def _biff_string(text, lenlen):
    raw = text.encode("utf-16-le")
    return struct.pack("<H" if lenlen == 2 else "<B", len(text)) + b"\x01" + raw


def _biff8(cells, sheet="COM_Settings"):
    """A BIFF8 workbook stream: globals (BOF, one XF, BOUNDSHEET, EOF) and one worksheet."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    sheet_bof = struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6)
    xf = struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    body = b""
    for (r, c), v in sorted(cells.items()):
        if isinstance(v, bool):
            body += _record(0x0205, struct.pack("<HHHBB", r, c, 0, int(v), 0))
        elif isinstance(v, (int, float)):
            body += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
        else:
            body += _record(0x0204, struct.pack("<HHH", r, c, 0) + _biff_string(v, 2))
    n_rows = max(r for r, _ in cells) + 1
    n_cols = max(c for _, c in cells) + 1
    dims = _record(0x0200, struct.pack("<IIHHH", 0, n_rows, 0, n_cols, 0))
    sheet_stream = _record(0x0809, sheet_bof) + dims + body + _record(0x000A)

    def globals_(offset):
        boundsheet = struct.pack("<IH", offset, 0) + _biff_string(sheet, 1)
        return (
            _record(0x0809, bof)
            + _record(0x0042, struct.pack("<H", 1200))
            + _record(0x00E0, xf)
            + _record(0x0085, boundsheet)
            + _record(0x000A)
        )

    head = globals_(0)
    return globals_(len(head)) + sheet_stream


def write_xls(path, cells):
    """An .xls: the BIFF8 stream as the "Workbook" stream of a version-3 OLE2 compound file."""
    stream = _biff8(cells)
    stream += b"\x00" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    n = len(stream) // 512  # sectors 0..n-1: the stream; n: the FAT; n+1: the directory
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [*range(1, n), end, fat_sect, end]
    fat += [free] * (128 - len(fat))

    def entry(name, kind, start, size, child=free):
        raw = (name.encode("utf-16-le") + b"\x00\x00") if name else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), kind, 1, free, free, child)
            + b"\x00" * 16  # CLSID
            + struct.pack("<IQQIQ", 0, 0, 0, start, size)  # state, times, start, size
        )

    directory = entry("Root Entry", 5, end, 0, child=1) + entry("Workbook", 2, 0, len(stream))
    directory += entry("", 0, 0, 0) * 2  # two unused entries fill the sector
    directory = directory.ljust(512, b"\x00")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, n + 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", n)
        + struct.pack("<I", free) * 108
    )
    with open(path, "wb") as f:
        f.write(header + stream + struct.pack("<128I", *fat) + directory)
    return path


# ---------------------------------------------------------------------------------------------
# The sheets import to the presets, field by field
# ---------------------------------------------------------------------------------------------


def assert_same_params(got, want):
    """Every field of ``want`` equal in ``got`` (exact: the import converts decimals exactly),
    apart from the name and the source."""
    for f in dataclasses.fields(want):
        if f.name in ("name", "source"):
            continue
        if f.name == "package":
            for g in dataclasses.fields(want.package):
                assert getattr(got.package, g.name) == getattr(want.package, g.name), g.name
        else:
            assert getattr(got, f.name) == getattr(want, f.name), f.name


PRESETS_3CK = ("802.3ck-KR", "802.3ck-CR", "802.3ck-C2C")


@pytest.mark.parametrize("preset", PRESETS_3CK)
@pytest.mark.parametrize("flavour", ["strict", "transitional"])
def test_an_802_3ck_xlsx_sheet_imports_to_its_preset(tmp_path, preset, flavour):
    path = tmp_path / f"config_com_ieee8023_93a={preset}.xlsx"
    write_xlsx(
        path, sheet_cells(preset), strict=flavour == "strict", shared_strings=flavour == "strict"
    )
    p = load_sheet(path)
    assert_same_params(p, load_preset(preset))
    assert p.name == path.stem and path.name in p.source and "COM_Settings" in p.source


@pytest.mark.parametrize("preset", PRESETS_3CK)
def test_an_802_3ck_xls_sheet_imports_to_its_preset(tmp_path, preset):
    path = write_xls(tmp_path / f"config_com_ieee8023_93a={preset}.xls", sheet_cells(preset))
    assert_same_params(load_sheet(path), load_preset(preset))


def test_load_params_reads_sheets_by_extension_and_toml_otherwise(tmp_path):
    xlsx = write_xlsx(tmp_path / "kr.xlsx", sheet_cells())
    xls = write_xls(tmp_path / "kr.xls", sheet_cells())
    assert_same_params(load_params(xlsx), load_preset("802.3ck-KR"))
    assert_same_params(load_params(xls), load_preset("802.3ck-KR"))
    toml = tmp_path / "bad.toml"
    toml.write_text("a =")
    with pytest.raises(ConfigError, match="TOML"):
        load_params(toml)


def test_the_import_reports_what_it_did_with_every_row(tmp_path):
    extra = [("Foo_bar", 3, ""), ("RX_CALIBRATION", 0, "")]
    path = write_xlsx(tmp_path / "kr.xlsx", sheet_cells("802.3ck-KR", extra=extra))
    result = read_sheet(path)
    assert result.sheet == "COM_Settings"
    assert result.unknown == ("Foo_bar",)
    assert {"DIAGNOSTICS", "TDR", "RESULT_DIR", "RX_CALIBRATION"} <= set(result.ignored)
    # Include PCB = 0: the board rows are read by nobody, and say so
    assert any(s.startswith("z_bp (TX) = 110.3") for s in result.ignored)
    assert result.unmodelled == ()
    # every row the mapping reads is in the sheet, but for ERL's N_bx, Z_t and TDR_W_TXPKG
    assert sorted(s.split(":")[0] for s in result.defaults) == ["N_bx", "TDR_W_TXPKG", "Z_t"]


# ---------------------------------------------------------------------------------------------
# MATLAB values
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[-0.06:0.02:0]", [[-0.06, -0.04, -0.02, 0.0]]),
        ("-20:5:0", [[-20.0, -15.0, -10.0, -5.0, 0.0]]),
        ("[1:3]", [[1.0, 2.0, 3.0]]),
        ("[0.3 0.05]", [[0.3, 0.05]]),
        ("[12 31]", [[12.0, 31.0]]),
        ("[12, 31]", [[12.0, 31.0]]),
        ("[12 31; 1.8 1.8]", [[12.0, 31.0], [1.8, 1.8]]),
        ("[1 -2]", [[1.0, -2.0]]),
        ("[-20 : 1 : -18]", [[-20.0, -19.0, -18.0]]),
        ("0.413", [[0.413]]),
        ("8.2e-9", [[8.2e-9]]),
        ("[0.3 0.2*ones(1,2) ones(1, 2)*0.1]", [[0.3, 0.2, 0.2, 0.1, 0.1]]),
        ("[zeros(1,2) 53.125/80]", [[0.0, 0.0, 0.6640625]]),
        ("true", [[1.0]]),
        ("FALSE", [[0.0]]),
        ("[]", np.empty((1, 0))),
        ("[0:0.02:-0.1]", np.empty((1, 0))),  # an empty range, as MATLAB's
    ],
)
def test_matlab_values_parse_as_matlab_reads_them(text, expected):
    got = parse_matlab_array(text)
    assert got.shape == np.shape(expected)
    assert got.tolist() == np.asarray(expected).tolist()


def test_ranges_land_on_their_decimals_exactly():
    # -0.34 + 17·0.02 is 2.8e-17 in binary; the sheet means 0
    assert parse_matlab_array("[-0.34:0.02:0]")[0, -1] == 0.0
    assert parse_matlab_array("[0:0.02:0.1]")[0].tolist()[-1] == 0.1


@pytest.mark.parametrize(
    "text",
    ["[1 2", "[1 2]]", "[1 2; 3]", "abc", "[1 - 2]", "1:2:3:4", "eval('x')", "[1 2*ones(2,2)]"],
)
def test_what_is_not_a_matlab_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_matlab_array(text)


def test_booleans_and_scalars_map_to_fields(tmp_path):
    change = {"Include PCB": False, "Local Search": "2", "L": "4", "f_b": "53.125"}
    path = write_xlsx(tmp_path / "kr.xlsx", sheet_cells(change=change))
    p = load_sheet(path)
    assert (p.local_search, p.levels, p.f_baud_hz, p.package.host_length_m) == (2, 4, 53.125e9, 0)


# ---------------------------------------------------------------------------------------------
# Errors name the file, the row and what was expected
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ["eta_0", "z_p (RX)", "b_max(2..N_b)", "COM Pass threshold"])
def test_a_missing_required_row_is_named_with_the_file(tmp_path, row):
    path = write_xlsx(tmp_path / "kr.xlsx", sheet_cells(drop=(row,)))
    with pytest.raises(ConfigError) as err:
        load_sheet(path)
    assert err.value.key == row and err.value.source == str(path)
    assert row in str(err.value) and str(path) in str(err.value) and "required" in str(err.value)


@pytest.mark.parametrize(
    ("row", "value", "says"),
    [
        ("eta_0", "[8.2e-9", "'[' without its ']'"),
        ("eta_0", "8.2e-9 V", "number"),
        ("L", 4.5, "integer"),
        ("g_DC", "[-20 -1; 0 1]", "row vector"),
        ("c(-1)", "[-0.34 -0.3 0]", "uniform grid"),
        ("b_max(2..N_b)", "[0.3 0.2]", "N_b - 1 = 11"),
        ("R_d", "[50 55]", "equal at Tx and Rx"),
        ("z_p select", "[1 3]", "case numbers from 1 to 2"),
        ("z_p (RX)", "[12 29; 1.8 2.0]", "one length in every case"),
        ("package_Z_c", "[87.5 85; 92.5 92.5]", "same impedances at Tx and Rx"),
        ("DER_0", 0.5, "detector error ratio"),
    ],
)
def test_a_malformed_value_is_named_with_its_row_and_cell(tmp_path, row, value, says):
    path = write_xlsx(tmp_path / "kr.xlsx", sheet_cells(change={row: value}))
    with pytest.raises(ConfigError) as err:
        load_sheet(path)
    assert err.value.key.startswith(row) and says in str(err.value)
    assert str(path) in str(err.value)
    if "cell" in err.value.key:  # the value's cell: block 1 holds the sheet's values in column B
        assert "(cell B" in err.value.key or "(cell K" in err.value.key


@pytest.mark.parametrize(
    ("row", "value"),
    [("ffe_pre_tap_len", 6), ("ffe_post_tap_len", 15), ("N_qb", 6), ("MLSD", 1), ("MLSE", True)],
)
def test_an_annex_178a_sheet_is_refused_clearly(tmp_path, row, value):
    path = write_xlsx(tmp_path / "dj.xlsx", sheet_cells(extra=[(row, value, "")]))
    with pytest.raises(ConfigError, match=r"Annex 178A sheets .* are not imported yet") as err:
        load_sheet(path)
    assert err.value.key.startswith(row)


def test_annex_178a_rows_switched_off_are_inert(tmp_path):
    extra = [
        ("ffe_pre_tap_len", 0, ""),
        ("ffe_post_tap_len", 0, ""),
        ("N_qb", 0, ""),
        ("MLSD", 0, ""),
    ]
    path = write_xlsx(tmp_path / "kr.xlsx", sheet_cells(extra=extra))
    assert_same_params(load_sheet(path), load_preset("802.3ck-KR"))


@pytest.mark.parametrize(
    ("change", "extra", "says"),
    [
        ({}, [("f_HP_Z", 10.0, "GHz")], "Clause 120E"),
        ({}, [("PKG_NAME", "pkgA", "")], "named package"),
        ({"Include PCB": 2}, [], "receiver only"),
    ],
)
def test_what_sigint_cannot_represent_is_refused(tmp_path, change, extra, says):
    path = write_xlsx(tmp_path / "x.xlsx", sheet_cells(change=change, extra=extra))
    with pytest.raises(ConfigError, match=says):
        load_sheet(path)


def test_a_host_board_of_different_lengths_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "cr.xlsx", sheet_cells("802.3ck-CR", change={"z_bp (NEXT)": 72}))
    with pytest.raises(ConfigError, match="one host length"):
        load_sheet(path)


def test_a_matlab_only_option_that_changes_com_warns(tmp_path):
    extra = [("Raised_Cosine", 1, ""), ("sample_adjustment", "[-2 2]", "")]
    path = write_xlsx(tmp_path / "kr.xlsx", sheet_cells(extra=extra))
    with pytest.warns(SheetWarning, match="Raised_Cosine") as record:
        p = load_sheet(path)
    assert len(record) == 1 and "sample_adjustment" in str(record[0].message)
    assert_same_params(p, load_preset("802.3ck-KR"))
    assert [s.split(" = ")[0] for s in read_sheet(path).unmodelled] == [
        "Raised_Cosine",
        "sample_adjustment",
    ]


def test_a_repeated_row_is_refused_as_matlab_refuses_it(tmp_path):
    path = write_xlsx(tmp_path / "kr.xlsx", sheet_cells(extra=[("eta_0", 9e-9, "")]))
    with pytest.raises(ConfigError, match="one row of this name"):
        load_sheet(path)


def test_a_file_that_is_not_a_spreadsheet_is_named(tmp_path):
    path = tmp_path / "not_a_sheet.xlsx"
    path.write_text("Parameter,Setting\nf_b,53.125\n")
    with pytest.raises(ConfigError, match="an Excel workbook") as err:
        load_sheet(path)
    assert err.value.source == str(path)
    empty_zip = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ConfigError, match="no workbook part"):
        load_sheet(empty_zip)
    bad_ole = tmp_path / "bad.xls"
    bad_ole.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100)
    with pytest.raises(ConfigError, match="an Excel workbook"):
        load_sheet(bad_ole)
    with pytest.raises(ConfigError, match="readable file"):
        load_sheet(tmp_path / "missing.xlsx")


def test_a_workbook_without_a_com_table_is_named(tmp_path):
    path = write_xlsx(tmp_path / "other.xlsx", {(0, 0): "Name", (0, 1): "Value", (1, 0): "f_b"})
    with pytest.raises(ConfigError, match="'Parameter' and 'Setting'"):
        load_sheet(path)


# ---------------------------------------------------------------------------------------------
# Older (802.3bj/by-style) sheets: what they lack comes from the annex, and is reported
# ---------------------------------------------------------------------------------------------


def test_an_older_93a_sheet_uses_table_93a_3_where_it_has_no_package_rows(tmp_path):
    drop = (
        "L_s", "C_b", "g_DC_HP", "f_HP_PZ", "f_z", "f_p1", "f_p2", "c(-2)", "c(-3)",
        "b_min(1)", "b_min(2..N_b)", "ERL", "ERL Pass threshold", "TR_TDR", "N", "rho_x",
        "beta_x", "fixture delay time", "Tukey_Window",
    )  # fmt: skip
    change = {
        "f_b": 25.78125,
        "L": 2,
        "C_d": "[2.5e-4 2.5e-4]",
        "C_p": "[1.8e-4 1.8e-4]",
        "R_d": "[55 55]",
        "z_p (TX)": "[12 30]",
        "z_p (NEXT)": "[12 12]",
        "z_p (FEXT)": "[12 30]",
        "z_p (RX)": "[12 30]",
        "g_DC": "[-12:1:0]",
        "c(-1)": "[-0.18:0.02:0]",
        "c(1)": "[-0.38:0.02:0]",
        "N_b": 14,
        "b_max(1)": 1,
        "b_max(2..N_b)": 0.3,
    }
    cells = sheet_cells(change=change, drop=drop)
    # an 802.3bj sheet: no package line rows, and the older name of the host-board switch
    for (r, c), v in list(cells.items()):
        if c == 9 and r >= 2 and v in ("package_tl_gamma0_a1_a2", "package_tl_tau", "package_Z_c"):
            del cells[(r, c)], cells[(r, c + 1)]
        if v == "Include PCB":
            cells[(r, c)] = "Include PCB (table 92-13)"
    result = read_sheet(write_xlsx(tmp_path / "bj.xlsx", cells))
    p = result.params
    pkg = p.package
    assert (pkg.gamma0_per_mm, pkg.a1_sqrt_ns_per_mm, pkg.a2_ns_per_mm) == (0.0, 1.734e-3, 1.455e-4)
    assert (pkg.tau_ns_per_mm, pkg.z_c_ohm, pkg.z_rest_m) == (6.141e-3, (78.2,), ())
    assert pkg.z_p_tx_m == (12e-3, 30e-3) and pkg.z_p_next_m == (12e-3, 12e-3)
    assert pkg.c_d_f == (2.5e-13,) and pkg.l_s_h == (0.0,) and pkg.c_b_f == 0.0
    assert (p.ctle_fz_hz, p.ctle_fp1_hz, p.ctle_fp2_hz) == (
        25.78125e9 / 4,
        25.78125e9 / 4,
        25.78125e9,
    )
    assert p.g_dc2_db == (0.0,)  # one CTLE stage
    assert p.tx_cursor == 1 and len(p.tx_taps) == 2
    assert p.dfe_bmax == (1.0,) + (0.3,) * 13 and p.dfe_bmin == (-1.0,) + (-0.3,) * 13
    assert p.erl is None and p.erl_threshold_db is None  # no ERL rows: no ERL parameters
    reported = {s.split(":")[0] for s in result.defaults}
    assert reported == {
        "package_tl_gamma0_a1_a2", "package_tl_tau", "package_Z_c", "L_s", "C_b", "g_DC_HP",
        "f_z", "f_p1", "f_p2", "b_min(1)", "b_min(2..N_b)",
    }  # fmt: skip


def test_a_two_segment_package_without_package_z_c_is_refused(tmp_path):
    cells = sheet_cells()
    for (r, c), v in list(cells.items()):
        if v == "package_Z_c":
            del cells[(r, c)], cells[(r, c + 1)]
    with pytest.raises(ConfigError, match="package_Z_c"):
        load_sheet(write_xlsx(tmp_path / "kr.xlsx", cells))
