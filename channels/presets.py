"""Built-in copper lines: twinax by AWG and a Megtron-7-class stripline, calibrated to REFERENCE §4.

Each coefficient set is the calibrated model [M] of REFERENCE.md §4.1 / §4.2:
``α(f) = k_c·sqrt(f_GHz) + k_d·f_GHz`` dB/m, realised as a causal `RLGCLine`.
"""

from __future__ import annotations

import numpy as np

from .rlgc import RLGCLine

__all__ = ["RHO_CU_OHM_M", "TWINAX_AWG", "stripline", "twinax"]

#: Resistivity of annealed copper at 20 °C, Ω·m (IACS 100 %).
RHO_CU_OHM_M = 1.724e-8

#: REFERENCE §4.1 [M]: AWG -> (conductor diameter m, k_c dB/m/√GHz, k_d dB/m/GHz).
TWINAX_AWG: dict[int, tuple[float, float, float]] = {
    24: (0.511e-3, 0.616, 0.0334),
    26: (0.405e-3, 0.777, 0.0334),
    28: (0.321e-3, 0.981, 0.0334),
    30: (0.255e-3, 1.234, 0.0334),
    32: (0.202e-3, 1.558, 0.0334),
    34: (0.160e-3, 1.967, 0.0334),
}

_TWINAX_EPS_R = 1.5  # foamed fluoropolymer, tanδ 3e-4 follows from k_d
_STRIPLINE_K_C = 5.00  # dB/m/√GHz
_STRIPLINE_K_D = 0.2445  # dB/m/GHz
_STRIPLINE_DK = 3.4


def twinax(awg: int) -> RLGCLine:
    """Differential twinax pair of a given AWG, smooth copper, foamed dielectric, 100 Ω.

    Source: [M] calibrated to REFERENCE.md §4.1 (k_c per AWG with K = 1.38 lumping proximity
    and shield return; k_d = 0.0334 dB/m/GHz, i.e. ε_r 1.5, tanδ 3e-4). The loop DC resistance is
    ``2·ρ_Cu/(π·d²/4)``.

    Parameters
    ----------
    awg : int
        Wire gauge, one of the keys of `TWINAX_AWG` (24, 26, 28, 30, 32, 34).

    Returns
    -------
    RLGCLine

    Raises
    ------
    ValueError
        If ``awg`` is not in the table.

    Examples
    --------
    >>> round(float(twinax(26).loss_db_per_m(53.125e9)), 1)
    7.4
    """
    if awg not in TWINAX_AWG or isinstance(awg, bool):
        raise ValueError(f"awg = {awg!r}: expected one of {sorted(TWINAX_AWG)}")
    d_m, k_c, k_d = TWINAX_AWG[awg]
    r_dc = 2.0 * RHO_CU_OHM_M / (np.pi * d_m**2 / 4.0)
    return RLGCLine.from_loss_coefficients(
        k_c, k_d, eps_r=_TWINAX_EPS_R, r_dc_ohm_per_m=r_dc, z_diff_ohm=100.0
    )


def stripline() -> RLGCLine:
    """Megtron-7-class 100 Ω differential stripline, HVLP copper.

    Source: [M] calibrated to the OIF 224G "starting point" board model of REFERENCE.md §4.2
    (0.82 / 1.25 / 1.97 dB/in at 26.56 / 53.1 / 106.25 GHz): k_c = 5.00 dB/m/√GHz,
    k_d = 0.2445 dB/m/GHz, Dk 3.4 (so tanδ ≈ 1.46e-3). The DC resistance is that of two
    5 mil × 0.6 mil (½ oz) copper traces.

    Returns
    -------
    RLGCLine
    """
    width_m, thick_m = 127e-6, 17.5e-6  # 5 mil × ½ oz: typical 100 Ω stripline trace
    r_dc = 2.0 * RHO_CU_OHM_M / (width_m * thick_m)
    return RLGCLine.from_loss_coefficients(
        _STRIPLINE_K_C, _STRIPLINE_K_D, eps_r=_STRIPLINE_DK, r_dc_ohm_per_m=r_dc, z_diff_ohm=100.0
    )
