"""Loading a COM sheet: workbook cells → rows → parameters, with the reader's notes.

:func:`read_sheet` returns the parameters in a :class:`SheetImport` with the defaults used and
the rows unmodelled, ignored or unknown; :func:`load_sheet` returns the parameters and warns
(:class:`SheetWarning`) once about unmodelled MATLAB options. See :mod:`sigint.com.sheet`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ..params import ComParams
from .build import build_params
from .rows import Rows, collect_rows
from .workbook import read_cells


class SheetWarning(UserWarning):
    """A COM sheet sets a MATLAB COM option that sigint does not model (:mod:`sigint.com.sheet`)."""


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
    cells, sheet_name = read_cells(path)
    rows = Rows(collect_rows(cells, str(path), sheet_name), str(path))
    params = build_params(rows, path, sheet_name)
    return SheetImport(
        params=params,
        path=str(path),
        sheet=sheet_name,
        defaults=tuple(rows.defaults),
        unmodelled=tuple(rows.unmodelled),
        ignored=tuple(rows.ignored_names()),
        unknown=tuple(rows.unknown_names()),
    )


__all__ = ["SheetImport", "SheetWarning", "load_sheet", "read_sheet"]
