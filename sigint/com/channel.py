"""COM's channel side: the frequency grid, device packages per test case, and 93A-18.

Every channel file (thru, FEXT, NEXT) is read as a differential 2-port on COM's grid (sigint's
reader and S-parameter hygiene: DC point, band extension and checks, each stated), cascaded with
the package of its transmitter (victim/FEXT: the Tx package, NEXT: its own length) and the
receiver's package, and terminated by the device impedance R_d (93A-18):

    H21 = S21 (1 − Γ1)(1 + Γ2) / (1 − S11 Γ1 − S22 Γ2 + Γ1 Γ2 ΔS),  Γ = (R_d − R_0)/(R_d + R_0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..channel import read_differential, touchstone_block
from ..channels.boardline import GammaLine
from ..channels.network import Network
from ..channels.package import HostBoard, LineSegment, PackageModel
from .params import ComParams

Role = Literal["tx", "fext", "next", "rx"]


def com_grid(params: ComParams) -> tuple[np.ndarray, np.ndarray]:
    """COM's time and frequency grids, as the reference code builds them.

    Time: 0 … 1/Δf in steps of UI/M (one period of the frequency step); frequency: 0 … the
    Nyquist frequency of that time step, in steps of Δf.

    Returns
    -------
    t_s, f_hz : ndarray
    """
    t_step = params.ui_s / params.samples_per_ui
    t = np.arange(0.0, 1.0 / params.f_step_hz, t_step)
    f_max = 0.5 / t_step
    f = np.arange(0.0, f_max + params.f_step_hz, params.f_step_hz)
    return t, f


def package_model(params: ComParams, case: int, role: Role) -> PackageModel:
    """The device + package (+ host board) of one end in package test case ``case``."""
    pkg = params.package
    z_p = {
        "tx": pkg.z_p_tx_m,
        "fext": pkg.z_p_fext_m,
        "next": pkg.z_p_next_m,
        "rx": pkg.z_p_rx_m,
    }[role][case]

    def line(zc):
        return GammaLine(
            zc, pkg.gamma0_per_mm, pkg.a1_sqrt_ns_per_mm, pkg.a2_ns_per_mm, pkg.tau_ns_per_mm
        )

    segments = [LineSegment(line(pkg.z_c_ohm[0]), z_p)]
    segments += [
        LineSegment(line(z), length)
        for z, length in zip(pkg.z_c_ohm[1:], pkg.z_rest_m, strict=True)
    ]
    host = None
    if pkg.host_length_m > 0:
        board = GammaLine(
            pkg.host_z_c_ohm, 0.0, pkg.host_a1_sqrt_ns_per_mm, pkg.host_a2_ns_per_mm,
            pkg.host_tau_ns_per_mm,
        )  # fmt: skip
        host = HostBoard(LineSegment(board, pkg.host_length_m), pkg.host_c0_f, pkg.host_c1_f)
    c_d, l_s = pkg.die_rx if role == "rx" else (pkg.c_d_f, pkg.l_s_h)
    return PackageModel(
        c_d_f=c_d,
        l_s_h=l_s,
        c_b_f=pkg.c_b_f,
        segments=tuple(segments),
        c_p_f=pkg.c_p_f,
        host=host,
        side="rx" if role == "rx" else "tx",
        name=f"{params.name} {role} case {case + 1}",
    )


def terminated_h21(net: Network, gamma1: float, gamma2: float) -> np.ndarray:
    """The voltage transfer function of a 2-port between terminations Γ1, Γ2 (93A-18)."""
    s11, s12, s21, s22 = net.s[:, 0, 0], net.s[:, 0, 1], net.s[:, 1, 0], net.s[:, 1, 1]
    ds = s11 * s22 - s12 * s21
    den = 1 - s11 * gamma1 - s22 * gamma2 + gamma1 * gamma2 * ds
    return s21 * (1 - gamma1) * (1 + gamma2) / den


@dataclass(frozen=True)
class ComChannel:
    """One channel file on COM's grid: its kind, its block, and how it was read."""

    kind: Literal["thru", "fext", "next"]
    path: str
    block: Network
    info: object
    f_data_max_hz: float = np.inf


def read_channel(params: ComParams, kind, path, f_hz, ports=None) -> ComChannel:
    """A channel file as a differential block on ``f_hz`` at 2·R_0 (see the module docstring)."""
    block, info = touchstone_block(path, ports, f_hz)
    raw, _ = read_differential(path, ports)  # cached: the file's own grid
    z_ref = 2 * params.r0_ohm
    if abs(block.z_ref_ohm - z_ref) > 1e-9:
        block = block.renormalized(z_ref)
    return ComChannel(kind, str(path), block, info, float(raw.f_hz[-1]))


def channel_h21(params: ComParams, ch: ComChannel, case: int, cache: dict | None = None):
    """H21 (93A-18) of a channel with its packages in test case ``case``.

    ``cache`` (a dict, per case and grid) keeps the package networks across channels.
    """
    f = ch.block.f_hz
    z_ref = 2 * params.r0_ohm
    cache = {} if cache is None else cache

    def net(role):
        if role not in cache:
            cache[role] = package_model(params, case, role).network(f, z_ref)
        return cache[role]

    tx = net("tx" if ch.kind == "thru" else ch.kind)
    rx = net("rx")
    gamma = (params.rd_ohm - params.r0_ohm) / (params.rd_ohm + params.r0_ohm)
    return terminated_h21(tx**ch.block**rx, gamma, gamma)
