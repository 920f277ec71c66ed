"""OAuth 2.0 for Zelt: consent, loopback redirect, tokens. No Qt."""
