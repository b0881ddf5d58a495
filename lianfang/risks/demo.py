def load_risks() -> None:
    """Filled in by the demo work for the risk library."""
