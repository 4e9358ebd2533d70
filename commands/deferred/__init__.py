"""Answers rendered after the command's transaction: recaps, charts, CSV files.

A handler that answers with something slow to make calls ``defer`` instead of ``reply`` or
``send_file``: its transaction only writes a placeholder to the outbox and a ``RenderJob`` row
(what to render, JSON), so that the write lock is held for a few statements and no other room
waits. After the commit, the runtime renders the job (``render``) in a read-only session of its
own, draws what must be drawn in a child process (``Rendered.draw``), and writes the result
into the outbox row in a short transaction (``store``), deleting the job: the outbox then holds
only the result. The room's queue holds the placeholder, and what follows it, until then; a job
left by a crash is rendered at the next start.

An answer that also edits many of the bot's earlier messages (closing a round edits every
bucket card) calls ``defer_edits``, or ``defer_edits_of`` with a query of the messages to edit
(no row of them read into Python): its transaction writes a placeholder for each edit and for
the answer (one statement), and the job on the first of them; every later message of the same
event waits behind it. The renderer gives the edits' contents (``Rendered.edits``) and the
answer's text. An answer followed by more answers (a CSV file after a table) says so with
``defer(..., then=("file",))``: their placeholders are written with the first, and the renderer
gives them in ``Rendered.more``.

- ``scope``: what a renderer gets (``RenderScope``) and gives (``Rendered``);
- ``queue``: ``defer``, ``defer_edits`` and ``defer_edits_of``, in the command's transaction;
- ``jobs``: the jobs after the commit (``pending_jobs``, ``render``, ``store``, ``failed``).
"""

from commands.deferred.jobs import ANSWER, MORE, Job, failed, pending_jobs, render, store
from commands.deferred.queue import defer, defer_edits, defer_edits_of
from commands.deferred.scope import Rendered, Renderer, RenderScope

__all__ = [
    "ANSWER",
    "MORE",
    "Job",
    "RenderScope",
    "Rendered",
    "Renderer",
    "defer",
    "defer_edits",
    "defer_edits_of",
    "failed",
    "pending_jobs",
    "render",
    "store",
]
