"""Views of the sessions app, by area: `rounds` (solo and shared round pages), `paired`
(setting up, inviting, the live poll, swapping roles) and `notes` (notes and scorecards)."""
