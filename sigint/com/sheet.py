"""Import of the IEEE MATLAB COM configuration spreadsheets (``config_com_ieee8023_93a=….xlsx``).

The IEEE 802.3 MATLAB COM code reads its parameters from a workbook whose sheet
``COM_Settings`` (else the first sheet) holds tables of rows "Parameter | Setting | Units |
Information", side by side (Table 93A-1 parameters, I/O control, Table 93A-3 / 92-12 parameters,
floating-tap control …). Like that code, this reader finds a row by its name (case-insensitive)
and takes the value in the cell to its right; a name found twice is an error. Settings are
numbers, booleans, text, or MATLAB arrays written as text (``"[0.3 0.05]"``, ``"[-20:1:0]"``,
``"[12 31; 1.8 1.8]"``, ``"[0.3 0.2*ones(1,5)]"``), parsed here without ``eval``
(:func:`parse_matlab_array`).

Both workbook formats are read: ``.xlsx`` with the standard library (zip + XML, transitional
*and* strict OOXML: the official 802.3ck sheets are strict, which openpyxl and pandas cannot
open) and ``.xls`` (BIFF8) with xlrd, imported on first use. The file's content decides, not
its extension.

Mapping to :class:`~sigint.com.params.ComParams` (Annex 93A sheets: 802.3bj/by/cd style and
802.3ck KR/CR/C2C style); units as the sheets give them, converted to SI exactly (decimal
shift, so ``8.2e-9`` V²/GHz becomes ``8.2e-18`` V²/Hz bit for bit):

============================================  =============================================
sheet row (unit)                              ComParams field
============================================  =============================================
f_b (GBd)                                     f_baud_hz
L, M                                          levels, samples_per_ui
DER_0                                         der0
T_r (ns) [8e-3 ns]                            rise_time_s
R_LM                                          rlm
A_v, A_fe, A_ne (V)                           a_v_v, a_fe_v, a_ne_v
R_0 (Ω); R_d (Ω, [Tx Rx])                     r0_ohm; rd_ohm (Tx = Rx required)
A_DD, sigma_RJ (UI)                           a_dd_ui, sigma_rj_ui
SNR_TX (dB); eta_0 (V²/GHz)                   snr_tx_db; eta0_v2_per_hz (× 1e-9)
f_r (× f_b)                                   f_r_fbaud
f_z, f_p1, f_p2 (GHz) [f_b/4, f_b/4, f_b]     ctle_fz_hz, ctle_fp1_hz, ctle_fp2_hz
g_DC (dB)                                     g_dc_db
g_DC_HP (dB), f_HP_PZ (GHz)                   g_dc2_db, ctle_flf_hz (both, or neither: a
                                              single-stage CTLE, g_DC2 = 0 dB)
c(-n) … c(-1), c(1) … c(m)                    tx_taps (TapGrid each), tx_cursor = n
c(0)                                          c0_min
N_b; b_max(1), b_max(2..N_b)                  len(dfe_bmax); dfe_bmax
b_min(1) [−b_max(1)], b_min(2..N_b) [−b_max]  dfe_bmin
N_bg [0], N_bf [6], N_f [N_b], bmaxg [0.2]    dfe_float_groups, _taps, _span_ui, _bmax
B_float_RSS_MAX [0], N_tail_start [0]         dfe_float_rss_max, dfe_tail_start_ui
Delta_f, f_min (GHz)                          f_step_hz, f_min_hz
Local Search [0]                              local_search
COM Pass threshold (dB)                       com_threshold_db
ERL Pass threshold (dB) [none]                erl_threshold_db (0 or absent: None)
C_d (nF), L_s (nH) [0]                        package.c_d_f, l_s_h (+ c_d_rx_f, l_s_rx_h)
C_b [0], C_p (nF, [Tx Rx], Tx = Rx)           package.c_b_f, c_p_f
z_p select [1]; z_p (TX/NEXT/FEXT/RX) (mm)    which test cases; package.z_p_*_m (1st segment)
  further rows of z_p (segments 2…)           package.z_rest_m (same in every case and end)
package_Z_c (Ω, one row per segment, [Tx Rx]) package.z_c_ohm
package_tl_gamma0_a1_a2, package_tl_tau       package.gamma0_per_mm, a1_…, a2_…, tau_ns_per_mm
Include PCB [0] (= 1: host board at both      package.host_length_m (z_bp, mm, equal for
ends), z_bp (TX/NEXT/FEXT/RX), board_Z_c,     TX/NEXT/FEXT/RX), host_z_c_ohm, host_a1_…,
board_tl_gamma0_a1_a2 (γ0 = 0), board_tl_tau, host_a2_…, host_tau_…, host_c0_f, host_c1_f
C_0 [0], C_1 [0] (nF)
ERL, TR_TDR (ns) [8e-3], N [0], N_bx [N_b],   erl (ErlParams: tr_tdr_s, n_ui (N = 0: None),
rho_x [0.618], beta_x (dB/s, as the MATLAB    n_bx_ui, rho_x, beta_x_db_per_s,
code uses it) [0], fixture delay time (s)     fixture_delay_s, tukey_window, z_t_ohm (= R_0:
[0], Tukey_Window [0], Z_t (Ω) [R_0],         None), include_tx_package); None when the sheet
TDR_W_TXPKG [0]                               has no ERL row and ERL is off
============================================  =============================================

``[…]`` is the value used when a row is absent: the MATLAB COM code's own default for that
row, which both its 802.3bj-era and its 802.3ck/dj-era versions apply; the package line rows
fall back to Table 93A-3 (γ0 = 0, a1 = 1.734e-3, a2 = 1.455e-4, τ = 6.141e-3, Z_c = 78.2 Ω,
one segment only), as the 802.3bj-era code does. Every such fallback is listed in
:attr:`SheetImport.defaults`. Every other row above is required: a sheet without it is a
:class:`~sigint.errors.ConfigError` naming the row and the file; nothing from another annex or
amendment (802.3dj) is ever filled in.

Refused with a :class:`~sigint.errors.ConfigError` (sigint cannot represent them, so the import
would not compute the sheet's COM): Annex 178A features switched on (Rx FFE via
``ffe_pre_tap_len``/``ffe_post_tap_len``, hence floating Rx FFE taps; ADC ``N_qb``; ``MLSD`` /
``MLSE``), the Clause 120E CTLE (``f_HP_Z``/``f_HP_P``, ``CTLE_type`` CL120e), named package
blocks (``PKG_NAME``, ``.START``), ``Include PCB`` = 2, different Tx and Rx values where sigint
has one (R_d, C_b, C_p, package_Z_c, board_Z_c, C_0, C_1), package segments after the first
that change between cases or ends, and a board line with γ0 ≠ 0.

Rows the reader knows but does not map are of two kinds. Report, plot, TDR-display and ICN/ILD
rows do not change COM; they are listed in :attr:`SheetImport.ignored`. MATLAB-only options
that do change COM (``Raised_Cosine``, ``sample_adjustment``, ``RX_CALIBRATION``, ``AC_CM_RMS``,
``INC_PACKAGE`` …) are accepted at their neutral value; set to anything else they are listed in
:attr:`SheetImport.unmodelled` and :func:`load_sheet` warns (:class:`SheetWarning`) once, naming
them. Rows nobody knows are collected in :attr:`SheetImport.unknown`, silently.
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from ..errors import ConfigError
from .erl import ErlParams
from .params import ComPackage, ComParams, TapGrid

Cell = str | float | bool | None

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",  # transitional
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # strict
)
_REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_SHEET_NAME = "COM_Settings"
_WORKBOOK = "an Excel workbook (.xlsx: a zip archive of XML parts; .xls: an OLE2/BIFF8 file)"


class SheetWarning(UserWarning):
    """A COM sheet sets a MATLAB COM option that sigint does not model (see the module doc)."""


@dataclass(frozen=True)
class SheetImport:
    """A COM parameter set read from a sheet, with what the reader did with every row.

    Attributes
    ----------
    params : ComParams
        The parameter set.
    path : str
        The workbook file.
    sheet : str
        The worksheet read.
    defaults : tuple of str
        Rows absent from the sheet and the value used for each (MATLAB COM's own default).
    unmodelled : tuple of str
        MATLAB-only options set to a value that changes COM and that sigint does not model.
    ignored : tuple of str
        Rows known not to change COM (reports, plots, ERL/TDR, ICN/ILD), or inert as set.
    unknown : tuple of str
        Rows this reader does not know.
    """

    params: ComParams
    path: str
    sheet: str
    defaults: tuple[str, ...] = ()
    unmodelled: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def load_sheet(path) -> ComParams:
    """A COM parameter set from an IEEE MATLAB COM configuration workbook (.xlsx or .xls).

    Parameters
    ----------
    path : str or Path
        The workbook, e.g. ``config_com_ieee8023_93a=3ck_SA_KR_08_17_2022.xlsx``.

    Returns
    -------
    ComParams
        Named after the file; ``source`` names the file and the sheet.

    Raises
    ------
    ConfigError
        The file is not a workbook, a required row is missing, a value is malformed or out of
        range, or the sheet uses a feature sigint cannot represent (see the module docstring);
        the message names the file, the row (and cell) and what was expected.

    Warns
    -----
    SheetWarning
        Once, listing the MATLAB-only options the sheet sets that sigint does not model.

    Notes
    -----
    :func:`read_sheet` returns the same parameters with the reader's notes (defaults used,
    rows ignored or unknown).
    """
    result = read_sheet(path)
    if result.unmodelled:
        warnings.warn(
            f"{result.path}: sigint does not model these MATLAB COM settings, and computes COM "
            f"without them: {'; '.join(result.unmodelled)}",
            SheetWarning,
            stacklevel=2,
        )
    return result.params


def read_sheet(path) -> SheetImport:
    """:func:`load_sheet`'s parameters with the notes of :class:`SheetImport` (no warning)."""
    path = Path(path)
    cells, sheet_name = _read_cells(path)
    rows = _Rows(_collect_rows(cells, str(path), sheet_name), str(path))
    params = _build(rows, path, sheet_name)
    return SheetImport(
        params=params,
        path=str(path),
        sheet=sheet_name,
        defaults=tuple(rows.defaults),
        unmodelled=tuple(rows.unmodelled),
        ignored=tuple(rows.ignored_names()),
        unknown=tuple(rows.unknown_names()),
    )


# ---------------------------------------------------------------------------------------------
# Workbook cells: {(row, column): value}, 0-based
# ---------------------------------------------------------------------------------------------


def _read_cells(path: Path) -> tuple[dict[tuple[int, int], Cell], str]:
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as err:
        raise ConfigError("file", str(path), f"a readable file ({err.strerror})") from None
    if head.startswith(_ZIP_MAGIC):
        return _read_xlsx(path)
    if head == _OLE2_MAGIC:
        return _read_xls(path)
    raise ConfigError("file", path.name, _WORKBOOK, str(path))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _rel_id(el) -> str | None:
    for ns in _REL_NS:
        value = el.get(f"{{{ns}}}id")
        if value is not None:
            return value
    return None


def _relationships(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, resolved target) of ``part``'s relationships (OPC, both OOXML flavours)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in zf.namelist():
        return []
    root = ElementTree.fromstring(zf.read(rels))
    out = []
    for rel in root:
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        target = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out.append((rel.get("Id", ""), rel.get("Type", ""), posixpath.normpath(target)))
    return out


def _read_xlsx(path: Path) -> tuple[dict[tuple[int, int], Cell], str]:
    source = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            return _xlsx_cells(zf, source)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as err:
        if isinstance(err, ConfigError):
            raise
        raise ConfigError("file", path.name, f"{_WORKBOOK} ({err})", source) from None


def _xlsx_cells(zf: zipfile.ZipFile, source: str):
    office = [t for _, kind, t in _relationships(zf, "") if kind.endswith("/officeDocument")]
    workbook = office[0] if office else "xl/workbook.xml"
    if workbook not in zf.namelist():
        raise ConfigError("file", Path(source).name, f"{_WORKBOOK}: no workbook part", source)
    root = ElementTree.fromstring(zf.read(workbook))
    if _local(root.tag) != "workbook" or _namespace(root.tag) not in _MAIN_NS:
        raise ConfigError(
            "file",
            Path(source).name,
            f"{_WORKBOOK}: {workbook} is not a SpreadsheetML workbook",
            source,
        )
    sheets = [s for group in _children(root, "sheets") for s in _children(group, "sheet")]
    if not sheets:
        raise ConfigError("file", Path(source).name, f"{_WORKBOOK} with a worksheet", source)
    chosen = next((s for s in sheets if s.get("name", "").lower() == _SHEET_NAME.lower()), None)
    chosen = chosen if chosen is not None else sheets[0]
    rels = _relationships(zf, workbook)
    targets = {rid: target for rid, _, target in rels}
    part = targets.get(_rel_id(chosen) or "")
    if part is None or part not in zf.namelist():
        raise ConfigError(
            "file",
            Path(source).name,
            f"{_WORKBOOK}: sheet {chosen.get('name')!r} has no part",
            source,
        )
    strings = [t for _, kind, t in rels if kind.endswith("/sharedStrings")]
    shared = _shared_strings(zf.read(strings[0])) if strings and strings[0] in zf.namelist() else []
    return _sheet_cells(zf.read(part), shared), chosen.get("name", "")


def _text(el) -> str:
    """The text of a string item (<si>, <is>): its <t>, or its runs' <t>, without phonetics."""
    parts = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in _children(child, "t"))
    return "".join(parts)


def _shared_strings(data: bytes) -> list[str]:
    return [_text(si) for si in ElementTree.fromstring(data) if _local(si.tag) == "si"]


_CELL_REF = re.compile(r"([A-Za-z]+)(\d+)")


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_cells(data: bytes, shared: list[str]) -> dict[tuple[int, int], Cell]:
    root = ElementTree.fromstring(data)
    cells: dict[tuple[int, int], Cell] = {}
    row_no = -1
    for sheet_data in _children(root, "sheetData"):
        for row in _children(sheet_data, "row"):
            row_no = int(row.get("r")) - 1 if row.get("r") else row_no + 1
            col_no = -1
            for c in _children(row, "c"):
                ref = _CELL_REF.fullmatch(c.get("r", ""))
                col_no = _column_index(ref.group(1)) if ref else col_no + 1
                value = _xlsx_value(c, shared)
                if value is not None and value != "":
                    cells[(row_no, col_no)] = value
    return cells


def _xlsx_value(c, shared: list[str]) -> Cell:
    kind = c.get("t", "n")
    v = next((x.text for x in c if _local(x.tag) == "v"), None)
    if kind == "inlineStr":
        items = _children(c, "is")
        return _text(items[0]) if items else None
    if v is None:
        return None
    if kind == "s":
        return shared[int(v)]
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind in ("str", "e", "d"):
        return v
    return float(v)


def _read_xls(path: Path) -> tuple[dict[tuple[int, int], Cell], str]:
    try:
        import xlrd
    except ImportError:  # pragma: no cover - xlrd is a declared dependency
        raise ConfigError(
            "file",
            path.name,
            "xlrd installed to read .xls workbooks (pip install xlrd)",
            str(path),
        ) from None
    try:
        book = xlrd.open_workbook(str(path), logfile=io.StringIO())
    except Exception as err:  # xlrd raises many kinds on a damaged file
        raise ConfigError("file", path.name, f"{_WORKBOOK} ({err})", str(path)) from None
    names = book.sheet_names()
    if not names:
        raise ConfigError("file", path.name, f"{_WORKBOOK} with a worksheet", str(path))
    name = next((n for n in names if n.lower() == _SHEET_NAME.lower()), names[0])
    sheet = book.sheet_by_name(name)
    cells: dict[tuple[int, int], Cell] = {}
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or value == "":
                continue
            if kind == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif kind == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(value, "#ERROR")
            elif kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
                value = float(value)
            cells[(r, c)] = value
    return cells, name


# ---------------------------------------------------------------------------------------------
# MATLAB values
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?[Ii]nf")
_FILL = re.compile(r"(ones|zeros)\((\d+)(?:,(\d+))?\)")


def parse_matlab_array(text: str) -> np.ndarray:
    """A MATLAB numeric literal, as the COM sheets write them, as a 2-D float array.

    Understood: numbers (``1.2e-4``, ``Inf``), ``true``/``false``, row vectors and matrices
    (``[12 31; 1.8 1.8]``, commas or spaces between elements), ranges ``a:b`` and ``a:step:b``
    (inside brackets or not), and ``x*ones(1,n)`` / ``ones(1,n)*x`` / ``zeros(1,n)`` elements
    with ``*`` and ``/`` by numbers. Nothing is evaluated.

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    ndarray
        float64[rows, columns]; a scalar is 1×1, ``[]`` is 1×0.

    Raises
    ------
    ValueError
        Anything else (unbalanced brackets, rows of different lengths, unknown names).

    Examples
    --------
    >>> parse_matlab_array("[-0.06:0.02:0]").tolist()
    [[-0.06, -0.04, -0.02, 0.0]]
    >>> parse_matlab_array("[12 31; 1.8 1.8]").shape
    (2, 2)
    >>> parse_matlab_array("[0.3 0.2*ones(1,2)]").tolist()
    [[0.3, 0.2, 0.2]]
    """
    s = text.strip()
    if s.lower() in ("true", "false"):
        return np.array([[1.0 if s.lower() == "true" else 0.0]])
    if s.startswith("["):
        if not s.endswith("]"):
            raise ValueError("a '[' without its ']'")
        s = s[1:-1]
    if "[" in s or "]" in s:
        raise ValueError("nested or unbalanced brackets")
    rows = []
    for row in s.split(";"):
        values: list[float] = []
        for element in _elements(row):
            values.extend(_element(element))
        if values or row.strip():
            rows.append(values)
    if not rows:
        return np.empty((1, 0))
    if len({len(r) for r in rows}) > 1:
        raise ValueError(f"rows of different lengths ({', '.join(str(len(r)) for r in rows)})")
    return np.array(rows, dtype=float)


def _elements(row: str) -> list[str]:
    """Split a matrix row at commas and blanks outside parentheses (``a : b`` is one element)."""
    row = re.sub(r"\s*([:*/])\s*", r"\1", row.strip())
    out, current, depth = [], "", 0
    for ch in row:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if depth == 0 and (ch.isspace() or ch == ","):
            if current:
                out.append(current)
            current = ""
        elif not (depth > 0 and ch.isspace()):
            current += ch
    if depth != 0:
        raise ValueError("unbalanced parentheses")
    return out + ([current] if current else [])


def _decimal(token: str) -> Decimal:
    if not _NUMBER.fullmatch(token):
        raise ValueError(f"{token!r} is not a number")
    return Decimal(token.lower().replace("inf", "Infinity"))


def _element(element: str) -> list[float]:
    if ":" in element:
        parts = element.split(":")
        if len(parts) not in (2, 3):
            raise ValueError(f"{element!r} is not a range a:b or a:step:b")
        start, stop = _decimal(parts[0]), _decimal(parts[-1])
        step = _decimal(parts[1]) if len(parts) == 3 else Decimal(1)
        if not (start.is_finite() and stop.is_finite() and step.is_finite()):
            raise ValueError(f"{element!r} has a bound that is not finite")
        if step == 0 or (stop - start) * step < 0:
            return []
        n = int((stop - start) / step) + 1  # exact: decimal arithmetic, as the sheet reads
        return [float(start + k * step) + 0.0 for k in range(n)]
    tokens = re.split(r"([*/])", element)
    vector: list[float] | None = None
    scale = Decimal(1)
    for i in range(0, len(tokens), 2):
        op = tokens[i - 1] if i else "*"
        fill = _FILL.fullmatch(tokens[i])
        if fill:
            rows, cols = int(fill.group(2)), int(fill.group(3) or fill.group(2))
            if op != "*" or vector is not None or min(rows, cols) > 1:
                raise ValueError(f"{element!r}: only one ones/zeros(1,n) factor is understood")
            vector = [1.0 if fill.group(1) == "ones" else 0.0] * (rows * cols)
            continue
        value = _decimal(tokens[i])
        scale = scale * value if op == "*" else scale / value
    if vector is None:
        return [float(scale)]
    return [float(Decimal(repr(v)) * scale) + 0.0 for v in vector]


def _si(value: float, factor: str) -> float:
    """``value`` × ``factor`` (a power of ten), exactly as the decimal the sheet shows."""
    if not np.isfinite(value):
        return float(value)
    return float(Decimal(repr(float(value))) * Decimal(factor)) + 0.0


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


@dataclass
class _Row:
    name: str
    value: Cell
    cell: str  # the value's cell, e.g. "B12"
    used: bool = False

    @property
    def key(self) -> str:
        return f"{self.name} (cell {self.cell})"


def _names(text: str) -> frozenset[str]:
    """Lower-case row names from a "; "-separated list."""
    return frozenset(n.strip().lower() for n in text.split(";") if n.strip())


# Rows that do not change COM: reports, plots, file handling, ERL/TDR, ICN/ILD and C2M (VEC)
# metrics, numerical controls of the MATLAB code; then Annex 178A tuning rows, inert unless
# their feature is switched on (and refused then).
_IGNORED = _names(
    """
DIAGNOSTICS; DISPLAY_WINDOW; CSV_REPORT; RESULT_DIR; SAVE_FIGURES; SAVE_FIGURE_to_CSV;
SAVE_TD; SAVE_RESP; BREAD_CRUMBS; BREAD_CRUMBS_FIELDS; Display frequency domain;
COM_CONTRIBUTION; TIMESTAMP; WRITE_CSV_TRANSPOSED; DO_NOT_COMPUTE_COM; NO_COM;
exit if deployed; EXE_MODE; SAVE_KEYWORD_FILE; SAVE_CONFIG2MAT; PLOT_CM; CM_MASK_REPORT;
TIME_AXIS; RUNTAG; FT_COOP; WC_PORTZ; USE_EXTERNAL_PARAM; Dynamic TXFFE;
FloatingDFE_Development; COM Version; TDR; ERL; ERL_ONLY; Report_Modal_ERL; SHOW_BRD; T_k;
Grr_limit; TDR_f_BT_3db; BTorder; zero_pad_tukey_window_in_fb; VEC Pass threshold;
Histogram_Window_Weight; sigma_r; Qr; QL; samples_for_C2M; f_v; f_f; f_n; f_1; f_2;
f_2_ILD; A_ft; A_nt; N_v; D_p; N_p; delta_IL; COMPUTE_RILN; COMPUTE_TDILN;
fraction_of_F_range_start_extrap_from; S-parameter magnitude extrapolation policy;
S-parameter phase extrapolation policy; Impulse response truncation threshold;
Impulse response truncatio threshold; Force PDF bin size; PDF bin size; ZERO_PAD;
Optimize_loop_speed_up; Sigma BBN step; BBN Q factor; Force BBN Q factor;
Use simple error propagation model; Max burst length calculated;
Error propagation COM margin; TDECQ; DER_CDR; P_peak; Clip Method; skew_ps; imb_Z_fctr;
imb_C_fctr; flip; PSDRXCAL; RIT_REF_PTR; SNDR_REF; preset_txffe; ACCM_MAX_Freq;
T_r_meas_point; T_r_filter_type; flim; kappa1; kappa2; CTLE_type; ffe_tap_step_size;
ffe_main_cursor_min; ffe_pre_tap1_max; ffe_post_tap1_max; ffe_tapn_max; ffe_backoff;
num_ui_RXFF_noise; RXFFE FLOAT CTL; RXFFE TAP CONSTRAINT; FFE_OPT_METHOD; Do_XT_Noise;
FFE_SNR; Do_Colored_Noise; Do_White_Noise; TS_SRCH_MODE; P_qc; add_rx_noise; trunc; N_tc;
Q_budget_adj; S_tn_w_AM; Q; RC_Start; RC_end; EH_max; Enforce Causality REL_TOL;
Enforce Causality DIFF_TOL; Enforce Causality pulse start tolerance
"""
)

# MATLAB-only options that change COM, with the settings at which sigint computes the same COM.
# fmt: off
_NEUTRAL: dict[str, tuple[object, ...]] = {
    "inc_package": (1,), "ideal_tx_term": (0,), "ideal_rx_term": (0,), "include_ctle": (1,),
    "include_tx_rx_filter": (1,), "raised_cosine": (0,), "bessel_thomson": (0,),
    "butterworth": (1,), "rx_calibration": (0,), "ac_cm_rms": (0,), "enforce causality": (0,),
    "ts_anchor": (0,), "sample_adjustment": ((0, 0), (0,)), "cdr": ("MM",),
    "port order": ((1, 3, 2, 4),), "txpskew": (0,), "txnskew": (0,), "rxpskew": (0,),
    "rxnskew": (0,), "n_b_step": (0,), "gdc_min": (0,), "g_qual": ((),), "g2_qual": ((),),
    "c_v": (0, (0, 0)), "t_o": (0,), "t_h": (0,), "pmd_type": ("C2C",), "phy": ("C2C",),
    "tdmode": (0,), "eh_min": (0,), "eh_min_test": (0,), "min_veo_test": (0,),
    "force_tr": (1,), "pkg_tx_ffe_preset": (0,), "snr_txwc0": (0,), "use_eta0_psd": (0,),
    "limit_jitter_contrib_to_dfe_span": (0,), "noise_crest_factor": (0,), "crusor_gain": (0,),
    "f_hp": (0,), "inc_reflect_board": (0,), "erl_fom": (1,), "grr": (0, 1), "gx": (0,),
    "auto_tfx": (0,), "tdr_butterworth": (1,), "tdr_duration": (5,),
}
# fmt: on


class _Rows:
    """The sheet's rows by lower-case name, with what the mapping used, defaulted or ignored."""

    def __init__(self, rows: dict[str, _Row], source: str):
        self.rows = rows
        self.source = source
        self.defaults: list[str] = []
        self.unmodelled: list[str] = []
        self.flagged: set[str] = set()
        self.inert: list[str] = []

    def get(self, *names: str) -> _Row | None:
        """The first of ``names`` (aliases) present with a value."""
        for name in names:
            row = self.rows.get(name.lower())
            if row is not None:
                row.used = True
                if row.value is not None:
                    return row
        return None

    def require(self, name: str, expected: str) -> _Row:
        row = self.get(name)
        if row is None:
            raise ConfigError(
                name, "(missing)", f"a row '{name}' with {expected} (a required row)", self.source
            )
        return row

    def default(self, name: str, used: str) -> None:
        self.defaults.append(f"{name}: absent; {used}")

    def error(self, row: _Row, expected: str) -> ConfigError:
        return ConfigError(row.key, row.value, expected, self.source)

    def ignored_names(self) -> list[str]:
        known = [
            r.name
            for k, r in self.rows.items()
            if (k in _IGNORED or k in _NEUTRAL) and k not in self.flagged
        ]
        return known + self.inert

    def unknown_names(self) -> list[str]:
        return [
            r.name
            for k, r in self.rows.items()
            if not r.used and r.value is not None and k not in _IGNORED and k not in _NEUTRAL
        ]

    # value conversions -------------------------------------------------------------------

    def array(self, row: _Row, expected: str) -> np.ndarray:
        if isinstance(row.value, bool):
            return np.array([[float(row.value)]])
        if isinstance(row.value, float):
            return np.array([[row.value]])
        try:
            return parse_matlab_array(str(row.value))
        except (ValueError, InvalidOperation) as err:
            raise self.error(row, f"{expected} ({err})") from None

    def vector(self, row: _Row, expected: str) -> np.ndarray:
        a = self.array(row, expected)
        if min(a.shape) > 1:
            raise self.error(row, f"{expected}: a row vector, not a matrix")
        return a.ravel()

    def number(self, row: _Row, expected: str) -> float:
        v = self.vector(row, expected)
        if v.size != 1 or not np.isfinite(v[0]):
            raise self.error(row, f"{expected}: one finite number")
        return float(v[0])

    def integer(self, row: _Row, expected: str) -> int:
        x = self.number(row, expected)
        if not x.is_integer():
            raise self.error(row, f"{expected}: an integer")
        return int(x)


_HEADER = ("parameter", "setting")


def _known(name: str) -> bool:
    return (
        name in _MAPPED
        or name in _IGNORED
        or name in _NEUTRAL
        or name in _REFUSED
        or (_TAP.fullmatch(name) is not None)
    )


def _collect_rows(cells: dict[tuple[int, int], Cell], source: str, sheet: str) -> dict:
    """The sheet's rows: every name in a name column and the cell to its right."""

    def text(rc):
        v = cells.get(rc)
        return v.strip().lower() if isinstance(v, str) else None

    headers = [(r, c) for (r, c) in cells if text((r, c)) == _HEADER[0]]
    headers = [(r, c) for r, c in headers if text((r, c + 1)) == _HEADER[1]]
    if not headers:
        raise ConfigError(
            "sheet",
            sheet,
            "a COM configuration sheet: a header row with 'Parameter' and 'Setting' cells",
            source,
        )
    counts: dict[int, int] = {}
    for (_, c), v in cells.items():
        if isinstance(v, str) and _known(v.strip().lower()):
            counts[c] = counts.get(c, 0) + 1
    name_cols = {c for _, c in headers} | {c for c, n in counts.items() if n >= 3}
    rows: dict[str, _Row] = {}
    for (r, c), v in sorted(cells.items()):
        if c not in name_cols or not isinstance(v, str) or not v.strip():
            continue
        name = v.strip()
        key = name.lower()
        if key == _HEADER[0] and text((r, c + 1)) == _HEADER[1]:
            continue
        value = cells.get((r, c + 1))
        if isinstance(value, str):
            value = value.strip() or None
        row = _Row(name, value, f"{_column_letters(c + 1)}{r + 1}")
        if key in rows:
            if _known(key):
                raise ConfigError(
                    name,
                    f"cells {rows[key].cell} and {row.cell}",
                    "one row of this name (MATLAB COM stops on a repeated name too)",
                    source,
                )
            continue
        rows[key] = row
    return rows


# ---------------------------------------------------------------------------------------------
# Rows → ComParams
# ---------------------------------------------------------------------------------------------

_TAP = re.compile(r"c\((-?\d+)\)")

# Rows read by the mapping (lower-case), for telling them from unknown rows.
_MAPPED = _names(
    """
f_b; L; M; DER_0; T_r; R_LM; A_v; A_fe; A_ne; R_0; R_d; A_DD; sigma_RJ; SNR_TX; eta_0; f_r;
f_z; f_p1; f_p2; g_DC; g_DC_HP; f_HP_PZ; c(0); N_b; b_max(1); b_min(1); b_max(2..N_b);
b_min(2..N_b); N_bg; N_bf; N_f; N_bmax; bmaxg; B_float_RSS_MAX; N_tail_start; Delta_f;
f_min; Local Search; COM Pass threshold; ERL Pass threshold; C_d; L_s; C_b; C_p;
z_p select; z_p (TX); z_p (NEXT); z_p (FEXT); z_p (RX); package_Z_c;
package_tl_gamma0_a1_a2; package_tl_tau; Include PCB; Include PCB (table 92-13); z_bp (TX);
z_bp (NEXT); z_bp (FEXT); z_bp (RX); board_Z_c; board_tl_gamma0_a1_a2; board_tl_tau; C_0;
C_1
TR_TDR; N; N_bx; rho_x; beta_x; fixture delay time; Tukey_Window; Z_t; TDR_W_TXPKG; ERL
"""
)

_ANNEX_178A = (
    "Annex 178A sheets (Rx FFE, floating Rx FFE taps, ADC, MLSD) are not imported yet; "
    "sigint imports Annex 93A sheets"
)
# Rows whose non-zero / non-empty setting switches on what sigint cannot represent.
_REFUSED = {
    "ffe_pre_tap_len": f"0: a Rx FFE is an Annex 178A feature. {_ANNEX_178A}",
    "ffe_post_tap_len": f"0: a Rx FFE is an Annex 178A feature. {_ANNEX_178A}",
    "n_qb": f"0: ADC quantisation noise is an Annex 178A feature. {_ANNEX_178A}",
    "mlsd": f"0: MLSD is an Annex 178A feature. {_ANNEX_178A}",
    "mlse": f"0: MLSD is an Annex 178A feature. {_ANNEX_178A}",
    "f_hp_z": "no such row: the Clause 120E CTLE (CL120e) is not modelled",
    "f_hp_p": "no such row: the Clause 120E CTLE (CL120e) is not modelled",
    "pkg_name": "no such row: named package blocks (.START/.END) are not imported",
}


def _build(rows: _Rows, path: Path, sheet: str) -> ComParams:
    _refuse(rows)
    _check_neutral(rows)

    def number(name, expected, factor=None):
        x = rows.number(rows.require(name, expected), expected)
        return x if factor is None else _si(x, factor)

    def number_or(name, expected, default, used, factor=None):
        row = rows.get(name)
        if row is None:
            rows.default(name, used)
            return default
        x = rows.number(row, expected)
        return x if factor is None else _si(x, factor)

    f_baud = number("f_b", "the signalling rate in GBd", "1e9")
    bj = "MATLAB COM's default, common to 802.3bj/bm"
    fields = {
        "name": path.stem,
        "annex": "93A",
        "source": f"MATLAB COM sheet {path.name} (sheet {sheet!r})",
        "f_baud_hz": f_baud,
        "levels": rows.integer(rows.require("L", "the number of levels"), "the number of levels"),
        "samples_per_ui": rows.integer(rows.require("M", "samples per UI"), "samples per UI"),
        "der0": number("DER_0", "the detector error ratio"),
        "rise_time_s": number_or(
            "T_r", "the transition time in ns", 8e-12, "8e-3 ns (MATLAB COM's default)", "1e-9"
        ),
        "rlm": number("R_LM", "the level mismatch ratio"),
        "a_v_v": number("A_v", "the victim amplitude in V"),
        "a_fe_v": number("A_fe", "the FEXT amplitude in V"),
        "a_ne_v": number("A_ne", "the NEXT amplitude in V"),
        "r0_ohm": number("R_0", "the reference impedance in Ω"),
        "rd_ohm": _pair(rows, rows.require("R_d", "R_d in Ω ([Tx Rx])"), "R_d in Ω"),
        "a_dd_ui": number("A_DD", "the dual-Dirac jitter in UI"),
        "sigma_rj_ui": number("sigma_RJ", "the random jitter in UI"),
        "snr_tx_db": number("SNR_TX", "the Tx SNDR in dB"),
        "eta0_v2_per_hz": number("eta_0", "the noise density in V²/GHz", "1e-9"),
        "f_r_fbaud": number("f_r", "the Rx filter bandwidth in units of f_b"),
        "ctle_fz_hz": number_or("f_z", "f_z in GHz", f_baud / 4, f"f_b/4 ({bj})", "1e9"),
        "ctle_fp1_hz": number_or("f_p1", "f_p1 in GHz", f_baud / 4, f"f_b/4 ({bj})", "1e9"),
        "ctle_fp2_hz": number_or("f_p2", "f_p2 in GHz", f_baud, f"f_b ({bj})", "1e9"),
        "c0_min": number("c(0)", "the minimum Tx cursor"),
        "f_step_hz": number("Delta_f", "the frequency step in GHz", "1e9"),
        "f_min_hz": number("f_min", "the first frequency in GHz", "1e9"),
        "com_threshold_db": number("COM Pass threshold", "the COM pass limit in dB"),
    }
    local = rows.get("Local Search")
    if local is None:
        rows.default("Local Search", "0 (MATLAB COM's default: the full grid)")
    fields["local_search"] = 0 if local is None else rows.integer(local, "a search radius")
    erl = rows.get("ERL Pass threshold")
    erl_db = 0.0 if erl is None else rows.number(erl, "the ERL pass limit in dB")
    fields["erl_threshold_db"] = erl_db or None
    fields.update(_ctle(rows, f_baud))
    fields.update(_tx_taps(rows))
    fields.update(_dfe(rows))
    fields["package"] = _package(rows)
    fields["erl"] = _erl(rows, len(fields["dfe_bmax"]), fields["r0_ohm"])
    try:
        return ComParams(**fields)
    except ConfigError as err:
        row = _FIELD_ROWS.get(err.key, err.key)
        raise ConfigError(
            f"{row} (sigint's {err.key}, in SI units)", err.value, err.expected, rows.source
        ) from None


# ComParams field → sheet row, for errors from ComParams' own validation.
# fmt: off
_FIELD_ROWS = {
    "f_baud_hz": "f_b", "levels": "L", "samples_per_ui": "M", "der0": "DER_0",
    "rise_time_s": "T_r", "rlm": "R_LM", "a_v_v": "A_v", "a_fe_v": "A_fe", "a_ne_v": "A_ne",
    "r0_ohm": "R_0", "rd_ohm": "R_d", "a_dd_ui": "A_DD", "sigma_rj_ui": "sigma_RJ",
    "snr_tx_db": "SNR_TX", "eta0_v2_per_hz": "eta_0", "f_r_fbaud": "f_r", "ctle_fz_hz": "f_z",
    "ctle_fp1_hz": "f_p1", "ctle_fp2_hz": "f_p2", "ctle_flf_hz": "f_HP_PZ", "g_dc_db": "g_DC",
    "g_dc2_db": "g_DC_HP", "c0_min": "c(0)", "tx_cursor": "c(-n)", "dfe_bmin": "b_min",
    "f_step_hz": "Delta_f", "f_min_hz": "f_min", "dfe_float_span_ui": "N_f",
    "local_search": "Local Search",
}
# fmt: on


def _refuse(rows: _Rows) -> None:
    for key, expected in _REFUSED.items():
        row = rows.rows.get(key)
        if row is None or row.value is None:
            continue
        row.used = True
        if key in ("f_hp_z", "f_hp_p", "pkg_name") or np.any(rows.array(row, "a number") != 0):
            raise rows.error(row, expected)
        rows.inert.append(f"{row.name} = {row.value} (feature off)")
    ctle_type = rows.get("CTLE_type")
    if ctle_type is not None and str(ctle_type.value).strip().upper() == "CL120E":
        raise rows.error(ctle_type, "CL93 or CL120d: the Clause 120E CTLE is not modelled")
    starts = [r for k, r in rows.rows.items() if k == ".start"]
    if starts:
        raise rows.error(starts[0], "no .START package blocks (named packages not imported)")


def _same(value, neutral) -> bool:
    if isinstance(neutral, tuple):
        try:
            a = parse_matlab_array(value) if isinstance(value, str) else np.array([[value]])
        except (ValueError, InvalidOperation):
            return False
        return a.size == len(neutral) and np.allclose(a.ravel(), neutral)
    if isinstance(neutral, str):
        return "".join(str(value).split()).lower() == neutral.lower()
    try:
        v = float(value) if not isinstance(value, str) else float(parse_matlab_array(value)[0, 0])
    except (ValueError, IndexError, InvalidOperation):
        return False
    return v == float(neutral)


def _show(setting) -> str:
    if isinstance(setting, tuple):
        return "[" + " ".join(str(x) for x in setting) + "]"
    return str(setting)


def _check_neutral(rows: _Rows) -> None:
    for key, neutral in _NEUTRAL.items():
        row = rows.rows.get(key)
        if row is None or row.value is None:
            continue
        if not any(_same(row.value, ok) for ok in neutral):
            rows.flagged.add(key)
            shown = " or ".join(_show(ok) for ok in neutral)
            rows.unmodelled.append(f"{row.name} = {row.value!r} (cell {row.cell}; as if {shown})")


def _pair(rows: _Rows, row: _Row, expected: str) -> float:
    """A [Tx Rx] setting (or one value for both) that sigint holds once: Tx must equal Rx."""
    v = rows.vector(row, f"{expected} ([Tx Rx])")
    if v.size not in (1, 2):
        raise rows.error(row, f"{expected}: one value or [Tx Rx]")
    if v[0] != v[-1]:
        raise rows.error(row, f"{expected} equal at Tx and Rx (sigint has one value for both)")
    return float(v[0])


def _ctle(rows: _Rows, f_baud: float) -> dict:
    g_dc = rows.vector(rows.require("g_DC", "the CTLE gains in dB"), "CTLE gains in dB")
    g2, f_lf = rows.get("g_DC_HP"), rows.get("f_HP_PZ")
    if (g2 is None) != (f_lf is None):
        missing = "f_HP_PZ" if f_lf is None else "g_DC_HP"
        rows.require(missing, "the second CTLE stage (g_DC_HP and f_HP_PZ come together)")
    if g2 is None:
        rows.default("g_DC_HP", "[0] dB: no second CTLE stage (CL93; unity for any f_LF)")
        return {"g_dc_db": _floats(g_dc), "g_dc2_db": (0.0,), "ctle_flf_hz": f_baud / 80}
    return {
        "g_dc_db": _floats(g_dc),
        "g_dc2_db": _floats(rows.vector(g2, "the second-stage CTLE gains in dB")),
        "ctle_flf_hz": _si(rows.number(f_lf, "the CTLE pole-zero pair in GHz"), "1e9"),
    }


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(v) + 0.0 for v in values)


def _tap_grid(rows: _Rows, row: _Row) -> TapGrid:
    v = rows.vector(row, "a tap setting or a grid [min:step:max]")
    if v.size == 0:
        raise rows.error(row, "a tap setting or a grid [min:step:max] with at least one value")
    if v.size == 1 or np.all(v == v[0]):
        if not -1 <= v[0] <= 1:
            raise rows.error(row, "a Tx FFE tap in [-1, 1]")
        return TapGrid(min=float(v[0]), max=float(v[0]), step=0.0)
    d = [Decimal(repr(float(b))) - Decimal(repr(float(a))) for a, b in pairwise(v)]
    if any(abs(x - d[0]) > abs(d[0]) * Decimal("1e-9") for x in d):
        raise rows.error(row, "a uniform grid [min:step:max] (sigint searches min:step:max)")
    lo, hi = (float(v[0]), float(v[-1])) if d[0] > 0 else (float(v[-1]), float(v[0]))
    try:
        return TapGrid(min=lo, max=hi, step=abs(float(d[0])))
    except ConfigError as err:
        raise rows.error(row, f"a Tx FFE tap grid with {err.expected}") from None


def _tx_taps(rows: _Rows) -> dict:
    found = {}
    for key, row in rows.rows.items():
        m = _TAP.fullmatch(key)
        if m and int(m.group(1)) != 0 and row.value is not None:
            row.used = True
            found[int(m.group(1))] = row
    grids = {n: _tap_grid(rows, row) for n, row in found.items()}

    def zero(n):
        g = grids[n]
        return g.min == g.max == 0.0

    for side in (-1, 1):  # a tap fixed at 0 at the outer end is the same as no tap
        while (ends := [n for n in grids if n * side > 0]) and zero(max(ends, key=abs)):
            n = max(ends, key=abs)
            rows.inert.append(f"{found[n].name} = {found[n].value} (a tap fixed at 0)")
            del grids[n]
    pre = sorted((n for n in grids if n < 0), reverse=True)
    post = sorted(n for n in grids if n > 0)
    for side in (pre, post):
        for k, n in enumerate(side):
            if abs(n) != k + 1:
                gap = f"c({-(k + 1) if n < 0 else k + 1})"
                raise rows.error(found[n], f"the taps between c(0) and it ({gap} is missing)")
    taps = [grids[n] for n in sorted(pre)] + [grids[n] for n in post]
    return {"tx_taps": tuple(taps), "tx_cursor": len(pre)}


def _dfe(rows: _Rows) -> dict:
    n_b_row = rows.require("N_b", "the number of DFE taps")
    n_b = rows.integer(n_b_row, "the number of DFE taps")
    if n_b < 0:
        raise rows.error(n_b_row, "a number of DFE taps >= 0")
    b_max1 = rows.number(rows.require("b_max(1)", "the first DFE tap limit"), "a tap limit")
    row = rows.get("b_min(1)")
    b_min1 = -b_max1 if row is None else rows.number(row, "a tap limit")
    if row is None and n_b:
        rows.default("b_min(1)", f"-b_max(1) = {-b_max1:g} (MATLAB COM's default)")

    def rest(row, expected):
        v = rows.vector(row, expected)
        if v.size == 1:
            return [float(v[0])] * (n_b - 1)
        if v.size != n_b - 1:
            raise rows.error(row, f"{expected}: one value or N_b - 1 = {n_b - 1} values")
        return [float(x) for x in v]

    b_max, b_min = [b_max1][:n_b], [b_min1][:n_b]
    if n_b >= 2:
        b_max += rest(rows.require("b_max(2..N_b)", "DFE tap limits"), "DFE tap limits")
        row = rows.get("b_min(2..N_b)")
        if row is None:
            rows.default("b_min(2..N_b)", "-b_max(2..N_b) (MATLAB COM's default)")
        b_min += [-x for x in b_max[1:]] if row is None else rest(row, "DFE tap lower limits")
    out = {"dfe_bmax": _floats(b_max), "dfe_bmin": _floats(b_min)}
    row = rows.get("N_bg")
    groups = 0 if row is None else rows.integer(row, "the number of floating tap groups")
    if groups == 0:
        for name in ("N_bf", "N_f", "N_bmax", "bmaxg", "B_float_RSS_MAX", "N_tail_start"):
            r = rows.get(name)
            if r is not None:
                rows.inert.append(f"{r.name} = {r.value} (no floating DFE taps: N_bg = 0)")
        return out

    def opt(name, default, integer=False):
        r = rows.get(name)
        if r is None:
            rows.default(name, f"{default} (MATLAB COM's default)")
            return default
        return rows.integer(r, name) if integer else rows.number(r, name)

    out.update(
        dfe_float_groups=groups,
        dfe_float_taps=opt("N_bf", 6, True),
        dfe_float_span_ui=opt("N_f", n_b, True),
        dfe_float_bmax=float(opt("bmaxg", 0.2)),
        dfe_float_rss_max=float(opt("B_float_RSS_MAX", 0.0)),
        dfe_tail_start_ui=opt("N_tail_start", 0, True),
    )
    return out


# Annex 93A Table 93A-3 package line, the 802.3bj-era MATLAB COM defaults.
_TABLE_93A_3 = {"gamma0_a1_a2": (0.0, 1.734e-3, 1.455e-4), "tau": 6.141e-3, "z_c": 78.2}


def _ends(rows: _Rows, row: _Row, expected: str, sections: int | None = None) -> tuple:
    """A die setting as (Tx sections, Rx sections): a scalar, [Tx Rx] or [Tx …; Rx …]."""
    a = rows.array(row, expected)
    if a.shape[0] == 1 and a.shape[1] in (1, 2):
        tx, rx = (a[0, 0],), (a[0, -1],)
    elif a.shape[0] == 2:
        tx, rx = tuple(a[0]), tuple(a[1])
    else:
        raise rows.error(row, f"{expected}: one value, [Tx Rx], or a matrix [Tx …; Rx …]")
    if sections is not None and len(tx) != sections:
        raise rows.error(row, f"{expected}: {sections} section(s) per end, as C_d has")
    return tx, rx


def _package(rows: _Rows) -> ComPackage:
    nf = "1e-9"
    c_d = _ends(rows, rows.require("C_d", "the die capacitance in nF"), "C_d in nF")
    n_sec = len(c_d[0])
    row = rows.get("L_s")
    l_s = ((0.0,) * n_sec,) * 2 if row is None else _ends(rows, row, "L_s in nH", n_sec)
    if row is None:
        rows.default("L_s", "0 nH (MATLAB COM's default: no series inductance)")
    row = rows.get("C_b")
    c_b = 0.0 if row is None else _pair(rows, row, "C_b in nF")
    if row is None:
        rows.default("C_b", "0 nF (MATLAB COM's default: no bump capacitance)")
    c_p = _pair(rows, rows.require("C_p", "the package capacitance in nF ([Tx Rx])"), "C_p in nF")

    def si(values, factor):
        return tuple(_si(x, factor) for x in values)

    cases = _package_cases(rows)
    pkg = {
        "c_d_f": si(c_d[0], nf),
        "l_s_h": si(l_s[0], nf),
        "c_b_f": _si(c_b, nf),
        "c_p_f": _si(c_p, nf),
        **cases,
    }
    if c_d[1] != c_d[0] or l_s[1] != l_s[0]:
        pkg["c_d_rx_f"], pkg["l_s_rx_h"] = si(c_d[1], nf), si(l_s[1], nf)
    line = rows.get("package_tl_gamma0_a1_a2")
    if line is None:
        rows.default("package_tl_gamma0_a1_a2", "[0 1.734e-3 1.455e-4] (Table 93A-3)")
        gamma = _TABLE_93A_3["gamma0_a1_a2"]
    else:
        gamma = tuple(rows.vector(line, "[gamma0 a1 a2]"))
        if len(gamma) != 3:
            raise rows.error(line, "[gamma0 a1 a2] (1/mm, sqrt(ns)/mm, ns/mm): three values")
    tau = rows.get("package_tl_tau")
    pkg["gamma0_per_mm"], pkg["a1_sqrt_ns_per_mm"], pkg["a2_ns_per_mm"] = map(float, gamma)
    pkg["tau_ns_per_mm"] = _TABLE_93A_3["tau"] if tau is None else rows.number(tau, "ns/mm")
    if tau is None:
        rows.default("package_tl_tau", "6.141e-3 ns/mm (Table 93A-3)")
    pkg.update(_host(rows))
    try:
        return ComPackage(**pkg)
    except ConfigError as err:
        row = _PACKAGE_ROWS.get(err.key, err.key)
        raise ConfigError(
            f"{row} (sigint's package.{err.key}, SI units)", err.value, err.expected, rows.source
        ) from None


# fmt: off
_PACKAGE_ROWS = {
    "c_d_f": "C_d", "l_s_h": "L_s", "c_d_rx_f": "C_d", "l_s_rx_h": "L_s", "c_b_f": "C_b",
    "c_p_f": "C_p", "z_c_ohm": "package_Z_c", "z_rest_m": "z_p", "z_p_tx_m": "z_p (TX)",
    "z_p_next_m": "z_p (NEXT)", "z_p_fext_m": "z_p (FEXT)", "z_p_rx_m": "z_p (RX)",
    "gamma0_per_mm": "package_tl_gamma0_a1_a2", "a1_sqrt_ns_per_mm": "package_tl_gamma0_a1_a2",
    "a2_ns_per_mm": "package_tl_gamma0_a1_a2", "tau_ns_per_mm": "package_tl_tau",
    "host_length_m": "z_bp", "host_z_c_ohm": "board_Z_c", "host_c0_f": "C_0",
    "host_c1_f": "C_1", "host_a1_sqrt_ns_per_mm": "board_tl_gamma0_a1_a2",
    "host_a2_ns_per_mm": "board_tl_gamma0_a1_a2", "host_tau_ns_per_mm": "board_tl_tau",
}
# fmt: on


def _package_cases(rows: _Rows) -> dict:
    """Test-case lengths from the z_p rows (one row per segment, one column per case)."""
    ends = {}
    for end in ("TX", "NEXT", "FEXT", "RX"):
        name = f"z_p ({end})"
        row = rows.require(name, "package lengths in mm (rows: segments; columns: cases)")
        ends[end] = (row, rows.array(row, "package lengths in mm"))
    shape = ends["TX"][1].shape
    for row, a in ends.values():
        if a.shape != shape or a.size == 0:
            raise rows.error(row, f"a {shape[0]}×{shape[1]} array, as z_p (TX) is")
    n_seg, n_cases = shape
    sel_row = rows.get("z_p select")
    if sel_row is None:
        rows.default("z_p select", "1 (MATLAB COM's default: the first test case only)")
        select = [1]
    else:
        sel = rows.vector(sel_row, "the test cases to run (1-based)")
        if sel.size == 0 or np.any(sel != np.round(sel)) or sel.min() < 1 or sel.max() > n_cases:
            raise rows.error(sel_row, f"case numbers from 1 to {n_cases} (the z_p columns)")
        select = [int(s) for s in sel]
    mm = "1e-3"
    out = {
        f"z_p_{end.lower()}_m": tuple(_si(a[0, s - 1], mm) for s in select)
        for end, (_, a) in ends.items()
    }
    rest = ends["TX"][1][1:, select[0] - 1]
    for row, a in ends.values():
        if not np.all(a[1:, [s - 1 for s in select]] == rest[:, None]):
            raise rows.error(
                row,
                "segments after the first of one length in every case and at every end "
                "(sigint's package varies only the first segment)",
            )
    out["z_rest_m"] = tuple(_si(x, mm) for x in rest)
    zc_row = rows.get("package_Z_c")
    if zc_row is None:
        if n_seg != 1:
            rows.require("package_Z_c", f"{n_seg} segment impedances in Ω ([Tx Rx] per row)")
        rows.default("package_Z_c", "78.2 Ω (Table 93A-3, a one-segment package)")
        out["z_c_ohm"] = (_TABLE_93A_3["z_c"],)
        return out
    zc = rows.array(zc_row, "package impedances in Ω")
    if zc.shape[0] != n_seg or zc.shape[1] not in (1, 2):
        raise rows.error(zc_row, f"{n_seg} row(s) (one per z_p segment) of [Tx Rx] in Ω")
    if np.any(zc[:, 0] != zc[:, -1]):
        raise rows.error(zc_row, "the same impedances at Tx and Rx (sigint has one package line)")
    out["z_c_ohm"] = _floats(zc[:, 0])
    return out


def _host(rows: _Rows) -> dict:
    row = rows.get("Include PCB", "Include PCB (table 92-13)")
    if row is None:
        rows.default("Include PCB", "0 (MATLAB COM's 802.3bj-era default: no host board)")
        return {}
    include = rows.integer(row, "0 (no host board) or 1 (at both ends)")
    board_rows = (
        "z_bp (TX)",
        "z_bp (NEXT)",
        "z_bp (FEXT)",
        "z_bp (RX)",
        "board_Z_c",
        "board_tl_gamma0_a1_a2",
        "board_tl_tau",
        "C_0",
        "C_1",
    )
    if include == 0:
        for name in board_rows:
            r = rows.get(name)
            if r is not None:
                rows.inert.append(f"{r.name} = {r.value} (Include PCB = 0)")
        return {}
    if include != 1:
        raise rows.error(row, "0 or 1 (a host board at the receiver only, 2, is not modelled)")
    lengths = {
        name: rows.number(rows.require(name, "the host board length in mm"), "mm")
        for name in board_rows[:4]
    }
    if len(set(lengths.values())) != 1:
        raise rows.error(
            rows.get("z_bp (NEXT)"),
            f"one host length for TX, NEXT, FEXT and RX (sigint's host board is the same at "
            f"both ends; here {lengths})",
        )
    z_c = _pair(rows, rows.require("board_Z_c", "the host impedance in Ω"), "board_Z_c in Ω")
    line_row = rows.require("board_tl_gamma0_a1_a2", "[gamma0 a1 a2] of the host line")
    gamma = rows.vector(line_row, "[gamma0 a1 a2]")
    if gamma.size != 3 or gamma[0] != 0:
        raise rows.error(line_row, "[0 a1 a2]: three values with gamma0 = 0 (sigint's host line)")
    tau = rows.number(rows.require("board_tl_tau", "the host line delay in ns/mm"), "ns/mm")
    caps = {}
    for name in ("C_0", "C_1"):
        r = rows.get(name)
        if r is None:
            rows.default(name, "0 nF (MATLAB COM's default)")
        caps[name] = 0.0 if r is None else _pair(rows, r, f"{name} in nF")
    return {
        "host_length_m": _si(lengths["z_bp (TX)"], "1e-3"),
        "host_z_c_ohm": z_c,
        "host_a1_sqrt_ns_per_mm": float(gamma[1]),
        "host_a2_ns_per_mm": float(gamma[2]),
        "host_tau_ns_per_mm": tau,
        "host_c0_f": _si(caps["C_0"], "1e-9"),
        "host_c1_f": _si(caps["C_1"], "1e-9"),
    }


# ERL (93A.5) rows → ErlParams fields (sheet units: TR_TDR in ns, beta_x in dB/s as the MATLAB
# code uses it, fixture delay time in s).
_ERL_ROWS = (
    "TR_TDR",
    "N",
    "N_bx",
    "rho_x",
    "beta_x",
    "fixture delay time",
    "Tukey_Window",
    "Z_t",
    "TDR_W_TXPKG",
)


def _erl(rows: _Rows, n_b: int, r0_ohm: float) -> ErlParams | None:
    """The sheet's ERL parameters, when it has ERL rows (or switches ERL on); else None."""
    flag = rows.get("ERL")
    on = flag is not None and rows.number(flag, "0 or 1") != 0
    if not on and all(rows.get(name) is None for name in _ERL_ROWS):
        return None

    def value(name, default, used, convert):
        row = rows.get(name)
        if row is None:
            rows.default(name, used)
            return default
        return convert(row)

    def number(expected, factor=None):
        def read(row):
            x = rows.number(row, expected)
            return x if factor is None else _si(x, factor)

        return read

    def flag_of(row):
        return rows.number(row, "0 or 1") != 0

    def fixture(row):
        t = rows.vector(row, "the fixture delay in s, one value or [port 1, port 2]")
        if np.any(t < 0):
            rows.unmodelled.append(
                f"{row.name} = {row.value!r} (cell {row.cell}; a negative delay makes MATLAB "
                "skip G_rr; sigint gates nothing and applies G_rr from the port on)"
            )
            t = np.maximum(t, 0.0)
        return _floats(t[:1] if t.size == 2 and t[0] == t[1] else t)

    z_t = value("Z_t", None, "R_0 (MATLAB COM's default)", number("Z_t in Ω"))
    kwargs = {
        "tr_tdr_s": value("TR_TDR", 8e-12, "8e-3 ns (MATLAB COM's default)", number("ns", "1e-9")),
        "n_ui": value("N", 0, "0: from the thru's delay (MATLAB COM's default)", number("UI")),
        "n_bx_ui": value("N_bx", n_b, "N_b (MATLAB COM's default)", number("UI")),
        "rho_x": value("rho_x", 0.618, "0.618 (MATLAB COM's default)", number("rho_x")),
        "beta_x_db_per_s": value("beta_x", 0.0, "0 (MATLAB COM's default)", number("dB/s")),
        "fixture_delay_s": value(
            "fixture delay time", (0.0,), "0 s (nothing gated; MATLAB's -1 skips G_rr)", fixture
        ),
        "tukey_window": value("Tukey_Window", False, "0 (MATLAB COM's default)", flag_of),
        "z_t_ohm": None if z_t is None or z_t == r0_ohm else z_t,
        "include_tx_package": value("TDR_W_TXPKG", False, "0 (MATLAB COM's default)", flag_of),
    }
    for key in ("n_ui", "n_bx_ui"):
        x = kwargs[key]
        if not float(x).is_integer():
            raise rows.error(rows.get(_ERL_FIELD_ROWS[key]), "a whole number of UI")
        kwargs[key] = int(x) or (None if key == "n_ui" else 0)
    try:
        return ErlParams(**kwargs)
    except ConfigError as err:
        row = rows.get(_ERL_FIELD_ROWS.get(err.key, ""))
        if row is None:
            raise ConfigError(f"erl.{err.key}", err.value, err.expected, rows.source) from None
        raise rows.error(row, f"{err.expected} (sigint's erl.{err.key}, in SI units)") from None


_ERL_FIELD_ROWS = {
    "tr_tdr_s": "TR_TDR",
    "n_ui": "N",
    "n_bx_ui": "N_bx",
    "rho_x": "rho_x",
    "beta_x_db_per_s": "beta_x",
    "fixture_delay_s": "fixture delay time",
    "z_t_ohm": "Z_t",
}


__all__ = ["SheetImport", "SheetWarning", "load_sheet", "parse_matlab_array", "read_sheet"]
