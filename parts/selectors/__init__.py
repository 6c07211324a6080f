"""Read-side queries of spare parts, scoped to the user."""
