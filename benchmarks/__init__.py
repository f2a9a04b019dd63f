"""Benchmarks of sigint's engines: ``python -m benchmarks`` (see ``benchmarks/README.md``)."""
