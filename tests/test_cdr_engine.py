"""Clock recovery inside the time-domain engine, on a lossy channel with the DFE in the loop."""

import json
from pathlib import Path

import pytest

from sigint.cdr import CDRConfig
from sigint.cli import main
from sigint.config import save_config
from sigint.demo import demo_config
from sigint.timedomain import simulate


def _link(n, **changes):
    cfg = demo_config("224G", "PAM4", n_symbols=n)
    return cfg.replace(**{"sim.eye": False, **changes})


def _mm(ppm, f_baud_hz=106.25e9, **kw):
    return CDRConfig.designed(
        "mueller-muller",
        bandwidth_hz=20e6,
        damping=1.0,
        pd_gain=0.37,
        f_baud_hz=f_baud_hz,
        freq_offset_ppm=ppm,
        pi_steps_per_ui=64,
        **kw,
    )


@pytest.mark.parametrize("ppm", [100.0, -300.0])
def test_cdr_tracks_a_million_symbols_with_a_frequency_offset(ppm):
    result = simulate(_link(1_000_000, **{"rx.cdr": _mm(ppm)}))
    report = result.cdr_report
    assert report.verdict == "locked"
    assert abs(report.freq_error_ppm) < 1.0
    assert report.slips == 0
    assert result.bit_errors == 0 and result.n_symbols > 990_000


def test_a_broken_loop_says_not_locked_and_counts_its_slips():
    broken = CDRConfig("mueller-muller", kp=0.0, ki=0.0, freq_offset_ppm=100.0)
    result = simulate(_link(200_000, **{"rx.cdr": broken}))
    report = result.cdr_report
    assert report.verdict.startswith("NOT locked")
    assert "drifting +100.0 ppm" in report.verdict
    assert report.slips >= 15  # 100 ppm over 200k UI is 20 UI of drift
    assert report.freq_error_ppm == pytest.approx(100.0, abs=0.01)


def test_a_locked_cdr_samples_as_well_as_the_pulse_peak_and_draws_an_open_eye():
    fixed = simulate(_link(120_000))
    recovered = simulate(_link(120_000, **{"rx.cdr": _mm(50.0), "sim.eye": True}))
    assert recovered.cdr_report.verdict == "locked"
    # Mueller-Müller settles where h(-1) = h(1); it may beat the peak, never by much lose.
    assert recovered.snr_db > fixed.snr_db - 0.3
    assert min(recovered.eye_heights_v) > 0
    assert recovered.eye.hist.sum() > 0


def test_adaptive_equalisers_converge_inside_the_cdr_loop():
    cfg = _link(
        150_000,
        **{
            "rx.cdr": _mm(-100.0),
            "rx.ffe_taps": (0.0, 0.0, 1.0, 0.0, 0.0),
            "rx.ffe_cursor": 2,
            "rx.ffe_adaptation": "lms",
            "rx.dfe_adaptation": "lms",
            "rx.ffe_step": 5e-4,
            "rx.dfe_step": 5e-4,
            "sim.warmup_symbols": 80_000,
        },
    )
    result = simulate(cfg)
    assert result.cdr_report.verdict == "locked"
    assert result.snr_db > simulate(_link(150_000)).snr_db + 1.0


def test_cli_eye_reports_the_cdr_verdict(tmp_path, capsys):
    path = tmp_path / "cdr.toml"
    save_config(_link(40_000, **{"rx.cdr": _mm(100.0)}), path)
    assert "[rx.cdr]" in Path(path).read_text()
    assert main(["eye", str(path), "--out", str(tmp_path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["cdr"]["verdict"] == "locked"
    assert doc["cdr"]["slips"] == 0
    assert abs(doc["cdr"]["freq_error_ppm"]) < 1.0
