"""One place for the Numba compilation options every kernel shares.

``FASTMATH`` excludes ``nnan`` and ``ninf`` so NaN/inf propagate as numpy does; kernels must take
their flags from here, never hard-code ``fastmath=`` (a lint test checks this).
"""

FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
JIT_OPTIONS = {"cache": True, "nogil": True}
