"""The Gemeente App Store registry: the server that verifies, stores and serves releases."""
