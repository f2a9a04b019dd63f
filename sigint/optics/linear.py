"""The statistical (linearised) optical engine: small-signal pulse, Gaussian noise, MMSE EQ.

Valid where the optical chain is close to linear in the drive: the modulator is replaced by
its slope at the operating point (MZM: π·P·IL/(2Vπ) at quadrature), the fibre by its
small-signal intensity response (power fading, √(1+α²)·cos(θ + arctan α) with the EML's
chirp), the photodiode by its responsivity. What it keeps of the large signal: the static
levels through the modulator and the driver's swing limit set the *eye openings* (an MZM
driven hard compresses the outer eyes), and the IEEE RIN_xOMA density uses the received OMA.
What it leaves to the time-domain engine: square-law beating of a distorted field
(dispersion with large modulation depth), and the swing limits acting on ISI.

Noise at the slicer: RIN + shot (at the mean photocurrent) + TIA thermal noise, referred to the
TIA input; the Rx front end's η0 after the host channel; the Tx SNDR through the whole chain.
The FFE + DFE is the unit-cursor MMSE solution (:func:`sigint.eqopt.solve_ffe_dfe`) at the best
phase within ±1/4 UI of the pulse peak; residual ISI is treated as Gaussian (COM's FOM view),
and the SER sums Q(gap/2σ) over the static eye openings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..bounds import noise_acf_from_transfer
from ..eqopt import EqSolution, solve_ffe_dfe
from ..pulse import pulse_from_transfer
from ..theory import q_function
from . import blocks
from .link import OpticalLink

#: Phases tried either side of the pulse peak, UI.
PHASE_SPAN_UI = 0.25


@dataclass(frozen=True)
class OpticalEstimate:
    """What the linearised engine predicts for an optical link.

    Attributes
    ----------
    snr_db : float
        Post-EQ SNR (unit-cursor MMSE FFE + DFE; σ_x² over residual ISI and noise).
    ser, ber : float
        Symbol and (Gray, nearest-neighbour) bit error ratios over the static eye openings.
    oma_outer_w, p_avg_w, extinction_ratio_db : float
        Received static levels.
    eye_gaps : ndarray
        Each eye's opening relative to the mean one (1 for evenly spaced levels).
    noise_components_a : dict
        RMS of RIN, shot and thermal noise at the TIA input over the receiver's noise
        bandwidth, A.
    equalizer : EqSolution
    phase : int
        Sampling phase used (samples from the start of the main cursor's UI).
    """

    snr_db: float
    ser: float
    ber: float
    oma_outer_w: float
    p_avg_w: float
    extinction_ratio_db: float
    eye_gaps: np.ndarray
    noise_components_a: dict
    equalizer: EqSolution
    phase: int

    def to_dict(self) -> dict:
        """JSON-ready figures."""
        return {
            "snr_db": self.snr_db,
            "ser": self.ser,
            "ber": self.ber,
            "oma_outer_w": self.oma_outer_w,
            "p_avg_w": self.p_avg_w,
            "extinction_ratio_db": self.extinction_ratio_db,
            "eye_gaps": [float(g) for g in self.eye_gaps],
            "noise_components_a": dict(self.noise_components_a),
            "why": self.equalizer.why,
        }


def noise_components_a(link: OpticalLink) -> dict:
    """RMS RIN, shot and thermal current over the receiver's noise bandwidth (TIA input), A."""
    bw = blocks.noise_bandwidth_hz(link.photocurrent_to_slicer(), link.f_hz)
    pd = link.cfg.optics.photodiode
    i_avg = pd.responsivity_a_w * link.p_avg_w + pd.dark_current_a
    shot = float(blocks.shot_density_a2_hz(i_avg)) if pd.shot_noise else 0.0
    return {
        "rin": math.sqrt(link.rin_density_a2_hz * bw),
        "shot": math.sqrt(shot * bw),
        "thermal": math.sqrt(link.thermal_density_a2_hz * bw),
        "noise_bandwidth_hz": bw,
    }


def estimate(link: OpticalLink) -> OpticalEstimate:
    """Predict SNR, SER and BER of an optical link with the linearised chain.

    Parameters
    ----------
    link : OpticalLink

    Returns
    -------
    OpticalEstimate
    """
    cfg = link.cfg
    s = cfg.sim.samples_per_ui
    pulse = pulse_from_transfer(link.linear_pulse_transfer(), s, cfg.ui_s)
    acf = noise_acf_from_transfer(
        link.photocurrent_to_slicer(), link.dt_s, s, link.photocurrent_noise_density_a2_hz()
    )
    if cfg.rx.noise_density_v2_hz > 0:
        acf = acf + noise_acf_from_transfer(link.h_front, link.dt_s, s, cfg.rx.noise_density_v2_hz)
    signal_power = float(np.mean(link.levels_v**2))
    tx_sigma = link.tx_noise_sigma_v()
    eq = cfg.eq
    reach = round(PHASE_SPAN_UI * s)
    best = None
    for phase in range(s // 2 - reach, s // 2 + reach + 1, max(1, s // 16)):
        sol = solve_ffe_dfe(
            pulse,
            eq.ffe_pre,
            eq.ffe_post,
            eq.dfe_taps,
            phase=phase,
            noise_acf=acf[:64],
            tx_noise_sigma_v=tx_sigma,
            signal_power=signal_power,
        )
        if best is None or sol.snr_db > best[0].snr_db:
            best = (sol, phase)
    sol, phase = best
    gaps = _eye_gaps(link.power_levels_w)
    ser, ber = _error_ratios(link, sol.snr_db, gaps)
    return OpticalEstimate(
        snr_db=float(sol.snr_db),
        ser=ser,
        ber=ber,
        oma_outer_w=link.oma_outer_w,
        p_avg_w=link.p_avg_w,
        extinction_ratio_db=link.extinction_ratio_db,
        eye_gaps=gaps,
        noise_components_a=noise_components_a(link),
        equalizer=sol,
        phase=phase,
    )


def _eye_gaps(power_levels_w: np.ndarray) -> np.ndarray:
    """Each eye's opening over the mean opening (the static levels' compression)."""
    gaps = np.abs(np.diff(power_levels_w))
    mean = float(np.mean(gaps))
    return gaps / mean if mean > 0 else np.zeros_like(gaps)


def _error_ratios(link: OpticalLink, snr_db: float, gaps: np.ndarray) -> tuple[float, float]:
    """SER = (2/M)·Σ_eyes Q(gap_i·d/σ) with d/σ the evenly spaced eye's half-opening over σ."""
    m = link.modulation.levels
    # Evenly spaced levels ±1, ±1/3 ...: half-gap 1/(M−1), mean power (M+1)/(3(M−1)).
    snr = 10 ** (snr_db / 10)
    sigma = math.sqrt((m + 1) / (3 * (m - 1)) / snr)
    d = 1.0 / (m - 1)
    ser = float(2.0 / m * np.sum(q_function(gaps * d / sigma)))
    ser = min(ser, 1.0 - 1.0 / m)
    return ser, ser / link.modulation.bits_per_symbol
