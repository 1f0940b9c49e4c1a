"""The subcommands that live in their own modules, loaded lazily by `cli.Guarded`."""
