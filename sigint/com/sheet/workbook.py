"""Cells of a workbook's COM sheet: ``{(row, column): value}``, 0-based.

The sheet ``COM_Settings`` (else the first sheet) of an ``.xlsx`` or ``.xls`` workbook, its
format decided by the file's content, not its extension:

- ``.xlsx`` with the standard library (zip + XML), transitional *and* strict OOXML (the official
  802.3ck sheets are strict, which openpyxl and pandas cannot open): the workbook part is found
  through the package relationships, the sheet through the workbook's, shared strings resolved;
- ``.xls`` (BIFF8) with xlrd, imported on first use.

Values are text, floats or booleans (error cells as their text); empty cells are left out.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ...errors import ConfigError

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


def read_cells(path: Path) -> tuple[dict[tuple[int, int], Cell], str]:
    """The cells of ``path``'s COM sheet, and the sheet's name (ConfigError if no workbook)."""
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


def column_letters(col: int) -> str:
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


__all__ = ["Cell", "column_letters", "read_cells"]
