"""Forms of spare parts, one module per area."""
