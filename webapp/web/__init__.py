"""Cross-cutting web helpers: page-or-fragment rendering, security headers, errors, assets."""
