"""The call inside a paired round and the recordings: WebRTC signaling over the live channel
(signaling.py), recording consent (consent.py), chunked uploads and their storage (recordings.py),
and what the review and the replay show of them (playback.py)."""
