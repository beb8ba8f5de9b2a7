"""Views of the web store, one module per family of pages. Each parses the
request, checks who may do it, calls one service and renders a template."""
