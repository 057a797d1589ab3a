"""Views (thin: they call services)."""
