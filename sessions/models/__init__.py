"""The sessions app's models, one module per feature; every model is re-exported here, so
`from sessions.models import Round` and the migrations (app label `interview_sessions`) keep working."""

from sessions.models.cards import CardReview, ReviewCard, ReviewSettings
from sessions.models.feedback import InterviewerFeedback, Note, NoteSheet, Scorecard
from sessions.models.live import SharedDocument
from sessions.models.paired import Guest, Invite
from sessions.models.recordings import CallConsent, Recording, RecordingChunk
from sessions.models.rounds import InterviewSession, Round, RoundEvent, RoundQuestion, Snapshot
from sessions.models.runs import Submission
from sessions.models.sharing import ShareLink
from sessions.models.whiteboard import Whiteboard, WhiteboardSnapshot

__all__ = [
    "CallConsent", "CardReview", "Guest", "InterviewSession", "InterviewerFeedback", "Invite", "Note", "NoteSheet",
    "Recording", "RecordingChunk", "Round", "RoundEvent", "ReviewCard", "ReviewSettings", "RoundQuestion", "Scorecard",
    "ShareLink", "SharedDocument", "Snapshot", "Submission", "Whiteboard", "WhiteboardSnapshot",
]
