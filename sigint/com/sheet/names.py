"""The row names the sheet reader knows, by what it does with them.

- :data:`MAPPED`: rows read into :class:`~sigint.com.params.ComParams` (with :data:`TAP`, the
  Tx FFE rows ``c(n)``);
- :data:`IGNORED`: rows that do not change COM (reports, plots, ERL/TDR display, ICN/ILD …);
- :data:`NEUTRAL`: MATLAB-only options that do change COM, with the settings at which sigint
  computes the same COM;
- :data:`REFUSED`: rows whose setting switches on what sigint cannot represent.

All names lower-case; a row nobody knows is reported as unknown.
"""

from __future__ import annotations

import re


def _names(text: str) -> frozenset[str]:
    """Lower-case row names from a "; "-separated list."""
    return frozenset(n.strip().lower() for n in text.split(";") if n.strip())


# Rows that do not change COM: reports, plots, file handling, ERL/TDR, ICN/ILD and C2M (VEC)
# metrics, numerical controls of the MATLAB code; then Annex 178A tuning rows, inert unless
# their feature is switched on (and refused then).
IGNORED = _names(
    """
DIAGNOSTICS; DISPLAY_WINDOW; CSV_REPORT; RESULT_DIR; SAVE_FIGURES; SAVE_FIGURE_to_CSV;
SAVE_TD; SAVE_RESP; BREAD_CRUMBS; BREAD_CRUMBS_FIELDS; Display frequency domain;
COM_CONTRIBUTION; TIMESTAMP; WRITE_CSV_TRANSPOSED; DO_NOT_COMPUTE_COM; NO_COM;
exit if deployed; EXE_MODE; SAVE_KEYWORD_FILE; SAVE_CONFIG2MAT; PLOT_CM; CM_MASK_REPORT;
TIME_AXIS; RUNTAG; FT_COOP; WC_PORTZ; USE_EXTERNAL_PARAM; Dynamic TXFFE;
FloatingDFE_Development; COM Version; TDR; ERL; ERL_ONLY; Report_Modal_ERL; SHOW_BRD; T_k;
Grr_limit; TDR_f_BT_3db; BTorder; zero_pad_tukey_window_in_fb; VEC Pass threshold;
Histogram_Window_Weight; sigma_r; Qr; QL; samples_for_C2M; f_v; f_f; f_n; f_1; f_2;
f_2_ILD; A_ft; A_nt; N_v; D_p; N_p; delta_IL; COMPUTE_RILN; COMPUTE_TDILN;
fraction_of_F_range_start_extrap_from; S-parameter magnitude extrapolation policy;
S-parameter phase extrapolation policy; Impulse response truncation threshold;
Impulse response truncatio threshold; Force PDF bin size; PDF bin size; ZERO_PAD;
Optimize_loop_speed_up; Sigma BBN step; BBN Q factor; Force BBN Q factor;
Use simple error propagation model; Max burst length calculated;
Error propagation COM margin; TDECQ; DER_CDR; P_peak; Clip Method; skew_ps; imb_Z_fctr;
imb_C_fctr; flip; PSDRXCAL; RIT_REF_PTR; SNDR_REF; preset_txffe; ACCM_MAX_Freq;
T_r_meas_point; T_r_filter_type; flim; kappa1; kappa2; CTLE_type; ffe_tap_step_size;
ffe_main_cursor_min; ffe_pre_tap1_max; ffe_post_tap1_max; ffe_tapn_max; ffe_backoff;
num_ui_RXFF_noise; RXFFE FLOAT CTL; RXFFE TAP CONSTRAINT; FFE_OPT_METHOD; Do_XT_Noise;
FFE_SNR; Do_Colored_Noise; Do_White_Noise; TS_SRCH_MODE; P_qc; add_rx_noise; trunc; N_tc;
Q_budget_adj; S_tn_w_AM; Q; RC_Start; RC_end; EH_max; Enforce Causality REL_TOL;
Enforce Causality DIFF_TOL; Enforce Causality pulse start tolerance
"""
)

# MATLAB-only options that change COM, with the settings at which sigint computes the same COM.
# fmt: off
NEUTRAL: dict[str, tuple[object, ...]] = {
    "inc_package": (1,), "ideal_tx_term": (0,), "ideal_rx_term": (0,), "include_ctle": (1,),
    "include_tx_rx_filter": (1,), "raised_cosine": (0,), "bessel_thomson": (0,),
    "butterworth": (1,), "rx_calibration": (0,), "ac_cm_rms": (0,), "enforce causality": (0,),
    "ts_anchor": (0,), "sample_adjustment": ((0, 0), (0,)), "cdr": ("MM",),
    "port order": ((1, 3, 2, 4),), "txpskew": (0,), "txnskew": (0,), "rxpskew": (0,),
    "rxnskew": (0,), "n_b_step": (0,), "gdc_min": (0,), "g_qual": ((),), "g2_qual": ((),),
    "c_v": (0, (0, 0)), "t_o": (0,), "t_h": (0,), "pmd_type": ("C2C",), "phy": ("C2C",),
    "tdmode": (0,), "eh_min": (0,), "eh_min_test": (0,), "min_veo_test": (0,),
    "force_tr": (1,), "pkg_tx_ffe_preset": (0,), "snr_txwc0": (0,), "use_eta0_psd": (0,),
    "limit_jitter_contrib_to_dfe_span": (0,), "noise_crest_factor": (0,), "crusor_gain": (0,),
    "f_hp": (0,), "inc_reflect_board": (0,), "erl_fom": (1,), "grr": (0, 1), "gx": (0,),
    "auto_tfx": (0,), "tdr_butterworth": (1,), "tdr_duration": (5,),
}
# fmt: on


# The Tx FFE tap rows c(n), n != 0 (c(0) is the cursor's minimum).
TAP = re.compile(r"c\((-?\d+)\)")

# Rows read by the mapping (lower-case), for telling them from unknown rows.
MAPPED = _names(
    """
f_b; L; M; DER_0; T_r; R_LM; A_v; A_fe; A_ne; R_0; R_d; A_DD; sigma_RJ; SNR_TX; eta_0; f_r;
f_z; f_p1; f_p2; g_DC; g_DC_HP; f_HP_PZ; c(0); N_b; b_max(1); b_min(1); b_max(2..N_b);
b_min(2..N_b); N_bg; N_bf; N_f; N_bmax; bmaxg; B_float_RSS_MAX; N_tail_start; Delta_f;
f_min; Local Search; COM Pass threshold; ERL Pass threshold; C_d; L_s; C_b; C_p;
z_p select; z_p (TX); z_p (NEXT); z_p (FEXT); z_p (RX); package_Z_c;
package_tl_gamma0_a1_a2; package_tl_tau; Include PCB; Include PCB (table 92-13); z_bp (TX);
z_bp (NEXT); z_bp (FEXT); z_bp (RX); board_Z_c; board_tl_gamma0_a1_a2; board_tl_tau; C_0;
C_1; TR_TDR; N; N_bx; rho_x; beta_x; fixture delay time; Tukey_Window; Z_t; TDR_W_TXPKG; ERL
"""
)

_ANNEX_178A = (
    "Annex 178A sheets (Rx FFE, floating Rx FFE taps, ADC, MLSD) are not imported yet; "
    "sigint imports Annex 93A sheets"
)
# Rows whose non-zero / non-empty setting switches on what sigint cannot represent.
REFUSED = {
    "ffe_pre_tap_len": f"0: a Rx FFE is an Annex 178A feature. {_ANNEX_178A}",
    "ffe_post_tap_len": f"0: a Rx FFE is an Annex 178A feature. {_ANNEX_178A}",
    "n_qb": f"0: ADC quantisation noise is an Annex 178A feature. {_ANNEX_178A}",
    "mlsd": f"0: MLSD is an Annex 178A feature. {_ANNEX_178A}",
    "mlse": f"0: MLSD is an Annex 178A feature. {_ANNEX_178A}",
    "f_hp_z": "no such row: the Clause 120E CTLE (CL120e) is not modelled",
    "f_hp_p": "no such row: the Clause 120E CTLE (CL120e) is not modelled",
    "pkg_name": "no such row: named package blocks (.START/.END) are not imported",
}


def known(name: str) -> bool:
    """Whether the reader knows the lower-case row ``name`` (mapped, ignored, neutral, refused)."""
    return (
        name in MAPPED
        or name in IGNORED
        or name in NEUTRAL
        or name in REFUSED
        or (TAP.fullmatch(name) is not None)
    )


__all__ = ["IGNORED", "MAPPED", "NEUTRAL", "REFUSED", "TAP", "known"]
