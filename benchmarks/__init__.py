"""asv benchmarks for fastinit (see asv.conf.json at the repository root)."""
