"""Long requests spread over the workers instead of piling up on one.

A client that keeps its connection open stays with the worker that accepted it.
With a few busy clients (publishing pipelines, a proxy with a handful of
connections) two of them often end up on one worker, whose threads then share
one interpreter lock while another worker idles. A connection whose request was
long and shared its worker with other work is therefore closed after the
answer (``Connection: close``): the client's next request is accepted anew, and
the worker that is idle takes it first, since the busy one's event loop waits
for its interpreter lock. Short requests keep their connection: for them a new
one would cost more than the spread gains.

Long means processor time of the thread that ran the request, not time on the
clock: on a busy worker a short request waits for the interpreter lock and
takes long on the clock, and closing its connection would only add work.
"""

from __future__ import annotations

import time

from waitress.task import WSGITask

#: A request that used at least this much processor time in a shared worker hands its client back.
LONG_REQUEST_SECONDS = 0.01


class SpreadingTask(WSGITask):
    """waitress's WSGI task, closing the connection after a long answer from a shared worker."""

    cpu_started = 0.0

    def start(self) -> None:
        self.cpu_started = time.thread_time()  # the thread that runs the app builds the answer's header too
        super().start()

    def build_response_header(self) -> bytes:
        if self.version == "1.1" and self.worth_spreading(time.thread_time() - self.cpu_started):
            self.set_close_on_finish()
        return super().build_response_header()  # type: ignore[no-any-return]

    def worth_spreading(self, seconds: float) -> bool:
        """Whether the request took long while other requests ran in this worker."""
        return seconds >= LONG_REQUEST_SECONDS and self.channel.server.task_dispatcher.active_count > 1
