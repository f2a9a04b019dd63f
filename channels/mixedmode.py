"""Single-ended → mixed-mode S-parameters, explicit port maps and thru-based port-map detection.

Definition (IEEE 802.3 Annex 93A; Bockelman and Eisenstadt 1995): for a pair of single-ended
ports ``(p, n)`` the differential wave is ``(a_p - a_n)/√2`` and the common wave
``(a_p + a_n)/√2``. With the real orthogonal matrix ``M`` holding these rows,
``S_mm = M · S · Mᵀ``, so ``SDD21 = ½ (S_{2p,1p} - S_{2p,1n} - S_{2n,1p} + S_{2n,1n})``.

Port-numbering conventions differ between files (README of ``../shared/channels``):
convention "A" pairs (1,3) at the input and (2,4) at the output (thru 1→2, 3→4); others thru
1→4, 2→3 or 1→3, 2→4. A wrong pairing silently turns a thru into crosstalk, so every conversion
takes an explicit `PortMap`, and `detect_port_map` says what it chose and why.

scikit-rf's ``se2gmm(p)`` pairs single-ended ports (0,1), (2,3), … (0-based) and orders the
result [d1, d2, …, c1, c2, …]. Reordering the single-ended ports to
``[in+, in-, out+, out-, …]`` before ``se2gmm`` gives exactly `mixed_mode`'s result; for a
convention-A 4-port that is ``ntwk.renumber([1, 2], [2, 1])`` (swap ports 2 and 3).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sigint.errors import SigintError

from .network import Network

__all__ = [
    "PortMap",
    "PortMapError",
    "detect_port_map",
    "differential",
    "mixed_mode",
    "mixed_mode_matrix",
    "parse_port_map",
]

#: Fraction of the points above DC (lowest first) over which `detect_port_map` averages |S|.
DETECT_BAND_FRACTION = 0.05
#: The thru pairing's weaker transmission must be at least this large …
DETECT_MIN_THRU = 0.3
#: … and at least this many times the strongest transmission of any other pairing.
DETECT_MIN_RATIO = 2.5


class PortMapError(SigintError, ValueError):
    """A port map is invalid, or none could be detected with confidence."""


def _check_pair(name: str, pair) -> tuple[int, int]:
    try:
        a, b = (int(x) for x in pair)
    except (TypeError, ValueError):
        raise PortMapError(
            f"{name} = {pair!r}: expected two 1-based port numbers (p_plus, p_minus)"
        ) from None
    if a < 1 or b < 1 or any(int(x) != x for x in pair):
        raise PortMapError(f"{name} = {pair!r}: expected positive integer port numbers")
    return a, b


@dataclass(frozen=True)
class PortMap:
    """Which single-ended ports form one differential channel.

    Parameters
    ----------
    inp : tuple of int
        ``(p_plus, p_minus)`` 1-based single-ended ports of the differential input.
    out : tuple of int
        ``(p_plus, p_minus)`` of the differential output.

    Raises
    ------
    PortMapError
        If a port is not a positive integer or the four ports are not distinct.

    Examples
    --------
    >>> print(PortMap((1, 3), (2, 4)))
    (1,3)→(2,4)
    >>> parse_port_map("1,2:4,3")
    PortMap(inp=(1, 2), out=(4, 3))
    """

    inp: tuple[int, int]
    out: tuple[int, int]

    def __post_init__(self):
        inp = _check_pair("inp", self.inp)
        out = _check_pair("out", self.out)
        if len(set(inp + out)) != 4:
            raise PortMapError(
                f"PortMap inp={inp}, out={out}: expected four distinct single-ended ports"
            )
        object.__setattr__(self, "inp", inp)
        object.__setattr__(self, "out", out)

    def __str__(self) -> str:
        return f"({self.inp[0]},{self.inp[1]})→({self.out[0]},{self.out[1]})"

    @property
    def ports(self) -> tuple[int, int, int, int]:
        """``(in+, in-, out+, out-)``, 1-based."""
        return (*self.inp, *self.out)

    def check(self, n_ports: int) -> None:
        """Raise `PortMapError` unless every port exists on an ``n_ports``-port network."""
        big = [p for p in self.ports if p > n_ports]
        if big:
            raise PortMapError(
                f"port map {self}: port {big[0]} does not exist; expected ports 1..{n_ports}"
            )


def parse_port_map(text: str) -> PortMap:
    """Parse ``"in+,in-:out+,out-"`` (e.g. ``"1,3:2,4"``), the CLI's ``--ports`` syntax.

    Parameters
    ----------
    text : str

    Returns
    -------
    PortMap

    Raises
    ------
    PortMapError
        If the text is not two comma-separated pairs joined by ``:``.
    """
    parts = str(text).replace(" ", "").split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        inp, out = (tuple(int(x) for x in part.split(",")) for part in parts)
        if len(inp) != 2 or len(out) != 2:
            raise ValueError
    except ValueError:
        raise PortMapError(
            f"port map {text!r}: expected 'in+,in-:out+,out-' with 1-based ports, e.g. '1,3:2,4'"
        ) from None
    return PortMap(inp, out)  # type: ignore[arg-type]


def mixed_mode_matrix(s: np.ndarray, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """Mixed-mode S of a single-ended ``s`` whose ports are all grouped in ``pairs``.

    Parameters
    ----------
    s : ndarray, shape (nf, 2P, 2P), complex
    pairs : sequence of (p_plus, p_minus), 1-based
        P pairs covering every port once.

    Returns
    -------
    ndarray, shape (nf, 2P, 2P), complex
        Ports ordered ``[d1 … dP, c1 … cP]``: blocks ``[[SDD, SDC], [SCD, SCC]]``.

    Notes
    -----
    ``M S Mᵀ`` with ``M`` orthogonal (rows ``(e_p ∓ e_n)/√2``); O(nf · P³).
    """
    n = s.shape[-1]
    n_pairs = len(pairs)
    m = np.zeros((2 * n_pairs, n))
    r = 1.0 / np.sqrt(2.0)
    for k, (p, q) in enumerate(pairs):
        m[k, p - 1], m[k, q - 1] = r, -r
        m[n_pairs + k, p - 1], m[n_pairs + k, q - 1] = r, r
    return np.einsum("ij,fjk,lk->fil", m, s, m, optimize=True)


def _check_pairs(pairs, n_ports: int, need_all: bool) -> list[tuple[int, int]]:
    if isinstance(pairs, PortMap):
        pairs = [pairs.inp, pairs.out]
    out = [_check_pair(f"pairs[{k}]", p) for k, p in enumerate(pairs)]
    flat = [p for pair in out for p in pair]
    if not out or len(set(flat)) != len(flat):
        raise PortMapError(f"pairs {out}: expected distinct single-ended ports in disjoint pairs")
    if max(flat) > n_ports:
        raise PortMapError(f"pairs {out}: port {max(flat)} does not exist; expected 1..{n_ports}")
    if need_all and len(flat) != n_ports:
        missing = sorted(set(range(1, n_ports + 1)) - set(flat))
        raise PortMapError(
            f"pairs {out} leave ports {missing} unpaired; expected every one of the "
            f"{n_ports} ports in exactly one pair"
        )
    return out


def mixed_mode(network: Network, pairs) -> Network:
    """Full mixed-mode network, ports ``[d1 … dP, c1 … cP]``.

    Parameters
    ----------
    network : Network
        Single-ended, 2P ports.
    pairs : PortMap or sequence of (p_plus, p_minus)
        Every single-ended port in exactly one pair (1-based); differential port k is
        ``pairs[k]``. A `PortMap` means ``[inp, out]``.

    Returns
    -------
    Network
        S blocks ``[[SDD, SDC], [SCD, SCC]]``. ``z_ref_ohm`` is the differential reference
        2·z; the common-mode ports' own reference is z/2 (a `Network` carries one impedance;
        the values are the standard mixed-mode S-parameters either way).

    Raises
    ------
    PortMapError
        If the pairs are not disjoint, name missing ports or leave ports unpaired.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.zeros((1, 4, 4)); s[0, 1, 0] = s[0, 0, 1] = s[0, 3, 2] = s[0, 2, 3] = 1.0
    >>> mm = mixed_mode(Network([1e9], s, 50.0), [(1, 3), (2, 4)])
    >>> round(float(abs(mm.s[0, 1, 0])), 12), mm.z_ref_ohm
    (1.0, 100.0)
    """
    checked = _check_pairs(pairs, network.n_ports, need_all=True)
    return Network(
        network.f_hz, mixed_mode_matrix(np.asarray(network.s), checked), 2 * network.z_ref_ohm
    )


def differential(network: Network, port_map: PortMap | str) -> Network:
    """Differential 2-port (SDD11, SDD12, SDD21, SDD22) of one channel.

    Parameters
    ----------
    network : Network
        Single-ended, ≥ 4 ports; ports not in ``port_map`` are taken as terminated in z_ref.
    port_map : PortMap or str
        The channel's pairs, or the ``"1,3:2,4"`` string form.

    Returns
    -------
    Network
        2-port with ``z_ref_ohm = 2 × network.z_ref_ohm``.

    Raises
    ------
    PortMapError
        If the map names ports the network does not have.
    """
    pm = parse_port_map(port_map) if isinstance(port_map, str) else port_map
    pm.check(network.n_ports)
    idx = np.array(pm.ports) - 1
    sub = np.asarray(network.s)[:, idx[:, None], idx[None, :]]
    mm = mixed_mode_matrix(sub, [(1, 2), (3, 4)])
    return Network(network.f_hz, mm[:, :2, :2], 2 * network.z_ref_ohm)


_PAIRINGS = (((1, 2), (3, 4)), ((1, 3), (2, 4)), ((1, 4), (2, 3)))
_PAIRINGS_ALL = tuple(itertools.combinations(range(1, 5), 2))


def detect_port_map(network: Network) -> tuple[PortMap, str]:
    """Find which single-ended pairing of a 4-port carries the thru.

    For each of the three ways to split ports 1–4 into two transmission paths, average |S_ij|
    (both directions) over the lowest `DETECT_BAND_FRACTION` of the points above DC, where a
    thru is near 1 and coupling is small. The pairing whose weaker path is ≥ `DETECT_MIN_THRU`
    and ≥ `DETECT_MIN_RATIO` × every other path wins.

    Parameters
    ----------
    network : Network
        Single-ended 4-port.

    Returns
    -------
    port_map : PortMap
        Input = port 1 and the lowest-numbered port that is not port 1's thru partner; output
        = their thru partners in the same order (polarity follows the thru).
    reason : str
        The evidence in numbers, e.g. ``"thru on 1→2 and 3→4 (|S| 0.66, 0.66 below 3 GHz; the
        other pairings ≤ 0.18): input (1,3), output (2,4)"``.

    Raises
    ------
    PortMapError
        If the network is not a 4-port (pass an explicit map), or no pairing is clearly a thru
        (crosstalk files have none: use their thru's map).

    Notes
    -----
    Transmission alone cannot tell which end each port is on: (1,3)→(2,4) and (1,4)→(2,3) have
    the same thru paths. The choice "port 1's neighbour at the input is the lowest remaining
    port" matches every convention in ``../shared/channels`` and is stated in the reason.
    """
    if network.n_ports != 4:
        raise PortMapError(
            f"port-map detection needs a 4-port; this network has {network.n_ports} ports: "
            "expected an explicit map, e.g. --ports 1,3:2,4"
        )
    f = np.asarray(network.f_hz)
    pos = np.nonzero(f > 0)[0]
    if pos.size == 0:
        pos = np.arange(f.size)
    band = pos[: max(1, int(DETECT_BAND_FRACTION * pos.size))]
    mag = np.abs(np.asarray(network.s)[band]).mean(axis=0)
    path = {(i, j): 0.5 * (mag[j - 1, i - 1] + mag[i - 1, j - 1]) for i, j in _PAIRINGS_ALL}
    scores = [min(path[a], path[b]) for a, b in _PAIRINGS]
    best = int(np.argmax(scores))
    (a1, a2), (b1, b2) = _PAIRINGS[best]
    others = [path[p] for k, pr in enumerate(_PAIRINGS) if k != best for p in pr]
    f_top = f[band[-1]]
    evidence = (
        f"|S| {path[(a1, a2)]:.2f}, {path[(b1, b2)]:.2f} below {f_top / 1e9:.3g} GHz; "
        f"the other pairings ≤ {max(others):.2f}"
    )
    if scores[best] < DETECT_MIN_THRU or scores[best] < DETECT_MIN_RATIO * max(others):
        raise PortMapError(
            f"no pairing is clearly a thru (best {a1}→{a2} and {b1}→{b2}: {evidence}; need "
            f"≥ {DETECT_MIN_THRU} and ≥ {DETECT_MIN_RATIO}× the others): expected an explicit "
            "port map (for a crosstalk file, its thru's map)"
        )
    partner = {a1: a2, a2: a1, b1: b2, b2: b1}
    in_minus = min(p for p in (2, 3, 4) if p != partner[1])
    pm = PortMap((1, in_minus), (partner[1], partner[in_minus]))
    reason = (
        f"thru on {a1}→{a2} and {b1}→{b2} ({evidence}): input ({pm.inp[0]},{pm.inp[1]}), "
        f"output ({pm.out[0]},{pm.out[1]})"
    )
    return pm, reason
