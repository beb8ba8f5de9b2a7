"""``appstore-registry webhooks deliver``: the worker that posts the webhook outbox.

Run one or more next to ``serve`` (any host that reaches the database and the
receivers); they share the outbox without posting an event twice.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from registry.cli_context import command_app
from registry.service_factories import webhook_courier
from registry.services.webhooks.delivery import Courier


@click.group("webhooks")
def webhooks() -> None:
    """Deliver organisations' webhooks."""


@webhooks.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop (for a cron job).")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 300),
              help="Seconds to wait when nothing is due.")
@click.pass_context
def deliver_command(ctx: click.Context, once: bool, interval: float) -> None:
    """Post due events from the outbox, signed, retrying failures with backoff; stops on SIGTERM or Ctrl+C."""
    stop = threading.Event()

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        sent = deliver(webhook_courier(command_app(ctx)), stop, once=once, interval=interval)
    except KeyboardInterrupt:
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"{sent} deliveries attempted")


def deliver(courier: Courier, stop: threading.Event, *, once: bool, interval: float) -> int:
    """Deliver until ``stop`` is set (or, with ``once``, until nothing is due); attempts made."""
    attempted = 0
    while not stop.is_set():
        batch = courier.deliver_due()
        attempted += batch
        if batch == 0:
            if once:
                break
            stop.wait(interval)
    return attempted
