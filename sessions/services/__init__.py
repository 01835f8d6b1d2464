"""Writes and workflows of the sessions app: rounds and their answers, and code runs."""
