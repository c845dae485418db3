"""The culture publishing pipeline: files → content model → corpus → checks and outputs."""
