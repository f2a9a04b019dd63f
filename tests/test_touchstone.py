"""Touchstone reader/writer: real files against scikit-rf, parser quirks, malformed files."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigint.channels.network import Network
from sigint.channels.touchstone import TouchstoneError, read_touchstone, write_touchstone

SHARED = Path(__file__).resolve().parents[2] / "shared" / "channels"
_TS = re.compile(r"\.s\d+p$", re.IGNORECASE)
SHARED_FILES = sorted(p for p in SHARED.rglob("*") if _TS.search(p.name)) if SHARED.is_dir() else []


@pytest.fixture
def shared_channels() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    return SHARED


def _skrf_network(path: Path, tmp_path: Path):
    """skrf's reading of ``path``; the option line is put in canonical order first because
    scikit-rf 2.2 rejects ``# MHz MA S R 50`` ("illegal format value s")."""
    import skrf

    text = path.read_text(errors="replace")

    def canon(m):
        toks = m.group(1).split()
        unit = [t for t in toks if t.lower().endswith("hz")]
        fmt = [t for t in toks if t.lower() in ("ri", "ma", "db")]
        r = toks[toks.index(next(t for t in toks if t.lower() == "r")) + 1]
        return f"# {unit[0]} S {fmt[0]} R {r}"

    fixed = re.sub(r"(?m)^#(.*)$", canon, text, count=1)
    tmp = tmp_path / path.name
    tmp.write_text(fixed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return skrf.Network(str(tmp))


@pytest.mark.parametrize(
    "path",
    SHARED_FILES or [pytest.param(None, marks=pytest.mark.skip(reason=f"{SHARED} is absent"))],
    ids=lambda p: p.name if p else "absent",
)
def test_every_shared_file_reads_as_skrf_reads_it(path, shared_channels, tmp_path):
    ours = read_touchstone(path)
    ref = _skrf_network(path, tmp_path)
    np.testing.assert_allclose(ours.f_hz, ref.f, rtol=1e-12, atol=0)
    np.testing.assert_allclose(ours.s, ref.s, rtol=1e-12, atol=1e-15)
    assert ours.z_ref_ohm == pytest.approx(float(np.real(ref.z0[0, 0])))


# --------------------------------------------------------------------------- quirk files
def _known(n_ports: int, nf: int = 7, seed: int = 1, dc: bool = False) -> Network:
    rng = np.random.default_rng(seed)
    f = np.arange(nf) * 1.25e9 + (0.0 if dc else 10e6)
    s = (rng.normal(size=(nf, n_ports, n_ports)) + 1j * rng.normal(size=(nf, n_ports, n_ports))) / 3
    return Network(f, s, 50.0)


def _render(
    net: Network,
    unit="GHz",
    fmt="RI",
    option="# {unit} S {fmt} R 50",
    per_line=None,
    v1_2port_order=True,
    inline_comments=False,
    blank_between=False,
) -> str:
    """Touchstone text for ``net`` written by hand (independent of write_touchstone)."""
    scale = {"hz": 1, "khz": 1e3, "mhz": 1e6, "ghz": 1e9}[unit.lower()]
    n = net.n_ports
    s = np.asarray(net.s)
    if n == 2 and v1_2port_order:
        s = s.transpose(0, 2, 1)
    flat = s.reshape(len(net.f_hz), -1)
    if fmt.lower() == "ri":
        a, b = flat.real, flat.imag
    elif fmt.lower() == "ma":
        a, b = np.abs(flat), np.angle(flat, deg=True)
    else:
        a, b = 20 * np.log10(np.abs(flat)), np.angle(flat, deg=True)
    out = ["! generated for a quirk test", option.format(unit=unit, fmt=fmt)]
    for k, f in enumerate(net.f_hz):
        vals = [f"{x:.17g}" for pair in zip(a[k], b[k], strict=True) for x in pair]
        per = per_line or len(vals)
        chunks = [vals[i : i + per] for i in range(0, len(vals), per)]
        for j, chunk in enumerate(chunks):
            head = f"{f / scale:.17g} " if j == 0 else "    "
            tail = " ! inline comment" if inline_comments else ""
            out.append(head + " ".join(chunk) + tail)
        if blank_between:
            out += ["", "! between blocks", ""]
    return "\n".join(out) + "\n"


def _assert_same(got: Network, want: Network, rtol=1e-12):
    np.testing.assert_allclose(got.f_hz, want.f_hz, rtol=1e-15, atol=0)
    np.testing.assert_allclose(got.s, want.s, rtol=rtol, atol=1e-14)
    assert got.z_ref_ohm == want.z_ref_ohm


OPTION_PERMUTATIONS = [
    "# {unit} S {fmt} R 50",
    "# {unit} {fmt} S R 50",
    "# S {unit} {fmt} R 50",
    "# R 50 {fmt} S {unit}",
    "# {fmt} R 50 {unit} S",
    "#{unit} S {fmt} R 50",
    "  # {unit}   S\t{fmt}  R  50.0  ! trailing comment",
]


@pytest.mark.parametrize("option", OPTION_PERMUTATIONS, ids=repr)
@pytest.mark.parametrize("case", [str.upper, str.lower, str.title], ids=["upper", "lower", "title"])
def test_option_line_tokens_in_any_order_and_case(tmp_path, option, case):
    net = _known(2)
    p = tmp_path / "q.s2p"
    line = case(option.format(unit="MHz", fmt="MA"))
    p.write_text(_render(net, unit="MHz", fmt="MA", option=line))
    _assert_same(read_touchstone(p), net)


@pytest.mark.parametrize("unit", ["Hz", "kHz", "MHz", "GHz"])
@pytest.mark.parametrize("fmt", ["RI", "MA", "DB"])
@pytest.mark.parametrize("n_ports", [1, 2, 3, 4])
def test_every_unit_and_format_reads_back(tmp_path, unit, fmt, n_ports):
    net = _known(n_ports)
    p = tmp_path / f"q.s{n_ports}p"
    p.write_text(_render(net, unit=unit, fmt=fmt))
    _assert_same(read_touchstone(p), net, rtol=1e-12 if fmt == "RI" else 1e-11)


def test_missing_option_line_means_ghz_s_ma_r50(tmp_path):
    net = _known(2)
    text = _render(net, unit="GHz", fmt="MA").replace("# GHz S MA R 50\n", "")
    p = tmp_path / "q.s2p"
    p.write_text(text)
    _assert_same(read_touchstone(p), net, rtol=1e-11)


@pytest.mark.parametrize("per_line", [2, 4, 8, 6, 1], ids=lambda k: f"{k}-values-per-line")
def test_comments_blank_lines_and_wrapped_rows(tmp_path, per_line):
    net = _known(4)
    p = tmp_path / "q.S4P"  # upper-case extension too
    p.write_text(
        _render(net, per_line=per_line, inline_comments=True, blank_between=True).replace(
            "\n", "\r\n"
        )
    )
    _assert_same(read_touchstone(p), net)


def test_no_dc_point_is_kept_as_written(tmp_path):
    net = _known(2, dc=False)
    p = tmp_path / "q.s2p"
    p.write_text(_render(net))
    got = read_touchstone(p)
    assert got.f_hz[0] == pytest.approx(10e6)
    _assert_same(got, net)


def _v2(net: Network, order="12_21", extra="", n_freq=None, reference="50") -> str:
    body = _render(net, unit="GHz", fmt="RI", v1_2port_order=order == "21_12").splitlines()[2:]
    head = ["! v2", "[Version] 2.0", "# GHz S RI R 50", f"[Number of Ports] {net.n_ports}"]
    if net.n_ports == 2:
        head.append(f"[Two-Port Data Order] {order}")
    head += [
        f"[Number of Frequencies] {n_freq or len(net.f_hz)}",
        f"[Reference] {reference}",
        "[Matrix Format] Full",
    ]
    return "\n".join([*head, extra, "[Network Data]", *body, "[End]", ""])


@pytest.mark.parametrize("order", ["12_21", "21_12"])
def test_touchstone2_two_port_data_order(tmp_path, order):
    net = _known(2)
    p = tmp_path / "q.s2p"
    p.write_text(_v2(net, order))
    _assert_same(read_touchstone(p), net)


def test_touchstone2_ts_extension_and_reference_on_following_line(tmp_path):
    net = _known(4)
    text = _v2(net, reference="").replace("[Reference] \n", "[Reference]\n50 50.0 50\n50\n")
    p = tmp_path / "q.ts"
    p.write_text(text)
    _assert_same(read_touchstone(p), net)


def test_touchstone2_information_block_is_skipped(tmp_path):
    net = _known(3)
    extra = "[Begin Information]\n[Whatever] 1\n[End Information]"
    p = tmp_path / "q.s3p"
    p.write_text(_v2(net, extra=extra))
    _assert_same(read_touchstone(p), net)


def test_n_ports_argument_for_a_non_touchstone_extension(tmp_path):
    net = _known(2)
    p = tmp_path / "q.txt"
    p.write_text(_render(net))
    _assert_same(read_touchstone(p, n_ports=2), net)


# --------------------------------------------------------------------------- malformed files
GOOD_2PORT = "# GHz S RI R 50\n1 0.1 0 0.9 0 0.9 0 0.1 0\n2 0.1 0 0.8 0 0.8 0 0.1 0\n"
GOOD_4PORT_REC = (
    "1 " + " ".join(["0.1 0"] * 4) + "\n" + "\n".join(["  " + " ".join(["0.1 0"] * 4)] * 3)
)

MALFORMED = [
    # id, file name, content, line, key phrase
    ("empty", "e.s2p", "", 1, "empty file"),
    ("only-comments", "c.s2p", "! nothing\n# GHz S RI R 50\n! here\n", 3, "no data"),
    ("truncated-last", "t.s2p", GOOD_2PORT + "3 0.1 0 0.7 0\n", 4, "truncated"),
    ("nan", "n.s2p", GOOD_2PORT.replace("0.8 0 0.8", "0.8 0 nan"), 3, "non-finite"),
    ("inf", "i.s2p", GOOD_2PORT.replace("0.9 0 0.9", "inf 0 0.9"), 2, "non-finite"),
    ("non-numeric", "x.s2p", GOOD_2PORT.replace("0.8 0 0.8", "0.8 abc 0.8"), 3, "non-numeric"),
    (
        "wrong-count-line",
        "w.s2p",
        GOOD_2PORT.replace("1 0.1 0 0.9 0 0.9 0 0.1 0", "1 0.1 0 0.9 0 0.9 0 0.1 0 5"),
        2,
        "more than frequency",
    ),
    ("port-count-vs-ext", "p.s2p", "# GHz S RI R 50\n" + GOOD_4PORT_REC + "\n", 4, "4-port"),
    ("s4p-holds-2port", "p.s4p", GOOD_2PORT, 3, "2-port"),
    (
        "non-monotonic",
        "m.s2p",
        GOOD_2PORT + "1.5 0.1 0 0.8 0 0.8 0 0.1 0\n",
        4,
        "decreasing frequency",
    ),
    ("duplicate-f", "d.s2p", GOOD_2PORT + "2 0.1 0 0.8 0 0.8 0 0.1 0\n", 4, "repeated frequency"),
    ("negative-f", "g.s2p", GOOD_2PORT.replace("\n1 ", "\n-1 "), 2, "negative frequency"),
    ("bad-option-token", "o.s2p", GOOD_2PORT.replace("RI", "RX"), 1, "unknown option-line token"),
    ("two-units", "u.s2p", GOOD_2PORT.replace("# GHz", "# GHz MHz"), 1, "second frequency unit"),
    ("zero-reference", "z.s2p", GOOD_2PORT.replace("R 50", "R 0"), 1, "reference impedance"),
    ("negative-reference", "z2.s2p", GOOD_2PORT.replace("R 50", "R -50"), 1, "positive finite"),
    ("r-without-value", "r.s2p", "# GHz S RI R\n1 0 0\n", 1, "R without a value"),
    ("y-parameters", "y.s2p", GOOD_2PORT.replace(" S ", " Y "), 1, "Y-parameters"),
    ("second-option-line", "s.s2p", GOOD_2PORT + "# MHz S RI R 50\n", 4, "among the data"),
    ("binary", "b.s2p", "# GHz S RI R 50\n1 0.1\x00\x01\x02 0\n", 2, "binary content"),
    ("garbage", "j.s2p", "PK\x03\x04 garbage here\nmore garbage\n", 1, "non-numeric"),
    (
        "v2-nfreq-mismatch",
        "v.s2p",
        "[Version] 2.0\n# GHz S RI R 50\n[Number of Ports] 2\n[Two-Port Data Order] 12_21\n"
        "[Number of Frequencies] 3\n[Network Data]\n" + GOOD_2PORT.split("\n", 1)[1] + "[End]\n",
        5,
        "[Number of Frequencies]",
    ),
    (
        "v2-matrix-lower",
        "ml.s2p",
        "[Version] 2.0\n# GHz S RI R 50\n[Number of Ports] 2\n[Matrix Format] Lower\n",
        4,
        "Full",
    ),
    (
        "v2-mixed-reference",
        "mr.s2p",
        "[Version] 2.0\n# GHz S RI R 50\n[Number of Ports] 2\n[Reference] 50 75\n",
        4,
        "different reference impedances",
    ),
    ("unknown-keyword", "k.s2p", "[Version] 2.0\n[Frobnicate] 1\n", 2, "unknown keyword"),
    ("keyword-before-version", "kv.s2p", "[Number of Ports] 2\n" + GOOD_2PORT, 1, "[Version]"),
    (
        "v2-no-data-order",
        "do.s2p",
        "[Version] 2.0\n# GHz S RI R 50\n[Number of Ports] 2\n[Network Data]\n"
        + GOOD_2PORT.split("\n", 1)[1],
        4,
        "[Two-Port Data Order]",
    ),
    ("db-overflow", "o2.s2p", GOOD_2PORT.replace("RI", "DB").replace("0.9 0", "9999 0", 1), 2, "S"),
]


@pytest.mark.parametrize(("fname", "content", "line", "phrase"), [m[1:] for m in MALFORMED],
                         ids=[m[0] for m in MALFORMED])  # fmt: skip
def test_malformed_file_gives_one_clear_error(tmp_path, fname, content, line, phrase):
    p = tmp_path / fname
    p.write_bytes(content.encode("latin-1"))
    with pytest.raises(TouchstoneError) as info:
        read_touchstone(p)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{p}:{line}: "), msg
    assert phrase in msg, msg
    assert "; expected " in msg


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(TouchstoneError, match="no such file"):
        read_touchstone(tmp_path / "absent.s2p")
    d = tmp_path / "dir.s2p"
    d.mkdir()
    with pytest.raises(TouchstoneError, match="a directory"):
        read_touchstone(d)


def test_unknown_extension_needs_n_ports(tmp_path):
    p = tmp_path / "q.dat"
    p.write_text(GOOD_2PORT)
    with pytest.raises(TouchstoneError, match="pass n_ports"):
        read_touchstone(p)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(min_value=0, max_value=10_000),
    pos=st.integers(min_value=0, max_value=10_000),
    junk=st.binary(min_size=0, max_size=4),
)
def test_truncated_or_corrupted_file_reads_or_raises_touchstone_error(tmp_path, cut, pos, junk):
    raw = bytearray(_render(_known(4, nf=4), per_line=8, inline_comments=True).encode())
    raw = raw[: cut % (len(raw) + 1)]
    if raw:
        i = pos % len(raw)
        raw[i : i + len(junk)] = junk
    p = tmp_path / "h.s4p"
    p.write_bytes(bytes(raw))
    try:
        net = read_touchstone(p)
    except TouchstoneError:
        return
    assert isinstance(net, Network) and np.all(np.isfinite(net.s))


# --------------------------------------------------------------------------- writer
@pytest.mark.parametrize("n_ports", [1, 2, 4, 8])
@pytest.mark.parametrize("fmt", ["RI", "MA", "DB"])
def test_write_then_read_round_trips(tmp_path, n_ports, fmt):
    net = _known(n_ports, nf=9, dc=True)
    p = tmp_path / f"w.s{n_ports}p"
    write_touchstone(net, p, fmt=fmt, comments=["made by a test", "two\nlines"])
    got = read_touchstone(p)
    if fmt == "RI":
        assert got == net  # bit for bit
    else:
        _assert_same(got, net, rtol=1e-12)
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("n_ports", [2, 4, 8])
def test_skrf_reads_our_file_identically(tmp_path, n_ports):
    import skrf

    net = _known(n_ports, nf=9)
    p = tmp_path / f"w.s{n_ports}p"
    write_touchstone(net, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = skrf.Network(str(p))
    np.testing.assert_array_equal(ref.f, net.f_hz)
    np.testing.assert_allclose(ref.s, net.s, rtol=1e-15, atol=0)


def test_writer_rejects_a_mismatched_extension_and_format(tmp_path):
    with pytest.raises(TouchstoneError, match=r"\.s4p for a 4-port"):
        write_touchstone(_known(4), tmp_path / "x.s2p")
    with pytest.raises(ValueError, match="RI"):
        write_touchstone(_known(2), tmp_path / "x.s2p", fmt="XY")
