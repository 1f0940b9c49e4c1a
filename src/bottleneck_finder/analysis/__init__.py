"""Pure analyses on top of the engine: each returns plain data (dataclasses, DataFrames)."""
