"""`bottleneck explore`: the process map in the browser, served from this machine only."""
