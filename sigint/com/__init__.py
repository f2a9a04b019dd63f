"""IEEE 802.3 Channel Operating Margin (Annex 93A and 178A): parameter sets and presets."""

from .params import PRESETS, ComPackage, ComParams, TapGrid, load_params, load_preset

__all__ = ["PRESETS", "ComPackage", "ComParams", "TapGrid", "load_params", "load_preset"]
