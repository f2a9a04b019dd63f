"""The ideal ADC: uniform mid-rise quantisation with clipping, as a chain stage.

A validating layer over :func:`sigint.kernels.adc.quantize` that also counts clipped samples
across calls.
"""

from __future__ import annotations

import math

import numpy as np

from sigint.kernels.adc import quantize

__all__ = ["ADC", "ideal_sqnr_db"]


def ideal_sqnr_db(bits: int) -> float:
    """SQNR of a full-scale sine through an ideal ``bits``-bit quantiser: ``6.02·bits + 1.76`` dB.

    With ``Δ = 2·FS / 2^bits`` the granular error is uniform on ``[−Δ/2, Δ/2]``, power
    ``Δ²/12``; a sine of amplitude FS has power ``FS²/2``; their ratio is ``1.5·4^bits``, i.e.
    ``20·log10(2)·bits + 10·log10(1.5)`` dB.

    Raises
    ------
    ValueError
        If ``bits`` is not an integer >= 1.

    Examples
    --------
    >>> round(ideal_sqnr_db(8), 2)
    49.93
    """
    bits = _check_bits(bits)
    return 10.0 * math.log10(1.5) + 20.0 * math.log10(2.0) * bits


def _check_bits(bits) -> int:
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or not 1 <= bits <= 32:
        raise ValueError(f"bits = {bits!r}: expected an integer from 1 to 32")
    return int(bits)


class ADC:
    """Ideal ``bits``-bit ADC over ``±full_scale_v``: uniform mid-rise quantiser with clipping.

    The ``2^bits`` output levels are ``(i + 1/2)·Δ``, ``Δ = 2·full_scale_v / 2^bits`` (the LSB),
    ``i = −2^(bits−1) … 2^(bits−1) − 1``. Inside full scale the error is at most Δ/2 and, for
    a busy input, uniform with power ``Δ²/12``, which gives a full-scale sine the ideal
    ``SQNR = 6.02·bits + 1.76 dB`` (:func:`ideal_sqnr_db`). Samples beyond ``±full_scale_v``
    take the outer level and are counted in :attr:`clip_count`.

    Parameters
    ----------
    bits : int
        Resolution, 1 to 32.
    full_scale_v : float
        Clipping level, volts (peak, each polarity); finite and > 0.

    Input
    -----
    x : [n]
        Sampled voltage (float); NaN passes through as NaN.

    Output
    ------
    [n] float64
        Quantised voltage.

    Raises
    ------
    ValueError
        If ``bits`` or ``full_scale_v`` is out of range, or ``x`` is not one-dimensional.

    Examples
    --------
    >>> adc = ADC(bits=3, full_scale_v=0.4)
    >>> adc.lsb_v
    0.1
    >>> adc([0.01, -0.26, 0.5]).round(3).tolist()
    [0.05, -0.25, 0.35]
    >>> adc.clip_count, adc.n_samples
    (1, 3)
    """

    def __init__(self, bits: int, full_scale_v: float) -> None:
        self._bits = _check_bits(bits)
        fs = full_scale_v
        if isinstance(fs, bool) or not isinstance(fs, (int, float, np.integer, np.floating)):
            raise ValueError(f"full_scale_v = {full_scale_v!r}: expected a finite number > 0")
        if not (math.isfinite(fs) and fs > 0):
            raise ValueError(f"full_scale_v = {full_scale_v!r}: expected a finite number > 0")
        self._full_scale_v = float(fs)
        self.clip_count = 0
        self.n_samples = 0

    @property
    def bits(self) -> int:
        """Resolution in bits."""
        return self._bits

    @property
    def full_scale_v(self) -> float:
        """Clipping level, volts."""
        return self._full_scale_v

    @property
    def lsb_v(self) -> float:
        """Step Δ between output levels, volts: ``2·full_scale_v / 2^bits``."""
        return 2.0 * self._full_scale_v / 2.0**self._bits

    @property
    def noise_power_v2(self) -> float:
        """Granular quantisation noise power ``Δ²/12``, V²."""
        return self.lsb_v**2 / 12.0

    @property
    def ideal_sqnr_db(self) -> float:
        """SQNR of a full-scale sine, ``6.02·bits + 1.76`` dB."""
        return ideal_sqnr_db(self._bits)

    def __call__(self, x) -> np.ndarray:
        """Quantise ``x``; add its clipped samples to :attr:`clip_count`."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        if x.ndim != 1:
            raise ValueError(f"x has shape {x.shape}: expected a 1-D array of samples")
        out = np.empty_like(x)
        self.clip_count += int(quantize(x, self._bits, self._full_scale_v, out))
        self.n_samples += x.size
        return out

    def __repr__(self) -> str:
        return f"ADC(bits={self._bits}, full_scale_v={self._full_scale_v!r})"
