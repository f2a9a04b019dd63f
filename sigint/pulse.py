"""The pulse response of a link: the one place both engines get their linear response from.

Every linear block (Tx FFE, edge filter, channel, Rx front end, CTLE, Rx FFE) multiplies into one
transfer function; an inverse FFT on a grid of ``samples_per_ui`` samples per UI gives the pulse
response to one symbol of 1 V. A second response, of the Rx blocks alone, shapes the Rx noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Relative amplitude below which the pulse's leading and trailing samples are dropped; the
# ISI power dropped with them is reported (``truncated_isi_rms``).
PULSE_THRESHOLD = 1e-4


@dataclass(frozen=True)
class PulseResponse:
    """A pulse response sampled at ``samples_per_ui`` points per UI, cut to its span.

    Attributes
    ----------
    samples : ndarray, float64[n_ui * samples_per_ui]
        Volts at the slicer per volt of Tx symbol amplitude.
    samples_per_ui : int
    ui_s : float
    pre_ui : int
        UIs before the main cursor's UI. The main cursor (sampling instant) is sample
        ``pre_ui * samples_per_ui + samples_per_ui // 2``: every UI row is centred on its
        sampling instant.
    delay_s : float
        Time of the sampling instant after the symbol's launch (channel latency).
    truncated_isi_rms : float
        RMS ISI that truncation dropped, per volt RMS of symbol level:
        ``sqrt(Σ h_j²)`` over the dropped T-spaced samples at the sampling phase, V/V.
    """

    samples: np.ndarray
    samples_per_ui: int
    ui_s: float
    pre_ui: int
    delay_s: float
    truncated_isi_rms: float
    dc_gain: float
    window_start: int = 0

    @property
    def truncated_dc_fraction(self) -> float:
        """Fraction of the DC gain in the dropped tail: 1 − (kept area)/(S · H(0))."""
        if self.dc_gain == 0:
            return 0.0
        return float(1.0 - self.samples.sum() / self.samples_per_ui / self.dc_gain)

    @property
    def n_ui(self) -> int:
        """Span of the pulse in UI."""
        return self.samples.size // self.samples_per_ui

    @property
    def cursor_index(self) -> int:
        """Sample index of the main cursor."""
        return self.pre_ui * self.samples_per_ui + self.samples_per_ui // 2

    @property
    def main_cursor(self) -> float:
        """h(0): the pulse at the sampling instant."""
        return float(self.samples[self.cursor_index])

    def cursors(self, phase: int | None = None) -> np.ndarray:
        """T-spaced samples at ``phase`` (default the sampling phase), index ``pre_ui`` = h(0)."""
        phase = self.samples_per_ui // 2 if phase is None else phase
        return self.samples[phase :: self.samples_per_ui].copy()

    def polyphase_table(self) -> np.ndarray:
        """``table[j, p]``: phase p of the UI j UIs after the symbol's first UI (C-contiguous)."""
        return np.ascontiguousarray(self.samples.reshape(self.n_ui, self.samples_per_ui))

    @property
    def t_s(self) -> np.ndarray:
        """Time of each sample relative to the sampling instant, s."""
        dt = self.ui_s / self.samples_per_ui
        return (np.arange(self.samples.size) - self.cursor_index) * dt


def grid(n_time: int, dt_s: float) -> np.ndarray:
    """The rfft frequencies (Hz) of ``n_time`` samples at spacing ``dt_s``."""
    return np.fft.rfftfreq(n_time, dt_s)


def pulse_from_transfer(
    h_f: np.ndarray,
    samples_per_ui: int,
    ui_s: float,
    sampling_reference_f: np.ndarray | None = None,
    offset_samples: int = 0,
) -> PulseResponse:
    """Cut the periodic response ``irfft(h_f)`` to the span of the pulse around its peak.

    Parameters
    ----------
    h_f : complex ndarray
        Transfer function from a 1 V symbol to the slicer on the rfft grid of n samples at
        ``ui_s / samples_per_ui`` (the NRZ hold included), n a multiple of ``samples_per_ui``.
    samples_per_ui : int
    ui_s : float
    sampling_reference_f : complex ndarray, optional
        The response whose peak sets the sampling instant (default ``h_f`` itself): when the
        receiver equalises in its DSP, the instant is the *equalised* pulse's peak.
    offset_samples : int
        The sampling instant's offset from that peak, samples.

    Notes
    -----
    The sampling instant is the pulse peak plus ``offset_samples`` (clock recovery comes
    later); rows of the polyphase table are centred on it.
    """
    s = samples_per_ui
    p = np.fft.irfft(h_f)
    n = p.size
    reference = p if sampling_reference_f is None else np.fft.irfft(sampling_reference_f)
    top = int(np.argmax(np.abs(reference)))
    above = np.flatnonzero(np.abs(p) >= PULSE_THRESHOLD * abs(p[top]))
    peak = (top + int(offset_samples)) % n  # the sampling instant
    # The grid is long enough that the significant samples form one run around the peak on
    # the circle of the periodic response; a zero-phase block (the Gaussian edge) over a short
    # channel puts its start before t = 0, i.e. at the end of the array. Measure the run by
    # signed circular offsets from the peak, in UIs from the peak's UI row.
    offset = (above - peak + n // 2) % n - n // 2
    row0 = peak - s // 2
    pre_ui = max(0, int(np.ceil((-(s // 2) - offset.min()) / s)))
    post_ui = max(0, int(np.ceil((offset.max() - (s - 1 - s // 2)) / s)))
    start = row0 - pre_ui * s
    n_keep = (pre_ui + 1 + post_ui) * s
    kept = circular_window(p, start, n_keep)
    # T-spaced samples at the sampling phase, j UIs after the peak (circularly); the dropped
    # ones are those after the last kept post-cursor and before the first kept pre-cursor.
    cursors = np.roll(p, -peak)[::s]
    dropped = cursors[post_ui + 1 : cursors.size - pre_ui]
    dt = ui_s / s
    return PulseResponse(
        samples=kept,
        samples_per_ui=s,
        ui_s=ui_s,
        pre_ui=pre_ui,
        delay_s=peak * dt,
        truncated_isi_rms=float(np.sqrt(np.sum(dropped**2))),
        dc_gain=float(h_f[0].real) / s,
        window_start=int(start % n),
    )


@dataclass(frozen=True)
class NoiseResponse:
    """How white Rx input noise reaches the slicer.

    The noise source is white with one-sided density N0 up to the band of
    ``noise_samples_per_ui`` (q) samples per UI, so each source sample has variance
    N0 · q·f_baud / 2. ``response`` is the Rx response (Rx input to slicer) sampled at S per UI
    and scaled by S/q, so that a source sample of 1 V adds ``response`` to the waveform: the
    same stream form as the symbols' pulse, and the same response gives the statistical σ.
    """

    response: np.ndarray
    samples_per_ui: int
    noise_samples_per_ui: int
    source_sigma_per_sqrt_density: float
    window_start: int = 0

    def sigma_v(self, noise_density_v2_hz: float, phase: int, ffe=None) -> float:
        """RMS noise at the slicer at ``phase`` for input density N0 (V²/Hz).

        With ``ffe`` (T-spaced taps run on the samples at this phase), the noise after that
        FFE: each tap sees the same source samples q per UI later, so the per-source weights
        add before squaring.
        """
        from .superpose import response_table

        q = self.noise_samples_per_ui
        table = response_table(self.response, self.samples_per_ui, q)
        column = table[:, phase]
        if ffe is not None:
            taps = np.asarray(ffe, dtype=float)
            n = taps.size
            weights = np.zeros(column.size + (n - 1) * q)
            for i, w in enumerate(taps):
                # tap i reads the row (n_pre − i) UIs after the main one: the same weights on
                # source samples i·q places further back (n_pre only shifts the reference).
                weights[i * q : i * q + column.size] += w * column
            column = weights
        src = np.sqrt(noise_density_v2_hz) * self.source_sigma_per_sqrt_density
        return float(src * np.sqrt(np.sum(column**2)))


def noise_from_transfer(
    h_rx_f: np.ndarray, samples_per_ui: int, noise_samples_per_ui: int, f_baud_hz: float
) -> NoiseResponse:
    """The noise response from the Rx transfer function (band-limited to q·f_baud/2).

    Parameters
    ----------
    h_rx_f : complex ndarray
        Rx input to slicer response on an rfft grid at ``samples_per_ui`` per UI, already
        band-limited below ``noise_samples_per_ui · f_baud / 2`` (so that noise samples at q per
        UI, interpolated by this response, have exactly the PSD N0·|H|²).
    """
    s, q = samples_per_ui, noise_samples_per_ui
    g = np.fft.irfft(h_rx_f)
    n = g.size
    g = np.roll(g, n // 2)  # the zero-phase band limit rings on both sides of t = 0
    keep = np.flatnonzero(np.abs(g) >= 1e-5 * np.abs(g).max())
    g = g[keep[0] : keep[-1] + 1]
    return NoiseResponse(
        response=np.ascontiguousarray((s // q) * g),
        samples_per_ui=s,
        noise_samples_per_ui=q,
        source_sigma_per_sqrt_density=float(np.sqrt(q * f_baud_hz / 2.0)),
        window_start=int((keep[0] - n // 2) % n),
    )


def circular_window(p: np.ndarray, start: int, size: int) -> np.ndarray:
    """``size`` samples of the periodic response ``p`` from index ``start`` (wrapping)."""
    return np.ascontiguousarray(p[(start + np.arange(size)) % p.size])
