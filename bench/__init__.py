"""Benchmarks: dondoc against the bare Temporal ceiling on one machine (`make bench`)."""
