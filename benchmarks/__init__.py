"""Repeatable measurements of the portal's quality bars; `make bench` runs them all."""
