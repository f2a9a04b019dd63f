"""Waveform rows of one or more input streams, each through its own sampled response.

A stream is a sequence of values at ``rate`` per UI (symbol levels: 1; Rx noise: q) and a 1-D
response sampled at S samples per UI. Input j is an impulse at sample ``j·S/rate`` of the
waveform; row k, phase p is the waveform (every stream's impulses convolved with its response)
at sample ``(k + span − 1)·S + p``, in the UI of the row's last ``rate`` inputs::

    out[k, p] = Σ_streams Σ_j x[(k + span − 1)·rate + j] · f[p − j·S/rate],   j ≤ rate − 1

(``span`` = the response's length in UI, so every input's history is carried; ``f`` is zero at
negative indices). With the table of :func:`response_table` this is exactly the polyphase kernel
:func:`sigint.kernels.superpose.superpose_pulses`. Two methods compute it:

``direct``
    The Numba polyphase kernel, cost ∝ span × phases per UI; best for few phases (the slicer
    alone) or short pulses.
``fft``
    Overlap-save FFT convolution. The upsampled input is zero between its samples, so its
    spectrum is the input's own FFT repeated S/rate times: one small FFT per stream, one
    product, and a single inverse FFT of the summed spectra give every phase at a cost ∝ S·log N
    per UI, independent of the span — what a long skin-effect tail needs.

``auto`` picks by the measured cost model below.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Literal

import numpy as np
import scipy.fft as sfft

from .kernels.spectrum import accumulate_tiled_product
from .kernels.superpose import superpose_pulses

SuperposeMethod = Literal["auto", "direct", "fft"]

# Measured on one core (Xeon, float64): the direct kernel does ~7e9 multiply-adds/s; the FFT
# path costs ~16 ns per output sample. Direct wins when taps × phases < ~110 × S.
_DIRECT_MAC_PER_S = 7e9
_FFT_S_PER_SAMPLE = 16e-9
# The FFT path transforms blocks of at least this many rows (and 8 spans), whatever the chunk:
# a 4096-row block at 32 phases (131k points) stays in cache; measured on the demo chain, eye
# on, one core: 1.62 M symbols/s in 4096-row blocks against 1.09 M in 32768-row ones.
_FFT_BLOCK_ROWS = 4096
# FFT plans (each stream's shifted response spectrum) of the last few links, by content: a
# study that runs the same link again (seeds, noise, symbol counts) skips the response FFTs
# (~25 ms per run for a 300-UI pulse at 32 phases). Read-only arrays, so sharing is safe.
_PLAN_CACHE: OrderedDict = OrderedDict()
_PLAN_CACHE_SIZE = 8


def response_table(response: np.ndarray, samples_per_ui: int, rate: int) -> np.ndarray:
    """Polyphase table ``table[m, p] = f[p + m·S/rate − (S − S/rate)]`` of a 1-D response.

    ``f`` is zero outside its samples. The ``S − S/rate`` leading zeros give every phase of a
    row the inputs that arrive during its UI after the first (``rate`` > 1 only): without
    them phase p would miss ``p // (S/rate)`` causal terms that the FFT path includes.
    """
    step = samples_per_ui // rate
    lead = samples_per_ui - step
    n_taps = -(-max(lead + response.size - samples_per_ui, 0) // step) + 1
    n_taps = -(-n_taps // rate) * rate
    padded = np.zeros(n_taps * step + samples_per_ui)
    padded[lead : lead + response.size] = response
    idx = np.arange(samples_per_ui)[None, :] + step * np.arange(n_taps)[:, None]
    return np.ascontiguousarray(padded[idx])


class Superposer:
    """Computes waveform rows from streams; prepared once, applied chunk by chunk.

    Parameters
    ----------
    responses : list of ndarray
        Each stream's 1-D response at ``samples_per_ui`` samples per UI.
    rates : list of int
        Each stream's input values per UI (dividing ``samples_per_ui``).
    samples_per_ui : int
    phases : ndarray of int
        Output phases wanted (all S for an eye, the slicer phase alone otherwise).
    method : {"auto", "direct", "fft"}
    fft_precision : {"single", "double"}
        Arithmetic of the FFT path. Single precision rounds the waveform at ~1e-7 of its peak
        (−140 dB, far below any noise a link has) and halves the FFT time.

    Attributes
    ----------
    spans : list of int
        Each stream's span in UI: a chunk of n rows needs ``(n + span − 1)·rate`` inputs,
        the first ``(span − 1)·rate`` being the previous chunk's last ones.
    method : str
        The method in use.
    """

    def __init__(
        self, responses, rates, samples_per_ui: int, phases, method="auto", fft_precision="single"
    ):
        s = samples_per_ui
        self.s = s
        self.rates = [int(r) for r in rates]
        self.phases = np.asarray(phases, dtype=np.int64)
        self.tables = [
            response_table(np.asarray(f, float), s, r)
            for f, r in zip(responses, self.rates, strict=True)
        ]
        self.spans = [t.shape[0] // r for t, r in zip(self.tables, self.rates, strict=True)]
        taps_phases = sum(t.shape[0] for t in self.tables) * self.phases.size
        if method == "auto":
            direct = taps_phases / _DIRECT_MAC_PER_S
            method = "direct" if direct < _FFT_S_PER_SAMPLE * s else "fft"
        if method not in ("direct", "fft"):
            raise ValueError(f"method = {method!r}: expected 'auto', 'direct' or 'fft'")
        self.method = method
        if fft_precision not in ("single", "double"):
            raise ValueError(f"fft_precision = {fft_precision!r}: expected 'single' or 'double'")
        self.real = np.float32 if fft_precision == "single" else np.float64
        self.all_phases = np.array_equal(self.phases, np.arange(s))
        self.direct_tables = [np.ascontiguousarray(t[:, self.phases]) for t in self.tables]
        self._fft_plan: tuple | None = None
        self._scratch: np.ndarray | None = None

    def history_length(self, stream: int) -> int:
        """Inputs of history stream ``stream`` needs before each chunk."""
        return (self.spans[stream] - 1) * self.rates[stream]

    def __call__(self, inputs, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (n_rows × n_phases) from each stream's history-extended input."""
        n = out.shape[0]
        if self.method == "direct":
            for i, (x, table, rate) in enumerate(
                zip(inputs, self.direct_tables, self.rates, strict=False)
            ):
                target = out if i == 0 else self._scratch_rows(out.shape)
                superpose_pulses(x, table, rate, target)
                if i:
                    out += target
            return out
        block = max(_FFT_BLOCK_ROWS, 8 * max(self.spans))
        for r0 in range(0, n, block):
            r1 = min(r0 + block, n)
            parts = [
                x[r0 * rate : (r1 + span - 1) * rate]
                for x, rate, span in zip(inputs, self.rates, self.spans, strict=False)
            ]
            self._fft_rows(parts, out[r0:r1])
        return out

    def _fft_rows(self, inputs, out: np.ndarray) -> None:
        """The FFT path on one block of rows (inputs history-extended for it)."""
        n = out.shape[0]
        spectra, nf, n_fft = self._plan(n)
        total = np.zeros(n_fft // 2 + 1, spectra[0].dtype)
        for x, rate, f_shifted in zip(inputs, self.rates, spectra, strict=False):
            x_f = sfft.fft(x.astype(self.real, copy=False), rate * nf)
            accumulate_tiled_product(x_f, f_shifted, total)
        y = sfft.irfft(total, n_fft, overwrite_x=True)[: n * self.s].reshape(n, self.s)
        if self.all_phases:
            out[:] = y
        else:
            out[:] = y[:, self.phases]

    def _scratch_rows(self, shape):
        if self._scratch is None or self._scratch.shape[0] < shape[0]:
            self._scratch = np.empty(shape)
        return self._scratch[: shape[0]]

    def _plan(self, n: int):
        """FFT size and each stream's shifted response spectrum for chunks of up to ``n`` rows.

        A plan made for n rows serves every shorter chunk (its FFT only needs to be long
        enough), so a run builds one.
        """
        if self._fft_plan is None or self._fft_plan[0] < n:
            s = self.s
            nf = sfft.next_fast_len(n + 2 * max(self.spans) + 2)
            key = (self._content_key(), nf)
            spectra = _PLAN_CACHE.get(key)
            if spectra is None:
                spectra = self._spectra(nf * s)
                _PLAN_CACHE[key] = spectra
                while len(_PLAN_CACHE) > _PLAN_CACHE_SIZE:
                    _PLAN_CACHE.popitem(last=False)
            else:
                _PLAN_CACHE.move_to_end(key)
            self._fft_plan = (n, spectra, nf, nf * s)
        return self._fft_plan[1:]

    def _content_key(self) -> bytes:
        """The tables, rates, phases-per-UI and precision, hashed."""
        h = hashlib.blake2b(digest_size=16)
        h.update(repr((self.s, self.rates, np.dtype(self.real).str)).encode())
        for table in self.tables:
            h.update(repr(table.shape).encode())
            h.update(table.tobytes())
        return h.digest()

    def _spectra(self, n_fft: int) -> list:
        """Each stream's response spectrum at ``n_fft``, shifted so ``out[k, p]`` sits at
        ``y[k·S + p]``; made read-only (plans are shared)."""
        s = self.s
        nu = np.arange(n_fft // 2 + 1)
        spectra = []
        for table, rate, span in zip(self.tables, self.rates, self.spans, strict=True):
            step = s // rate
            f = np.zeros(table.shape[0] * step + s)
            for m in range(table.shape[0]):
                f[m * step : m * step + s] = table[m]
            base = span * s - step  # out[k, p] sits at y[k·S + p + base]
            shifted = sfft.rfft(f, n_fft) * np.exp(2j * np.pi * nu * base / n_fft)
            shifted = shifted.astype(np.result_type(self.real, 1j))
            shifted.flags.writeable = False
            spectra.append(shifted)
        return spectra
