"""Serving the registry over HTTP: slow or stalled clients never hold a worker thread."""
