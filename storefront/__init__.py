"""Shop pages, the read cache and the live bridge."""
