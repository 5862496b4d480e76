"""Drafts: the section runner, per-section save, save and resume, days left, purge."""
