"""Frequency-domain S-parameters: a minimal, immutable ``Network`` over plain-array functions.

The object mirrors ``skrf.Network`` where it matters here (``a ** b`` cascades two 2-ports,
``cascade_list`` chains them), but every method delegates to a function over plain arrays
(``cascade_s``, ``abcd_to_s``) so that engines can use the arrays without the object.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Network", "abcd_to_s", "cascade_list", "cascade_s"]


def cascade_s(sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
    """Cascade two 2-port S-matrices (Redheffer star product), port 2 of ``a`` to port 1 of ``b``.

    Parameters
    ----------
    sa, sb : ndarray, shape (nf, 2, 2), complex
        S-matrices on the same frequency grid and reference impedance.

    Returns
    -------
    ndarray, shape (nf, 2, 2), complex
        S-matrix of the cascade.

    Raises
    ------
    ValueError
        If the shapes are not (nf, 2, 2) or differ.

    Notes
    -----
    With ``d = 1 - a22·b11``: ``S11 = a11 + a12·b11·a21/d``, ``S21 = a21·b21/d``,
    ``S12 = a12·b12/d``, ``S22 = b22 + b21·a22·b12/d``. O(nf).
    """
    sa = np.asarray(sa)
    sb = np.asarray(sb)
    if sa.ndim != 3 or sa.shape[1:] != (2, 2) or sa.shape != sb.shape:
        raise ValueError(f"cascade_s needs two (nf, 2, 2) arrays, got {sa.shape} and {sb.shape}")
    a11, a12, a21, a22 = sa[:, 0, 0], sa[:, 0, 1], sa[:, 1, 0], sa[:, 1, 1]
    b11, b12, b21, b22 = sb[:, 0, 0], sb[:, 0, 1], sb[:, 1, 0], sb[:, 1, 1]
    d = 1.0 - a22 * b11
    out = np.empty(sa.shape, dtype=np.result_type(sa, sb, complex))
    out[:, 0, 0] = a11 + a12 * b11 * a21 / d
    out[:, 0, 1] = a12 * b12 / d
    out[:, 1, 0] = a21 * b21 / d
    out[:, 1, 1] = b22 + b21 * a22 * b12 / d
    return out


def abcd_to_s(a, b, c, d, z_ref_ohm: float, reciprocal: bool = False) -> np.ndarray:
    """S-matrix of a 2-port from its ABCD (chain) parameters, both ports at ``z_ref_ohm``.

    Parameters
    ----------
    a, b, c, d : array_like, shape (nf,), complex
        Chain parameters; ``b`` in ohms, ``c`` in siemens.
    z_ref_ohm : float
        Real reference impedance of both ports.
    reciprocal : bool, default False
        Take ``AD - BC = 1`` instead of computing it. Use it for reciprocal networks whose A and
        D are large (a long lossy line: ``cosh² - sinh²`` loses every digit), so S12 = S21.

    Returns
    -------
    ndarray, shape (nf, 2, 2), complex

    Notes
    -----
    With ``den = A + B/Z + C·Z + D``: ``S11 = (A + B/Z - C·Z - D)/den``,
    ``S12 = 2(AD - BC)/den``, ``S21 = 2/den``, ``S22 = (-A + B/Z - C·Z + D)/den``.
    """
    a, b, c, d = np.broadcast_arrays(*(np.asarray(x, dtype=complex) for x in (a, b, c, d)))
    bz = b / z_ref_ohm
    cz = c * z_ref_ohm
    den = a + bz + cz + d
    s = np.empty((*a.shape, 2, 2), dtype=complex)
    s[..., 0, 0] = (a + bz - cz - d) / den
    s[..., 1, 0] = 2.0 / den
    s[..., 0, 1] = s[..., 1, 0] if reciprocal else 2.0 * (a * d - b * c) / den
    s[..., 1, 1] = (-a + bz - cz + d) / den
    return s


def _readonly(x: np.ndarray) -> np.ndarray:
    x = np.array(x, copy=True)
    x.setflags(write=False)
    return x


class Network:
    """S-parameters of an n-port on a frequency grid, with one real reference impedance.

    Immutable by convention: the arrays are read-only copies, and every operation returns a new
    ``Network``.

    Parameters
    ----------
    f_hz : array_like, shape (nf,)
        Frequencies in Hz, strictly increasing, ≥ 0.
    s : array_like, shape (nf, n, n)
        S-matrices; ``s[k, i, j]`` is the wave out of port ``i+1`` per wave into port ``j+1``.
    z_ref_ohm : float, default 100.0
        Real reference impedance of every port (100 Ω for a differential 2-port).

    Raises
    ------
    ValueError
        If the shapes disagree, the grid is not increasing or ``z_ref_ohm`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> thru = Network.thru(np.array([0.0, 1e9]))
    >>> bool((thru ** thru).allclose(thru))
    True
    """

    __slots__ = ("f_hz", "s", "z_ref_ohm")
    __hash__ = None  # type: ignore[assignment]  # mutable-looking arrays; equality is exact

    def __init__(self, f_hz, s, z_ref_ohm: float = 100.0):
        f = np.asarray(f_hz, dtype=float)
        s_arr = np.asarray(s, dtype=complex)
        if f.ndim != 1 or f.size == 0:
            raise ValueError(f"f_hz must be a non-empty 1-D array, got shape {f.shape}")
        if np.any(f < 0) or np.any(np.diff(f) <= 0):
            raise ValueError("f_hz must be ≥ 0 and strictly increasing")
        if s_arr.ndim != 3 or s_arr.shape[0] != f.size or s_arr.shape[1] != s_arr.shape[2]:
            raise ValueError(f"s must have shape (nf={f.size}, n, n), got {s_arr.shape}")
        z = float(z_ref_ohm)
        if not np.isfinite(z) or z <= 0:
            raise ValueError(f"z_ref_ohm = {z_ref_ohm!r}: expected a positive finite number")
        object.__setattr__(self, "f_hz", _readonly(f))
        object.__setattr__(self, "s", _readonly(s_arr))
        object.__setattr__(self, "z_ref_ohm", z)

    def __setattr__(self, name, value):
        raise AttributeError(f"Network is immutable; cannot set {name!r}")

    def __reduce__(self):
        # pickled through the constructor (worker processes), which re-validates and freezes
        return (type(self), (self.f_hz, self.s, self.z_ref_ohm))

    def __repr__(self) -> str:
        f = self.f_hz
        return (
            f"Network({self.n_ports}-port, {f.size} points, {f[0] / 1e9:g}–{f[-1] / 1e9:g} GHz, "
            f"z_ref={self.z_ref_ohm:g} Ω)"
        )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def thru(cls, f_hz, z_ref_ohm: float = 100.0) -> Network:
        """Ideal 2-port thru (S21 = S12 = 1, S11 = S22 = 0), the identity of ``**``.

        Parameters
        ----------
        f_hz : array_like, shape (nf,)
            Frequencies in Hz.
        z_ref_ohm : float, default 100.0
            Reference impedance.

        Returns
        -------
        Network
        """
        f = np.asarray(f_hz, dtype=float)
        s = np.zeros((f.size, 2, 2), dtype=complex)
        s[:, 0, 1] = s[:, 1, 0] = 1.0
        return cls(f, s, z_ref_ohm)

    @classmethod
    def from_skrf(cls, ntwk) -> Network:
        """Build from a ``skrf.Network`` whose ports share one real reference impedance.

        Parameters
        ----------
        ntwk : skrf.Network

        Returns
        -------
        Network

        Raises
        ------
        ValueError
            If the reference impedances are complex or differ between ports or frequencies.
        """
        z0 = np.asarray(ntwk.z0)
        z = complex(z0.flat[0])
        if not np.allclose(z0, z, rtol=0.0, atol=1e-12 * abs(z)) or abs(z.imag) > 0:
            raise ValueError(
                f"from_skrf needs one real reference impedance for every port, got z0 from "
                f"{z0.min()} to {z0.max()}"
            )
        return cls(ntwk.f, ntwk.s, z.real)

    def to_skrf(self):
        """Return the equivalent ``skrf.Network`` (frequency in Hz, same S and z0).

        Returns
        -------
        skrf.Network
        """
        import skrf

        freq = skrf.Frequency.from_f(np.array(self.f_hz), unit="hz")
        return skrf.Network(frequency=freq, s=np.array(self.s), z0=self.z_ref_ohm)

    # ------------------------------------------------------------------ properties
    @property
    def n_ports(self) -> int:
        """Number of ports."""
        return self.s.shape[1]

    @property
    def s11(self) -> np.ndarray:
        """Input reflection ``S11``, shape (nf,)."""
        return self.s[:, 0, 0]

    @property
    def s21(self) -> np.ndarray:
        """Forward transmission ``S21``, shape (nf,)."""
        self._need_2port("s21")
        return self.s[:, 1, 0]

    @property
    def insertion_loss_db(self) -> np.ndarray:
        """Insertion loss ``-20·log10|S21|`` in dB (positive for a lossy channel), shape (nf,)."""
        with np.errstate(divide="ignore"):
            return -20.0 * np.log10(np.abs(self.s21))

    # ------------------------------------------------------------------ checks
    def max_singular_value(self) -> np.ndarray:
        """Largest singular value of ``S`` at each frequency, shape (nf,).

        A network is passive where it is ≤ 1 (it returns no more power than it receives).
        """
        return np.linalg.svd(self.s, compute_uv=False)[:, 0]

    def is_passive(self, tol: float = 1e-9) -> bool:
        """Whether ``max_singular_value() ≤ 1 + tol`` at every frequency."""
        return bool(np.all(self.max_singular_value() <= 1.0 + tol))

    def is_reciprocal(self, tol: float = 1e-12) -> bool:
        """Whether ``|S - Sᵀ| ≤ tol`` elementwise at every frequency."""
        return bool(np.all(np.abs(self.s - np.swapaxes(self.s, 1, 2)) <= tol))

    def allclose(self, other: Network, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
        """Whether ``other`` has the same grid and z_ref and ``S`` equal within tolerance.

        Parameters
        ----------
        other : Network
        rtol, atol : float
            As in ``numpy.allclose`` on ``S``.

        Returns
        -------
        bool
        """
        return (
            self.s.shape == other.s.shape
            and np.array_equal(self.f_hz, other.f_hz)
            and self.z_ref_ohm == other.z_ref_ohm
            and bool(np.allclose(self.s, other.s, rtol=rtol, atol=atol))
        )

    def __eq__(self, other) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return (
            self.s.shape == other.s.shape
            and np.array_equal(self.f_hz, other.f_hz)
            and self.z_ref_ohm == other.z_ref_ohm
            and np.array_equal(self.s, other.s)
        )

    # ------------------------------------------------------------------ cascade
    def _need_2port(self, what: str) -> None:
        if self.n_ports != 2:
            raise ValueError(f"{what} needs a 2-port, this network has {self.n_ports} ports")

    def renormalized(self, z_ref_ohm: float) -> Network:
        """The same circuit referred to another real reference impedance (all ports).

        S' = (S − rI)(I − rS)⁻¹ with r = (z_new − z_old)/(z_new + z_old).
        """
        r = (z_ref_ohm - self.z_ref_ohm) / (z_ref_ohm + self.z_ref_ohm)
        eye = np.eye(self.n_ports)
        s = self.s
        s_new = np.linalg.solve((eye - r * s).transpose(0, 2, 1), (s - r * eye).transpose(0, 2, 1))
        return Network(self.f_hz, s_new.transpose(0, 2, 1), z_ref_ohm)

    def __pow__(self, other: Network) -> Network:
        """Cascade ``self`` (port 2) into ``other`` (port 1); see `cascade_s`."""
        if not isinstance(other, Network):
            return NotImplemented
        self._need_2port("cascade")
        other._need_2port("cascade")
        if self.f_hz.shape != other.f_hz.shape or not np.array_equal(self.f_hz, other.f_hz):
            raise ValueError(
                f"cannot cascade networks on different frequency grids: {self.f_hz.size} points "
                f"{self.f_hz[0]:g}–{self.f_hz[-1]:g} Hz vs {other.f_hz.size} points "
                f"{other.f_hz[0]:g}–{other.f_hz[-1]:g} Hz"
            )
        if self.z_ref_ohm != other.z_ref_ohm:
            raise ValueError(
                f"cannot cascade networks with different z_ref_ohm: "
                f"{self.z_ref_ohm:g} Ω vs {other.z_ref_ohm:g} Ω"
            )
        return Network(self.f_hz, cascade_s(self.s, other.s), self.z_ref_ohm)


def cascade_list(networks: Sequence[Network]) -> Network:
    """Cascade 2-ports in order, ``networks[0] ** networks[1] ** …``.

    Parameters
    ----------
    networks : sequence of Network
        At least one 2-port, all on the same grid and z_ref.

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        If the sequence is empty or the networks do not match.
    """
    networks = list(networks)
    if not networks:
        raise ValueError("cascade_list needs at least one network, got none")
    out = networks[0]
    for n in networks[1:]:
        out = out**n
    return out
