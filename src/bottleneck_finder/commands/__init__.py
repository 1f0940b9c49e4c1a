"""The `bottleneck` commands: one module per command, found and loaded lazily by `cli.Guarded`.

A module `commands/<name>.py` that defines a click command named `<name>` is the command
`bottleneck <name>`; adding a command is adding such a module and nothing else. The helper
modules `options` (shared options) and `loading` (reading a log from them) define none.
Command modules import click and the helpers at module level and everything heavy (pandas,
DuckDB, pm4py, the analysis) inside the command, so `bottleneck --help` stays instant; they
never import `cli`.
"""
