"""`sigint channel` and Touchstone blocks in links: real files, generated files, bad files."""

import json
from pathlib import Path

import numpy as np
import pytest

from sigint.channel import touchstone_block
from sigint.channel_config import TouchstoneSegment, TwinaxSegment
from sigint.channel_report import channel_report, pair_folder
from sigint.channels.network import Network
from sigint.channels.presets import twinax
from sigint.channels.touchstone import write_touchstone
from sigint.cli import main
from sigint.config import ChannelConfig, LinkConfig, SimConfig
from sigint.link import Link

SHARED = Path(__file__).resolve().parents[2] / "shared" / "channels"
CA = SHARED / "ieee8023ck_cable_assembly_mellitz"


@pytest.fixture
def shared():
    if not CA.is_dir():
        pytest.skip("../shared/channels is not present")
    return SHARED


def _cable_file(tmp_path, f_start_hz, name="cable.s2p"):
    """1 m of 26 AWG written as a differential 2-port on a 10 MHz grid from f_start."""
    f = np.arange(f_start_hz, 60e9 + 1, 10e6)
    path = tmp_path / name
    write_touchstone(twinax(26).network(1.0, f), path)
    return path


def _link(segment):
    return Link(
        LinkConfig(
            rate="112G",
            channel=ChannelConfig((segment,)),
            sim=SimConfig(n_symbols=10_000, warmup_symbols=1_000),
        )
    )


def test_a_file_without_its_dc_point_gives_the_same_pulse_within_1_percent(tmp_path):
    model = _link(TwinaxSegment(1.0, 26)).pulse
    with_dc = _link(TouchstoneSegment(str(_cable_file(tmp_path, 0.0, "dc.s2p")))).pulse
    no_dc = _link(TouchstoneSegment(str(_cable_file(tmp_path, 10e6, "nodc.s2p"))))
    assert any("DC point extrapolated" in s for s in no_dc.channel_notes[0].hygiene.steps)
    for pulse in (with_dc, no_dc.pulse):
        n = min(model.samples.size, pulse.samples.size)
        assert pulse.pre_ui == model.pre_ui
        err = np.abs(pulse.samples[:n] - model.samples[:n]).max()
        assert err < 0.01 * model.main_cursor


def test_a_band_limited_file_is_extended_and_says_so(tmp_path):
    f = np.arange(0, 40e9 + 1, 10e6)
    path = tmp_path / "short.s2p"
    write_touchstone(twinax(26).network(1.0, f), path)
    grid = np.fft.rfftfreq(4096 * 32, 1 / (32 * 106.25e9))
    block, info = touchstone_block(path, None, grid)
    assert any("data end at 40 GHz" in s for s in info.hygiene.steps)
    truth = twinax(26).network(1.0, [53.125e9]).insertion_loss_db[0]
    il = np.interp(53.125e9, grid, block.insertion_loss_db)
    assert il == pytest.approx(truth, abs=1.0)
    assert np.all(np.diff(block.insertion_loss_db[grid > 40e9]) >= -1e-9)  # loss keeps growing


def test_cable_assembly_report_reads_the_reference_figures(shared):
    report = channel_report(CA, rate="112G")
    assert report.port_map == "(1,3)→(2,4)"
    row = next(r for r in report.il_nyquist_db if r["rate"] == "112G" and r["modulation"] == "PAM4")
    assert row["il_db"] == pytest.approx(19.75, abs=0.1)
    assert report.icn_mv is not None and 0.2 < report.icn_mv["total"] < 10
    assert len(report.aggressors) == 15
    assert report.ild_max_db < 3
    assert report.causal and report.reciprocal


def test_folder_pairing_needs_exactly_one_thru(tmp_path):
    (tmp_path / "a_thru.s2p").write_text("")
    (tmp_path / "b_thru.s2p").write_text("")
    with pytest.raises(Exception, match="exactly one"):
        pair_folder(tmp_path)


def test_channel_cli_report_json_and_plot(tmp_path, capsys):
    path = _cable_file(tmp_path, 10e6, "link_thru.s2p")
    assert main(["channel", str(path), "--json", "--plot", "--out", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["has_dc"] is False
    assert doc["port_map"] == "-"
    assert any("DC point extrapolated" in n for n in doc["simulation_notes"])
    assert Path(doc["plots"][0]).stat().st_size > 0
    row = next(r for r in doc["il_nyquist_db"] if r["rate"] == "224G" and r["modulation"] == "PAM4")
    assert row["il_db"] == pytest.approx(
        twinax(26).network(1.0, [53.125e9]).insertion_loss_db[0], abs=0.05
    )


def test_channel_cli_bad_file_names_file_and_line(tmp_path, capsys):
    path = _cable_file(tmp_path, 10e6)
    lines = path.read_text().splitlines()
    lines[10] = lines[10] + " 0.5"
    path.write_text("\n".join(lines) + "\n")
    assert main(["channel", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cable.s2p:11" in err


def test_link_with_a_bad_touchstone_file_is_a_one_line_error(tmp_path, capsys):
    cfg = tmp_path / "link.toml"
    cfg.write_text(
        '[link]\nrate = "112G"\n'
        '[channel]\nsegments = [{kind = "touchstone", path = "missing.s4p"}]\n'
    )
    assert main(["eye", str(cfg), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "missing.s4p" in err and err.count("\n") == 1


def test_a_cascade_written_out_reads_back_identically(tmp_path):
    f = np.linspace(0, 60e9, 601)
    cascade = twinax(30).network(0.5, f) ** twinax(26).network(1.0, f)
    path = tmp_path / "cascade.s2p"
    write_touchstone(cascade, path)
    from sigint.channels.touchstone import read_touchstone

    back = read_touchstone(path)
    assert isinstance(back, Network) and back.allclose(cascade, rtol=1e-12, atol=1e-15)
