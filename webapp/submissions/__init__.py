"""Submissions: declare and submit, immutable versions, Submitted Forms, the further-information loop."""
