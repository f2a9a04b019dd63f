"""Import of the IEEE MATLAB COM configuration spreadsheets (``config_com_ieee8023_93a=….xlsx``).

The IEEE 802.3 MATLAB COM code reads its parameters from a workbook whose sheet
``COM_Settings`` (else the first sheet) holds tables of rows "Parameter | Setting | Units |
Information", side by side (Table 93A-1 parameters, I/O control, Table 93A-3 / 92-12 parameters,
floating-tap control …). Like that code, this reader finds a row by its name (case-insensitive)
and takes the value in the cell to its right; a name found twice is an error. Settings are
numbers, booleans, text, or MATLAB arrays written as text (``"[0.3 0.05]"``, ``"[-20:1:0]"``,
``"[12 31; 1.8 1.8]"``, ``"[0.3 0.2*ones(1,5)]"``), parsed here without ``eval``
(:func:`parse_matlab_array`).

Both workbook formats are read: ``.xlsx`` with the standard library (zip + XML, transitional
*and* strict OOXML: the official 802.3ck sheets are strict, which openpyxl and pandas cannot
open) and ``.xls`` (BIFF8) with xlrd, imported on first use. The file's content decides, not
its extension.

Mapping to :class:`~sigint.com.params.ComParams` (Annex 93A sheets: 802.3bj/by/cd style and
802.3ck KR/CR/C2C style); units as the sheets give them, converted to SI exactly (decimal
shift, so ``8.2e-9`` V²/GHz becomes ``8.2e-18`` V²/Hz bit for bit):

============================================  =============================================
sheet row (unit)                              ComParams field
============================================  =============================================
f_b (GBd)                                     f_baud_hz
L, M                                          levels, samples_per_ui
DER_0                                         der0
T_r (ns) [8e-3 ns]                            rise_time_s
R_LM                                          rlm
A_v, A_fe, A_ne (V)                           a_v_v, a_fe_v, a_ne_v
R_0 (Ω); R_d (Ω, [Tx Rx])                     r0_ohm; rd_ohm (Tx = Rx required)
A_DD, sigma_RJ (UI)                           a_dd_ui, sigma_rj_ui
SNR_TX (dB); eta_0 (V²/GHz)                   snr_tx_db; eta0_v2_per_hz (× 1e-9)
f_r (× f_b)                                   f_r_fbaud
f_z, f_p1, f_p2 (GHz) [f_b/4, f_b/4, f_b]     ctle_fz_hz, ctle_fp1_hz, ctle_fp2_hz
g_DC (dB)                                     g_dc_db
g_DC_HP (dB), f_HP_PZ (GHz)                   g_dc2_db, ctle_flf_hz (both, or neither: a
                                              single-stage CTLE, g_DC2 = 0 dB)
c(-n) … c(-1), c(1) … c(m)                    tx_taps (TapGrid each), tx_cursor = n
c(0)                                          c0_min
N_b; b_max(1), b_max(2..N_b)                  len(dfe_bmax); dfe_bmax
b_min(1) [−b_max(1)], b_min(2..N_b) [−b_max]  dfe_bmin
N_bg [0], N_bf [6], N_f [N_b], bmaxg [0.2]    dfe_float_groups, _taps, _span_ui, _bmax
B_float_RSS_MAX [0], N_tail_start [0]         dfe_float_rss_max, dfe_tail_start_ui
Delta_f, f_min (GHz)                          f_step_hz, f_min_hz
Local Search [0]                              local_search
COM Pass threshold (dB)                       com_threshold_db
ERL Pass threshold (dB) [none]                erl_threshold_db (0 or absent: None)
C_d (nF), L_s (nH) [0]                        package.c_d_f, l_s_h (+ c_d_rx_f, l_s_rx_h)
C_b [0], C_p (nF, [Tx Rx], Tx = Rx)           package.c_b_f, c_p_f
z_p select [1]; z_p (TX/NEXT/FEXT/RX) (mm)    which test cases; package.z_p_*_m (1st segment)
  further rows of z_p (segments 2…)           package.z_rest_m (same in every case and end)
package_Z_c (Ω, one row per segment, [Tx Rx]) package.z_c_ohm
package_tl_gamma0_a1_a2, package_tl_tau       package.gamma0_per_mm, a1_…, a2_…, tau_ns_per_mm
Include PCB [0] (= 1: host board at both      package.host_length_m (z_bp, mm, equal for
ends), z_bp (TX/NEXT/FEXT/RX), board_Z_c,     TX/NEXT/FEXT/RX), host_z_c_ohm, host_a1_…,
board_tl_gamma0_a1_a2 (γ0 = 0), board_tl_tau, host_a2_…, host_tau_…, host_c0_f, host_c1_f
C_0 [0], C_1 [0] (nF)
ERL, TR_TDR (ns) [8e-3], N [0], N_bx [N_b],   erl (ErlParams: tr_tdr_s, n_ui (N = 0: None),
rho_x [0.618], beta_x (dB/s, as the MATLAB    n_bx_ui, rho_x, beta_x_db_per_s,
code uses it) [0], fixture delay time (s)     fixture_delay_s, tukey_window, z_t_ohm (= R_0:
[0], Tukey_Window [0], Z_t (Ω) [R_0],         None), include_tx_package); None when the sheet
TDR_W_TXPKG [0]                               has no ERL row and ERL is off
============================================  =============================================

``[…]`` is the value used when a row is absent: the MATLAB COM code's own default for that
row, which both its 802.3bj-era and its 802.3ck/dj-era versions apply; the package line rows
fall back to Table 93A-3 (γ0 = 0, a1 = 1.734e-3, a2 = 1.455e-4, τ = 6.141e-3, Z_c = 78.2 Ω,
one segment only), as the 802.3bj-era code does. Every such fallback is listed in
:attr:`SheetImport.defaults`. Every other row above is required: a sheet without it is a
:class:`~sigint.errors.ConfigError` naming the row and the file; nothing from another annex or
amendment (802.3dj) is ever filled in.

Refused with a :class:`~sigint.errors.ConfigError` (sigint cannot represent them, so the import
would not compute the sheet's COM): Annex 178A features switched on (Rx FFE via
``ffe_pre_tap_len``/``ffe_post_tap_len``, hence floating Rx FFE taps; ADC ``N_qb``; ``MLSD`` /
``MLSE``), the Clause 120E CTLE (``f_HP_Z``/``f_HP_P``, ``CTLE_type`` CL120e), named package
blocks (``PKG_NAME``, ``.START``), ``Include PCB`` = 2, different Tx and Rx values where sigint
has one (R_d, C_b, C_p, package_Z_c, board_Z_c, C_0, C_1), package segments after the first
that change between cases or ends, and a board line with γ0 ≠ 0.

Rows the reader knows but does not map are of two kinds. Report, plot, TDR-display and ICN/ILD
rows do not change COM; they are listed in :attr:`SheetImport.ignored`. MATLAB-only options
that do change COM (``Raised_Cosine``, ``sample_adjustment``, ``RX_CALIBRATION``, ``AC_CM_RMS``,
``INC_PACKAGE`` …) are accepted at their neutral value; set to anything else they are listed in
:attr:`SheetImport.unmodelled` and :func:`load_sheet` warns (:class:`SheetWarning`) once, naming
them. Rows nobody knows are collected in :attr:`SheetImport.unknown`, silently.

Modules, in the order the data pass through them: :mod:`.workbook` (the sheet's cells from
either format), :mod:`.rows` (rows found by name, looked up and converted; the names known in
:mod:`.names`), :mod:`.matlab` (MATLAB values, exact decimal scaling to SI), :mod:`.screen`
(refused features, unmodelled options), :mod:`.build` with :mod:`.package` and :mod:`.erl`
(rows → ComParams, ComPackage, ErlParams) and :mod:`.load` (the public entry points).
"""

from .load import SheetImport, SheetWarning, load_sheet, read_sheet
from .matlab import parse_matlab_array

__all__ = ["SheetImport", "SheetWarning", "load_sheet", "parse_matlab_array", "read_sheet"]
