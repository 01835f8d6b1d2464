"""Spaced repetition: every question a user practised becomes a card that FSRS schedules.

- `ratings`: what happened to a question in a round, read as Again / Hard / Good / Easy (the one table);
- `scheduler`: the FSRS scheduler for a user's settings, and a card's schedule replayed from its reviews;
- `recording`: a finished round's questions turned into reviews (idempotent; the backfill is the same call);
- `queue`: what is due today, and the new questions that may join it;
- `review_round`: a mock session drawn from the queue;
- `cards`: the user's own changes (settings, forget, suspend, add);
- `report`: retention, the 30-day forecast and the share of cards at Good or better per stage.
"""
