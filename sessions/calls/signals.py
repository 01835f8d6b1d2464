"""A recording's files leave the storage when its rows leave the database, however they go (its owner
deleting it, or its round, session or user deleted with it): after the commit, so a rollback keeps them."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from sessions.calls.recordings import recordings_storage
from sessions.models import RecordingChunk


@receiver(post_delete, sender=RecordingChunk)
def delete_chunk_file(sender, instance: RecordingChunk, **kwargs):
    name = instance.name
    transaction.on_commit(lambda: recordings_storage().delete(name))
