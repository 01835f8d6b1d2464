"""Migration *_round_snapshot_bytes: rounds that already have replay history start with its size counted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APP = "interview_sessions"


@pytest.mark.django_db(transaction=True)
def test_it_counts_the_bytes_of_the_snapshots_already_kept(owner, mini_pack):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes(APP)
    (ours,) = [key for key in executor.loader.graph.nodes if key[0] == APP and key[1].endswith("_round_snapshot_bytes")]
    # The migration just before ours, whatever number merging gives it.
    before = [p.key for p in executor.loader.graph.node_map[ours].parents if p.key[0] == APP]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    session = old.get_model(APP, "InterviewSession").objects.create(owner_id=owner.pk, title="Before")
    Round = old.get_model(APP, "Round")
    stage_round = Round.objects.create(session=session, title="R", stage_kind="coding", duration_seconds=60)
    empty = Round.objects.create(session=session, order=1, title="S", stage_kind="coding", duration_seconds=60)
    question = old.get_model("questions", "Question").objects.get(slug="sum-two")
    rq = old.get_model(APP, "RoundQuestion").objects.create(round=stage_round, question_id=question.pk)
    Snapshot = old.get_model(APP, "Snapshot")
    Snapshot.objects.create(round_question=rq, field="code", content="é" * 3)
    Snapshot.objects.create(round_question=rq, field="code", content="abc")

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    new = MigrationExecutor(connection).loader.project_state(latest).apps.get_model(APP, "Round")
    assert new.objects.get(pk=stage_round.pk).snapshot_bytes == 6 + 3
    assert new.objects.get(pk=empty.pk).snapshot_bytes == 0
