"""The Settings room: connection profiles, keys, tests, and the Marketplace configuration."""
