"""Numba kernels over plain contiguous arrays: no objects, no I/O.

Every kernel is an ``@njit(cache=True)`` function named verb_noun; the caller allocates ``out``.
Public wrappers in :mod:`sigint` validate inputs, convert dtypes and allocate before calling in.
Each kernel has a plain-numpy twin in ``tests/reference.py``.
"""
