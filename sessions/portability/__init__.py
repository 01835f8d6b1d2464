"""Exports and imports: one session as Markdown or a printable page, all of a user's data as JSON, and the
import of that JSON on another instance. `schema` is the format both sides share; `read_model` decides what a
viewer may read of each round, once, for every writer; the import goes reader → planner → writer."""
