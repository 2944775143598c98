"""What-if scenarios, the shared problem generator and the bundled examples."""
