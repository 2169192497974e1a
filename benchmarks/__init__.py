"""What one participant's page costs, against a floor notebook, in one run: `python -m benchmarks`."""
