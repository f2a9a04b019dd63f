"""sigint's COM parameter sets in PyChOpMarg 3.4.0's terms, for running it as an independent
check (tests/test_com_oracle.py) and side by side (benchmarks/peer_com.py).

``CK_CR`` is the 802.3ck CR preset (REFERENCE §5.3) as PyChOpMarg's ``IEEE_8023by`` overrides.
Its 93A path has no floating DFE taps, so sigint runs with ``dfe_float_groups = 0``; its Tx FFE
inserts c(0) before the last three taps, so the 3-pre/1-post grid is given as six taps
(c(2) = c(3) = 0); its parameter check rejects γ0 = 0 (REFERENCE §9): 1e-7 /mm (3e-6 Np over
31 mm) stands in.
"""

CK_CR = {
    "fb": 53.125, "fstep": 0.01, "L": 4, "M": 32, "DER_0": 1e-4, "T_r": 7.5e-3, "RLM": 0.95,
    "A_v": 0.413, "A_fe": 0.413, "A_ne": 0.608, "R_0": 50.0, "A_DD": 0.02, "SNR_TX": 32.5,
    "eta_0": 9e-9, "sigma_Rj": 0.01, "f_z": 21.25, "f_p1": 21.25, "f_p2": 53.125,
    "f_LF": 0.6640625, "c0_min": 0.54, "f_r": 0.75,
    "tx_taps_min": [-0.06, 0.0, -0.34, -0.2, 0.0, 0.0],
    "tx_taps_max": [0.0, 0.12, 0.0, 0.0, 0.0, 0.0],
    "tx_taps_step": [0.02] * 4 + [0.0] * 2,
    "dfe_min": [0.3, 0.05] + [-0.03] * 10,
    "dfe_max": [0.85, 0.3] + [0.2] * 5 + [0.1] * 5,
    "R_d": [50.0], "C_d": [1.2e-4], "C_b": [0.3e-4], "C_p": [0.87e-4], "L_s": [0.12],
    "z_c": [87.5, 92.5], "gamma0": 1e-7, "a1": 9.909e-4, "a2": 2.772e-4, "tau": 6.141e-3,
    "include_pcb": 1, "zbp_tx": 110.3, "zbp_rx": 110.3, "zbp_next": 110.3, "zbp_fext": 110.3,
    "brd_Z_c": [100.0, 100.0], "brd_gamma0_a1_a2": [0.0, 3.8206e-4, 9.5909e-5],
    "brd_tau": 5.79e-3, "brd_C0": [2.9e-5, 2.9e-5], "brd_C1": [1.9e-5, 1.9e-5],
}  # fmt: skip
