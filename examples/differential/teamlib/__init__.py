"""A tiny stand-in for a team's MXNet code base (unchanged MXNet 1.x code)."""
