"""The `offduty` console command: one module per group of subcommands, assembled in `main`."""
