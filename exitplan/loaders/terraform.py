"""Terraform / OpenTofu loader (contract; implementation in progress).

load(discovery) -> LoadResult
"""
