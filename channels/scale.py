"""Scale a measured uniform cable (a 2-port) to another length: loss in dB linear in length.

A cable of known length ``L_ref`` measured as a Touchstone 2-port (or a mixed-mode 4-port reduced
to its differential 2-port) is taken as one uniform, reciprocal, symmetric line. Its chain
parameters are ``A = D = cosh(γl)``, ``B = Z_c·sinh(γl)``, ``C = sinh(γl)/Z_c``; `scale_line`
extracts ``γl`` and ``Z_c`` and rebuilds the line with ``γl·factor`` and the same ``Z_c``, so the
cable at length ``L`` is ``scale_line(network, L / L_ref)``.

The whole file is treated as line: connectors, paddle cards and any fixture in the measurement
scale with the cable (doubling the length doubles their loss and delay too), and their reflections
are smeared into an average ``Z_c``. A measured cable is not exactly symmetric, so ``A`` is
replaced by ``(A + D)/2``; `line_asymmetry` measures how far that is from the data, and
`scale_line` warns above `ASYMMETRY_WARN`.
"""

from __future__ import annotations

import warnings

import numpy as np

from .line import sinhc
from .network import Network, abcd_to_s

__all__ = ["ASYMMETRY_WARN", "line_asymmetry", "s_to_abcd", "scale_line", "scale_touchstone"]

#: `scale_line` warns when ``line_asymmetry`` (max |A − D| / max |A|) exceeds this.
ASYMMETRY_WARN = 0.05


def s_to_abcd(s, z_ref_ohm: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ABCD (chain) parameters of 2-port S-matrices, both ports at a real ``z_ref_ohm``.

    The inverse of `abcd_to_s`.

    Parameters
    ----------
    s : array_like, shape (nf, 2, 2) or (2, 2), complex
        S-matrices (one matrix is taken as nf = 1).
    z_ref_ohm : float
        Real reference impedance of both ports, Ω.

    Returns
    -------
    a, b, c, d : ndarray, shape (nf,), complex
        ``b`` in Ω, ``c`` in S.

    Raises
    ------
    ValueError
        If ``s`` is not (nf, 2, 2), or S21 is 0 at some frequency (no chain matrix exists).

    Notes
    -----
    With ``Z = z_ref_ohm`` and ``t = 2·S21``: ``A = ((1 + S11)(1 − S22) + S12·S21)/t``,
    ``B = Z·((1 + S11)(1 + S22) − S12·S21)/t``, ``C = ((1 − S11)(1 − S22) − S12·S21)/(Z·t)``,
    ``D = ((1 − S11)(1 + S22) + S12·S21)/t``. O(nf).

    Examples
    --------
    >>> a, b, c, d = s_to_abcd(abcd_to_s(1.0, 25.0, 0.0, 1.0, 50.0), 50.0)  # series 25 Ω
    >>> [round(complex(x[0]).real, 12) for x in (a, b, c, d)]
    [1.0, 25.0, 0.0, 1.0]
    """
    s = np.asarray(s, dtype=complex)
    if s.ndim == 2:
        s = s[None]
    if s.ndim != 3 or s.shape[1:] != (2, 2):
        raise ValueError(f"s has shape {s.shape}: expected (nf, 2, 2)")
    s11, s12, s21, s22 = s[:, 0, 0], s[:, 0, 1], s[:, 1, 0], s[:, 1, 1]
    if np.any(s21 == 0):
        k = int(np.flatnonzero(s21 == 0)[0])
        raise ValueError(f"S21 = 0 at index {k}: expected a 2-port that transmits at every point")
    t = 2.0 * s21
    p = s12 * s21
    a = ((1 + s11) * (1 - s22) + p) / t
    b = z_ref_ohm * ((1 + s11) * (1 + s22) - p) / t
    c = ((1 - s11) * (1 - s22) - p) / (z_ref_ohm * t)
    d = ((1 - s11) * (1 + s22) + p) / t
    return a, b, c, d


def _check_2port(network) -> None:
    if not isinstance(network, Network):
        raise ValueError(f"network is a {type(network).__name__}: expected a 2-port Network")
    if network.n_ports != 2:
        raise ValueError(
            f"network has {network.n_ports} ports: expected a 2-port (reduce a mixed-mode "
            f"4-port to its differential 2-port first, e.g. with scale_touchstone)"
        )


def line_asymmetry(network: Network) -> float:
    """How far a 2-port is from a symmetric line: ``max|A − D| / max|A|`` over frequency.

    Parameters
    ----------
    network : Network
        A 2-port whose S21 is nowhere 0.

    Returns
    -------
    float
        0 for a symmetric network (a uniform line). Where the loss is high it is about
        ``|S11 − S22|`` there (``A − D = (S11 − S22)/S21``), so fixture ends that reflect
        differently show: the IEEE 802.3ck cable assembly ``CA_19p75dB_thru`` reads 0.81,
        1 m of twinax with a 5 fF shunt capacitor at one end 0.30. `scale_line` warns above
        `ASYMMETRY_WARN` (5 %).

    Raises
    ------
    ValueError
        If ``network`` is not a 2-port, or S21 is 0 somewhere.

    Examples
    --------
    >>> from sigint.channels import twinax
    >>> bool(line_asymmetry(twinax(26).network(1.0, [0.0, 1e9, 50e9])) < 1e-15)
    True
    """
    _check_2port(network)
    a, _, _, d = s_to_abcd(network.s, network.z_ref_ohm)
    return float(np.max(np.abs(a - d)) / np.max(np.abs(a)))


def _line_exponent(a_sym: np.ndarray, f_hz: np.ndarray) -> np.ndarray:
    """``γl`` from ``A = cosh(γl)``: the decaying root, its phase unwrapped along frequency."""
    # e^{γl} is the root of y² − 2A·y + 1 = 0 with |y| ≥ 1 (the roots are y and 1/y), taken as
    # A + sqrt(A² − 1) on the branch that adds rather than cancels: e^{−γl} = 1/y keeps full
    # relative precision even at 160 dB, where A − sqrt(A² − 1) would lose every digit.
    root = np.sqrt((a_sym - 1.0) * (a_sym + 1.0))
    y = np.where(np.abs(a_sym + root) >= np.abs(a_sym - root), a_sym + root, a_sym - root)
    x = 1.0 / y  # e^{−γl}, |x| ≤ 1
    phase = np.unwrap(np.angle(x))  # −Im γl, continuous
    if f_hz[0] > 0:
        # no DC point: put the unwrapped phase on the branch that extrapolates to 0 at DC
        # (a pure delay), from the straight line through the first points
        m = min(8, f_hz.size)
        intercept = np.polyfit(f_hz[:m], phase[:m], 1)[1] if m >= 2 else 0.0
        phase = phase - 2.0 * np.pi * np.round(intercept / (2.0 * np.pi))
    else:
        # at DC γl is real (the DC loss): its phase is 0, not a rounding residue of A − 1 ≈ 0
        phase = phase - 2.0 * np.pi * np.round(phase[0] / (2.0 * np.pi))
        phase[0] = 0.0
    return -np.log(np.abs(x)) - 1j * phase


def _passive_rotation(b: np.ndarray, c: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``Z_c'/Z_c``, a unit phasor turning ``arg Z_c`` into the cone of passive lines.

    A uniform line is passive for every length iff ``Re Z' ≥ 0`` and ``Re Y' ≥ 0``, i.e.
    ``Re(θ·Z_c) ≥ 0`` and ``Re(θ/Z_c) ≥ 0``: ``|arg Z_c| ≤ π/2 − |arg θ|``.
    """
    ok = (b != 0) & (c != 0)
    arg_zc = 0.5 * np.angle(np.where(ok, b, 1.0) / np.where(ok, c, 1.0))  # Re Z_c > 0 branch
    limit = np.maximum(np.pi / 2 - np.abs(np.angle(theta)), 0.0)
    return np.where(ok, np.exp(1j * (np.clip(arg_zc, -limit, limit) - arg_zc)), 1.0)


def scale_line(network: Network, factor: float, passive: bool = True) -> Network:
    """The same uniform line ``factor`` times as long: ``γl → factor·γl``, ``Z_c`` unchanged.

    Parameters
    ----------
    network : Network
        A 2-port taken as one uniform, reciprocal line of length ``l`` (a cable measurement:
        the fixture ends in it scale with it, see Notes). Its frequency grid must be fine enough
        for the phase of ``e^{−γl}`` to move less than π per step (``delay·Δf < 0.5``).
    factor : float
        New length over measured length, finite and ≥ 0. 0 gives the thru, 1 the (symmetrised)
        input, 2 the input cascaded with itself.
    passive : bool, default True
        Where the extracted ``Z_c`` and ``γl`` describe no passive line (``Re Z' < 0`` or
        ``Re Y' < 0``, see Notes), turn ``arg Z_c`` to the nearest passive value. A physical
        uniform line is unchanged; a measurement with lumped discontinuities (connector
        launches) needs it, or a fractional ``factor`` can give ``|S| > 1``.

    Returns
    -------
    Network
        Symmetric and reciprocal (S12 = S21, S22 = S11), on the same grid and ``z_ref_ohm``.
        Its matched-line loss ``8.686·Re(γl)`` dB is ``factor`` times the input's.

    Raises
    ------
    ValueError
        If ``network`` is not a 2-port Network, S21 is 0 somewhere, or ``factor`` is not a
        finite number ≥ 0.

    Warns
    -----
    UserWarning
        If `line_asymmetry` exceeds `ASYMMETRY_WARN` (5 %): the network is not a line (a
        one-sided fixture or discontinuity) and the symmetrised result misrepresents it.

    Notes
    -----
    From the ABCD matrix (`s_to_abcd`), with ``A_sym = (A + D)/2 = cosh θ`` (``θ = γl``):

    - ``e^{−θ}`` is the root of ``x² − 2A_sym·x + 1 = 0`` with ``|x| ≤ 1`` (the decaying
      wave), computed as ``1/(A_sym + sqrt(A_sym² − 1))`` so it is accurate at any loss;
    - ``Re θ = −ln|x|``; ``Im θ = −unwrap(arg x)`` along frequency, 0 at DC (where ``θ`` is
      real: the DC loss). Without a DC point the unwrapped phase is shifted by the multiple of
      2π that makes its straight-line fit through the first points pass through 0 at DC;
    - the rebuilt line has ``A' = D' = cosh(kθ)``, ``B' = Z_c·sinh(kθ)``,
      ``C' = sinh(kθ)/Z_c`` with ``Z_c = sqrt(B/C)`` (Re > 0). It is evaluated as
      ``B' = ρ·B·k·sinhc(kθ)/sinhc(θ)`` (and likewise ``C'``), with
      ``ρ² = sinh²θ/(B·C) = 1 + ((A − D)/2)²/(B·C)`` (1 for a symmetric input; the input
      is taken as reciprocal, ``AD − BC = 1``), which is the same number but stays finite
      where ``Z_c`` does not: at DC a cable is the series resistance
      ``B = R_dc·l`` with ``C = 0`` and ``θ = 0``, and scales to ``B' = k·R_dc·l``.
    - with ``passive=True``, ``arg Z_c`` is clipped to ``±(π/2 − |arg θ|)``: then
      ``Z' ∝ θ·Z_c`` and ``Y' ∝ θ/Z_c`` have non-negative real parts and every length of the
      rebuilt line is passive (where the data's own ``Re θ ≥ 0``). Lumped reflections make the
      extracted ``Z_c`` swing far outside that cone (a symmetric line with 30 fF at each end
      scaled ×0.5 reaches ``max σ(S) = 1.5`` without it, the IEEE 802.3ck cable assembly
      ×0.5 1.55 at 240 MHz). The clipped line keeps ``θ`` (the Bloch loss of the section,
      which includes the reflections' share); at ×1 its insertion loss exceeds the input's by
      0.04 dB at 26.6 GHz for that cable assembly, 0.05 dB for 10 fF pads on 1 m of twinax
      and 0.66 dB for 30 fF pads. ``passive=False`` keeps ``Z_c`` as extracted: exact at
      integer factors (cascades of the symmetrised input), possibly active between them.

    What is *not* a line is scaled with it: connectors, vias and paddle cards in the file are
    stretched in loss and delay by ``factor``, and their reflections are averaged into ``Z_c``
    (so |S11| ripple of the result differs from a measurement of the longer cable). De-embed the
    fixtures first where they matter. For a uniform line (an RLGC model) the result equals the
    model at the new length to rounding: 1 m of 26 AWG on 0–100 GHz (2001 points) scaled
    ×2.5 is within 1.0e-12 of the 2.5 m model in S21 (the ulp of its 2570 rad phase is
    4.5e-13) and 2e-15 in S11.

    O(nf).

    Examples
    --------
    >>> import numpy as np
    >>> from sigint.channels import twinax
    >>> f = np.linspace(0.0, 100e9, 201)
    >>> one_m = twinax(26).network(1.0, f)
    >>> bool(scale_line(one_m, 2.5).allclose(twinax(26).network(2.5, f), rtol=0, atol=1e-9))
    True
    >>> bool(scale_line(one_m, 0.0).allclose(one_m.thru(f), rtol=0, atol=1e-15))
    True
    """
    _check_2port(network)
    if isinstance(factor, bool):
        raise ValueError(f"factor = {factor!r}: expected a finite number ≥ 0")
    try:
        k = float(factor)
    except (TypeError, ValueError):
        raise ValueError(f"factor = {factor!r}: expected a finite number ≥ 0") from None
    if not np.isfinite(k) or k < 0:
        raise ValueError(f"factor = {factor!r}: expected a finite number ≥ 0")

    z = network.z_ref_ohm
    a, b, c, d = s_to_abcd(network.s, z)
    asym = float(np.max(np.abs(a - d)) / np.max(np.abs(a)))
    if asym > ASYMMETRY_WARN:
        warnings.warn(
            f"line_asymmetry = {asym:.3g} (max |A − D| / max |A|) exceeds "
            f"{ASYMMETRY_WARN:g}: the network is not a symmetric line (a one-sided fixture?); "
            "scale_line scales its symmetrised average (A + D)/2",
            stacklevel=2,
        )
    a_sym = 0.5 * (a + d)
    theta = _line_exponent(a_sym, network.f_hz)
    # ρ² = sinh²θ/(B·C) = 1 + ((A − D)/2)²/(B·C) when AD − BC = 1 (the rebuilt line is
    # reciprocal); the second form stays accurate where θ → 0 and the first is 0/0 (DC of a
    # line with G = 0, B·C = 0 up to rounding); where B·C = 0 the limit is ρ = 1
    bc = b * c
    ok = bc != 0
    rho = np.sqrt(1.0 + np.where(ok, (0.5 * (a - d)) ** 2, 0.0) / np.where(ok, bc, 1.0))
    rho = np.where(rho.real < 0, -rho, rho)
    ratio = rho * k * sinhc(k * theta) / sinhc(theta)  # sinh(kθ)/sinh(θ), times ρ
    turn = _passive_rotation(b, c, theta) if passive else 1.0  # Z_c'/Z_c
    a_new = np.cosh(k * theta)
    s = abcd_to_s(a_new, b * ratio * turn, c * ratio / turn, a_new, z, reciprocal=True)
    return Network(network.f_hz, s, z)


def scale_touchstone(path, ref_length_m: float, length_m: float, ports=None) -> Network:
    """A measured cable's Touchstone file scaled from ``ref_length_m`` to ``length_m``.

    Parameters
    ----------
    path : str or os.PathLike
        A 2-port file (taken as the differential channel itself) or a single-ended 4-port
        (reduced to its differential 2-port, SDD).
    ref_length_m : float
        Length of the measured cable in m, finite and > 0.
    length_m : float
        Wanted length in m, finite and ≥ 0.
    ports : str or PortMap, optional
        Port map of a 4-port file (``"1,3:2,4"``); detected from the thru when omitted.

    Returns
    -------
    Network
        ``scale_line(sdd, length_m / ref_length_m)`` on the file's own grid and reference
        impedance (100 Ω for a 4-port at 50 Ω). Run it through
        :func:`sigint.channels.hygiene.prepare` to put it on a simulation grid.

    Raises
    ------
    ValueError
        If a length is out of range, or as `scale_line` does; the reader's errors
        (``TouchstoneError``, ``PortMapError``, both ValueErrors) for a bad file or port map.

    Warns
    -----
    UserWarning
        As `scale_line`, when the file is more than 5 % asymmetric.

    Notes
    -----
    The file is read by :func:`sigint.channel.read_differential` (cached per modification), the
    loader the channel builder uses, so port-map detection is the same. The fixture ends in the
    file scale with the cable (see `scale_line`).
    """
    for name, v, lo_ok in (("ref_length_m", ref_length_m, False), ("length_m", length_m, True)):
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = np.nan
        if isinstance(v, bool) or not np.isfinite(x) or x < 0 or (x == 0 and not lo_ok):
            want = "≥ 0" if lo_ok else "> 0"
            raise ValueError(f"{name} = {v!r}: expected a finite length {want} m")
    from sigint.channel import read_differential  # sigint.channel imports this package

    network, _ = read_differential(path, ports)
    return scale_line(network, float(length_m) / float(ref_length_m))
