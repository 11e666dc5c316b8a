"""Outage resilience playbooks: YAML → validated model → Markdown → static site."""
