"""Who may use ReelScope and what they may do: the sign-in allowlist, roles, and named API tokens."""
