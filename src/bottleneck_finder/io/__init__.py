"""The file-system edge: reading logs and mapping files, writing results atomically."""
