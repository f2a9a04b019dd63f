"""IEEE 802.3 Channel Operating Margin (Annexes 93A, 178A): parameter sets, presets, computation.

>>> from sigint.com import load_preset
>>> load_preset("802.3ck-CR").package.host_length_m
0.1103
"""

from .engine import compute_com
from .params import PRESETS, ComPackage, ComParams, TapGrid, load_params, load_preset
from .result import ComCase, ComResult

__all__ = [
    "PRESETS",
    "ComCase",
    "ComPackage",
    "ComParams",
    "ComResult",
    "TapGrid",
    "compute_com",
    "load_params",
    "load_preset",
]
