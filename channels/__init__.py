"""S-parameter channel models: parametric copper lines, cascades, responses."""

from .line import TransmissionLine
from .network import Network, abcd_to_s, cascade_list, cascade_s
from .presets import TWINAX_AWG, stripline, twinax
from .response import acausal_energy_fraction, frequency_grid, impulse_response, step_response
from .rlgc import RLGCLine
from .scale import line_asymmetry, scale_line, scale_touchstone

__all__ = [
    "TWINAX_AWG",
    "Network",
    "RLGCLine",
    "TransmissionLine",
    "abcd_to_s",
    "acausal_energy_fraction",
    "cascade_list",
    "cascade_s",
    "frequency_grid",
    "impulse_response",
    "line_asymmetry",
    "scale_line",
    "scale_touchstone",
    "step_response",
    "stripline",
    "twinax",
]
