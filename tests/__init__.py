"""The test suite of bottleneck-finder."""
