"""Benchmarks of the reference layers against PyTorch and naive loops: `make bench`."""
