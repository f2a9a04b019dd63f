"""Optical engines: device blocks, the time-domain chain, its linearised twin, metrics."""
