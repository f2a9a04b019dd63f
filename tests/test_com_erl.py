"""ERL (Annex 93A.5) against closed forms: a matched thru, flat reflections (whose UI-spaced
pulse samples sum to Γ at every phase), the G_rr/G_loss weights, an impedance step and a shunt
capacitance built from sigint's line and part models, the fixture gate, the Tx package, the
802.3ck presets on real channels, and the validation of its parameters.

No independent ERL implementation runs here: PyChOpMarg 3.4.0 does not compute ERL (its 802.3dj
config says so), and SignalIntegrity's PyPI package (1.5.2) ships no ``Utilities.ERL`` module.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import numpy as np
import pytest

from sigint._configio import from_mapping, to_mapping
from sigint.channels.boardline import GammaLine
from sigint.channels.network import Network
from sigint.channels.parts import shunt_capacitor
from sigint.com import ComParams, load_preset
from sigint.com.channel import com_grid, package_model
from sigint.com.erl import ErlParams, compute_erl, erl_weight
from sigint.com.params import load_params
from sigint.errors import ConfigError

SHARED = Path(__file__).resolve().parents[2] / "shared/channels"
CABLE = SHARED / "ieee8023ck_cable_assembly_mellitz/CA_19p75dB_thru.s4p"
BACKPLANE = SHARED / "ieee8023ck_orthogonal_backplane_tracy"

KR = load_preset("802.3ck-KR")
F = com_grid(KR)[1]
UI = KR.ui_s
#: group delay of the receiver's 4th-order Butterworth at DC: a1/(2π f_r f_b), a1 = 2.613126
TAU_BW = 2.613126 / (2 * np.pi * KR.f_r_fbaud * KR.f_baud_hz)


def _thru(delay_s=1e-9, s11=None, s22=None) -> Network:
    """A matched, lossless thru of ``delay_s`` with the given reflections on COM's grid."""
    s = np.zeros((F.size, 2, 2), complex)
    s[:, 0, 1] = s[:, 1, 0] = np.exp(-2j * np.pi * F * delay_s)
    if s11 is not None:
        s[:, 0, 0] = s11
    if s22 is not None:
        s[:, 1, 1] = s22
    return Network(F, s)


def _echo(gamma, tau_s):
    """A frequency-flat reflection ``gamma`` seen ``tau_s`` (round trip) into the port."""
    return gamma * np.exp(-2j * np.pi * F * tau_s)


def _line(zc_ohm, delay_s) -> Network:
    """A lossless line of impedance ``zc_ohm`` and one-way delay ``delay_s``, at 100 Ω."""
    tau_ns_per_mm = 6e-3
    length_m = delay_s * 1e9 / tau_ns_per_mm * 1e-3
    return GammaLine(zc_ohm, 0.0, 0.0, 0.0, tau_ns_per_mm).network(length_m, F)


def _erl(net, **changes):
    return compute_erl(KR, dataclasses.replace(KR.erl, **changes), net)


# ------------------------------------------------------------------ closed forms
def test_matched_lossless_thru_reflects_nothing_and_its_erl_is_infinite():
    r = compute_erl(KR, path=_thru())
    assert [p.erl_db for p in r.ports] == [np.inf, np.inf]
    assert r.erl_db == np.inf and r.passed
    # a reflection below the 1e-4 sample threshold is no reflection either
    tiny = compute_erl(KR, path=_thru(s11=_echo(5e-5, 2e-9)))
    assert tiny.ports[0].erl_db == np.inf


@pytest.mark.parametrize("gamma", [0.02, 0.1, -0.1, 0.3], ids=repr)
def test_flat_reflection_past_the_dfe_span_gives_minus_20_log_gamma(gamma):
    # The UI-spaced samples of a filtered 1-UI pulse sum to H(0)·T/T = 1 at every phase
    # (Poisson: X(k/T) = 0 for k ≠ 0) and are all of one sign here; with few of them (L^-k ≥
    # DER_0) the worst PAM-4 combination is inside the DER_0 tail: R_eff = |Γ|.
    r = compute_erl(KR, path=_thru(s11=_echo(gamma, 2e-9)))
    assert r.ports[0].erl_db == pytest.approx(-20 * np.log10(abs(gamma)), abs=0.05)
    assert r.ports[1].erl_db == np.inf
    assert r.erl_db == r.ports[0].erl_db


def test_port_2_reads_s22():
    r = compute_erl(KR, path=_thru(s22=_echo(0.1, 2e-9)))
    assert r.ports[0].erl_db == np.inf
    assert r.ports[1].erl_db == pytest.approx(20.0, abs=0.05)


@pytest.mark.parametrize("beta_x_db_per_s", [0.0, 20e9], ids=["no-G_loss", "beta_x-20GHz"])
def test_reflection_inside_the_dfe_span_is_discounted_by_g_rr_and_g_loss(beta_x_db_per_s):
    # A flat Γ at 6.5 UI: the pulse's centroid sits at x = 6.5 + 1/2 (the causal 1-UI pulse)
    # + the Butterworth's group delay; the weights vary slowly there, so
    # R_eff = Γ·G_rr(x)·G_loss(x) to first order.
    gamma, tau = 0.1, 6.5 * UI
    r = _erl(_thru(s11=_echo(gamma, tau)), beta_x_db_per_s=beta_x_db_per_s)
    x = tau / UI + 0.5 + TAU_BW / UI
    span, rho = KR.erl.n_bx_ui + 1, KR.erl.rho_x
    w = rho * (1 + rho) * np.exp(-((x - span) ** 2) / span**2)
    w *= 10 ** (beta_x_db_per_s * (x - span) * UI / 20)
    assert r.ports[0].erl_db == pytest.approx(-20 * np.log10(gamma * w), abs=0.1)
    assert r.ports[0].erl_db > 20.0 + 1.0  # the discount is real


def test_weight_function_matches_93a_61_and_62():
    erl = dataclasses.replace(KR.erl, beta_x_db_per_s=10e9)
    t_fx = 0.3e-9
    t = t_fx + np.array([-1.0, 0.0, 6.0, 12.999, 13.0, 40.0]) * UI
    w = erl_weight(t, UI, erl, t_fx)
    rho = erl.rho_x
    g_loss0 = 10 ** (-10e9 * 13 * UI / 20)
    assert w[0] == 0.0  # inside the fixture
    assert w[1] == pytest.approx(rho * (1 + rho) * np.exp(-1.0) * g_loss0, rel=1e-12)
    assert w[2] == pytest.approx(
        rho * (1 + rho) * np.exp(-(49 / 169)) * 10 ** (-10e9 * 7 * UI / 20), rel=1e-12
    )
    assert w[3] == pytest.approx(rho * (1 + rho), rel=1e-4)  # ρ_x = 0.618: no step at the end
    assert w[4] == w[5] == 1.0


# ------------------------------------------------------------------ built from sigint's blocks
def test_impedance_step_of_a_110_ohm_line_gives_its_reflection_coefficient():
    # 1 ns of 100 Ω, then 20 ns of 110 Ω: the step Γ = 10/210 returns at 2 ns (past the DFE
    # span); the step back (−Γ) returns at 42 ns, outside a 1000-UI (18.8 ns) record.
    step = _line(100, 1e-9) ** _line(110, 20e-9) ** _line(100, 1e-9)
    r = _erl(step, n_ui=1000)
    gamma = 10 / 210
    assert r.ports[0].erl_db == pytest.approx(-20 * np.log10(gamma), abs=0.05)
    assert r.ports[1].erl_db == pytest.approx(r.ports[0].erl_db, abs=1e-6)  # symmetric
    # a record long enough for the step back: two reflections of one size, worse than one,
    # no worse than both in phase
    both = compute_erl(KR, path=step)
    assert both.record_s > 45e-9
    assert -20 * np.log10(2 * gamma) - 0.01 < both.ports[0].erl_db < r.ports[0].erl_db - 3.0


def test_erl_falls_as_a_shunt_capacitance_grows_6_db_per_doubling_while_small():
    thru = _line(100, 1e-9)
    caps = [5e-15, 10e-15, 20e-15, 40e-15, 80e-15]
    erls = [compute_erl(KR, path=thru ** shunt_capacitor(c, F) ** thru).erl_db for c in caps]
    assert all(np.isfinite(erls))
    assert np.all(np.diff(erls) < 0)  # a bigger discontinuity reflects more
    # Γ ≈ −jωC·Z0/2 is linear in C while ωCZ0/2 ≪ 1: R_eff doubles with C
    assert erls[0] - erls[1] == pytest.approx(20 * np.log10(2), abs=0.1)


# ------------------------------------------------------------------ gating, package, record
def test_reflection_inside_the_fixture_delay_is_gated_out():
    fixture = _echo(0.2, 0.5e-9)  # in the test fixture
    device = _echo(0.05, 3e-9)  # past T_fx + (N_bx + 1) UI
    alone = _erl(_thru(s11=fixture), fixture_delay_s=(1e-9,))
    assert alone.ports[0].erl_db == np.inf
    gated = _erl(_thru(s11=fixture + device), fixture_delay_s=(1e-9,))
    assert gated.ports[0].erl_db == pytest.approx(-20 * np.log10(0.05), abs=0.05)
    ungated = _erl(_thru(s11=fixture + device), fixture_delay_s=(0.0,))
    assert ungated.ports[0].erl_db < gated.ports[0].erl_db - 10
    # per port: the gate of port 1 leaves port 2's reflections alone
    both = _erl(_thru(s11=fixture, s22=fixture), fixture_delay_s=(1e-9, 0.0))
    assert both.ports[0].erl_db == np.inf and np.isfinite(both.ports[1].erl_db)
    assert both.ports[0].weight[0] == 0.0 and both.ports[1].weight[0] > 0.0


def test_tx_package_adds_its_reflection_to_port_2_only():
    thru = _thru()
    r = _erl(thru, include_tx_package=True)
    assert r.ports[0].erl_db == np.inf  # port 1 is the bare channel
    # C_d, C_b, C_p (per leg) and 12 mm of 87.5 Ω: some 100 fF across the pair, a poor match
    assert 3.0 < r.ports[1].erl_db < 20.0
    # with R_d = R_0 the die is a matched load: port 2 sees S22 of (package ** channel)
    pkg = package_model(KR, 0, "tx").network(F, 2 * KR.r0_ohm)
    direct = _erl(pkg**thru)
    assert r.ports[1].erl_db == pytest.approx(direct.ports[1].erl_db, abs=1e-9)
    # a mismatched die termination changes what port 2 sees
    hot = compute_erl(dataclasses.replace(KR, rd_ohm=55.0), r.erl, thru)
    assert abs(hot.ports[1].erl_db - r.ports[1].erl_db) > 0.05


def test_default_record_is_five_transit_times_plus_half_a_nanosecond():
    r = compute_erl(KR, path=_thru(delay_s=2e-9))
    assert r.record_s == pytest.approx(5 * 2e-9 + 0.5e-9, abs=0.15e-9)
    p = r.ports[0]
    assert p.t_s.size == p.ptdr.size == p.weight.size
    assert p.samples.size == p.t_s.size // KR.samples_per_ui
    assert 0 <= p.phase < KR.samples_per_ui


def test_ptdr_shows_the_reflection_where_it_is():
    r = compute_erl(KR, path=_thru(s11=_echo(0.1, 2e-9)))
    p = r.ports[0]
    t_peak = p.t_s[int(np.argmax(np.abs(p.ptdr)))]
    assert t_peak == pytest.approx(2e-9 + UI / 2 + TAU_BW, abs=0.3 * UI)
    assert np.max(np.abs(p.ptdr)) == pytest.approx(0.1, rel=0.15)  # a 1-UI pulse, filtered


# ------------------------------------------------------------------ presets and real channels
@pytest.mark.parametrize(
    ("name", "n_bx", "threshold"),
    [("802.3ck-KR", 12, 9.7), ("802.3ck-CR", 12, 8.25), ("802.3ck-C2C", 6, 9.7)],
)
def test_802_3ck_presets_carry_erl_parameters_that_round_trip(name, n_bx, threshold):
    p = load_preset(name)
    assert isinstance(p.erl, ErlParams)
    assert p.erl_threshold_db == threshold
    assert p.erl.n_bx_ui == n_bx == len(p.dfe_bmax)
    assert (p.erl.rho_x, p.erl.beta_x_db_per_s, p.erl.tr_tdr_s) == (0.618, 0.0, 10e-12)
    assert from_mapping(ComParams, to_mapping(p)) == p


def test_a_preset_without_erl_parameters_says_so():
    with pytest.raises(ConfigError) as err:
        compute_erl(load_preset("802.3by"), path=_thru())
    assert err.value.key == "erl"


@pytest.mark.skipif(not CABLE.exists(), reason="../shared/channels cable-assembly set absent")
def test_802_3ck_cr_cable_has_a_finite_erl_in_a_sane_range():
    r = compute_erl(load_preset("802.3ck-CR"), path=CABLE)
    print(
        f"\nCA_19p75dB_thru, 802.3ck-CR: ERL {r.erl_db:.2f} dB (port 1 {r.ports[0].erl_db:.2f}, "
        f"port 2 {r.ports[1].erl_db:.2f}; threshold {r.threshold_db} dB; record "
        f"{r.record_s * 1e9:.1f} ns)"
    )
    assert all(np.isfinite(p.erl_db) for p in r.ports)
    assert 8.0 < r.erl_db < 25.0
    assert r.to_dict()["ports"][1]["port"] == 2


@pytest.mark.skipif(not BACKPLANE.exists(), reason="../shared/channels backplane set absent")
@pytest.mark.parametrize("length", ["4in", "14in"])
def test_802_3ck_backplane_thrus_have_finite_erls(length):
    r = compute_erl(KR, path=BACKPLANE / f"DPO_{length}_Meg7_THRU.s4p")
    print(f"\nDPO_{length}_Meg7_THRU, 802.3ck-KR: ERL {r.erl_db:.2f} dB")
    assert all(np.isfinite(p.erl_db) for p in r.ports)
    assert 8.0 < r.erl_db < 30.0


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tr_tdr_s", 0.0),
        ("tr_tdr_s", 1e-9),
        ("n_ui", 0),
        ("n_bx_ui", -1),
        ("rho_x", 1.5),
        ("beta_x_db_per_s", -1.0),
        ("fixture_delay_s", (1e-9, 1e-9, 1e-9)),
        ("fixture_delay_s", (-1.0,)),
        ("z_t_ohm", 5.0),
    ],
    ids=repr,
)
def test_bad_parameters_name_the_field(field, value):
    with pytest.raises(ConfigError) as err:
        ErlParams(**{field: value})
    assert err.value.key == field


def test_a_bad_erl_table_in_toml_names_its_key(tmp_path):
    text = resources_text("802.3ck-KR")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("rho_x = 0.618", "rho_x = 2.0"))
    with pytest.raises(ConfigError) as err:
        load_params(bad)
    assert err.value.key == "erl.rho_x"
    typo = tmp_path / "typo.toml"
    typo.write_text(text.replace("rho_x = 0.618", "rhox = 0.618"))
    with pytest.raises(ConfigError) as err:
        load_params(typo)
    assert err.value.key == "erl.rhox" and "rho_x" in str(err.value)


def test_a_record_longer_than_coms_time_grid_is_refused():
    # COM's grid repeats every 1/Δf = 100 ns: 6000 UI (113 ns) cannot fit
    with pytest.raises(ConfigError) as err:
        _erl(_thru(), n_ui=6000)
    assert err.value.key == "n_ui"


def resources_text(name: str) -> str:
    """A shipped preset's TOML text (checked to parse)."""
    from importlib import resources

    text = resources.files("sigint.com").joinpath("presets", f"{name}.toml").read_text()
    tomllib.loads(text)
    return text
