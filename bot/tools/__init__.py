"""Offline tooling: evaluations, reports and builds. The runtime (bot/ outside tools) never imports it."""
