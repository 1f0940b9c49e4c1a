"""Test and sample-log helpers kept out of the installed package: the simulators."""
