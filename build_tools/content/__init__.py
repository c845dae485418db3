"""The content model: reading `stories/` into typed items and a linked corpus."""
