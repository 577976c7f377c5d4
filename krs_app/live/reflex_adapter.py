"""Every use of a Reflex internal by the live layer, in one place.

Written against Reflex 0.10.1 (reflex and reflex-base 0.10.1, as installed in .venv). None of
these names is a documented API: when Reflex is upgraded, read each function below against
the new source (reflex/app.py EventNamespace, reflex/utils/token_manager.py,
reflex/istate/manager/, reflex/state.py BaseState._get_resolved_delta/_clean, StateUpdate,
reflex_base/constants/state.py FIELD_MARKER) and run tests/e2e/test_live_updates.py and
tests/e2e/test_scale_out.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Container, Iterable
from typing import Any

import reflex as rx
from reflex.event import Event
from reflex.state import StateUpdate
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event.context import EventContext

Delta = dict[str, dict[str, Any]]


def field_delta(state_name: str, values: dict[str, Any]) -> Delta:
    """A delta setting these plain fields of one state, as the browser expects it."""
    return {state_name: {name + FIELD_MARKER: value for name, value in values.items()}}


class Connections:
    """Which browser tabs are connected to this app process (its socket.io namespace)."""

    def __init__(self, app: Any) -> None:
        self._namespace = app.event_namespace

    @property
    def known(self) -> bool:
        """Whether this process knows its connections at all (not before the socket starts)."""
        return self._namespace is not None

    def _manager(self):
        return self._namespace._token_manager

    async def is_connected(self, token: str) -> bool:
        """Connected to any process (with Redis the token manager knows every process's tabs)."""
        if self._namespace is None:
            return True
        return await self._manager().is_token_connected(token)

    def connected_here(self) -> Container[str]:
        """The tabs whose socket this process holds (or, when unknown, nothing to rule out)."""
        return self._manager().token_to_socket

    def is_local(self, token: str) -> bool:
        """Whether this tab's socket is held by this process (read afresh: the id changes on fork)."""
        manager = self._manager()
        record = manager.token_to_socket.get(token)
        return record is not None and record.instance_id == manager.instance_id


async def refresh_stored_state(
    app: Any, token: str, cls: type[rx.State], refresh: Callable[[rx.State], Awaitable[None]]
) -> Delta:
    """Load one tab's stored state under its lock, let `refresh` change it, save it, and
    return what changed (to be sent by send_delta), leaving the state clean."""
    with app.set_contexts():
        async with app.state_manager.modify_state_with_links(rx.BaseStateToken(ident=token, cls=cls)) as root:
            state = await root.get_state(cls)
            await refresh(state)
            delta = await root._get_resolved_delta()
            root._clean()
    return delta


async def send_delta(app: Any, delta: Delta, tokens: Iterable[str], redirect: str = "") -> None:
    """Send one delta to many tabs: one encoded packet for the tabs connected here,
    Reflex's own routing (lost-and-found through Redis) for tabs of other processes.
    With `redirect` (a path of this app), the tabs then go there (rx.redirect, replacing the
    page in the history)."""
    namespace = app.event_namespace
    connections = Connections(app)
    events = Event.from_event_type(rx.redirect(redirect, replace=True)) if redirect else []
    update = StateUpdate(delta=delta, events=events)
    manager = connections._manager()
    local, remote = [], []
    for token in tokens:
        if connections.is_local(token):
            local.append(manager.token_to_socket[token].sid)
        else:
            remote.append(token)
    if local:
        # python-socketio encodes the packet once for a list of recipients.
        await namespace.emit("event", update, to=local)
    for token in remote:
        await namespace.emit_update(update=update, token=token)


def nothing_to_send() -> StateUpdate:
    """What a Reflex middleware's preprocess returns to drop an event: an empty update."""
    return StateUpdate()


async def load_page_then_handle(app: Any, state: rx.State, event: Event) -> StateUpdate | None:
    """For a middleware's preprocess, when a tab's stored state is new (the tab's lock held):
    run the on_load handlers of the page the tab is on, then the event, here, on the loaded
    page; the update to return, so that Reflex does not run the event again. Left to Reflex
    (None): a (re)connect's hydrate (Reflex loads the page after it, as on any page load);
    the frontend's error reports (the middlewares after this one limit them) and background
    events, both then on the loaded page.

    Why not Reflex's own catch-up: for a state without router data it sends the blank stored
    state, runs the event on it and queues the page's on_load behind it (reflex_base
    BaseStateEventProcessor._execute_event, needs_to_rehydrate): the event acts on a blank
    page, and what it tells the tab is wiped by that late on_load."""
    from reflex.state import FrontendEventExceptionState
    from reflex_base.constants import CompileVars
    from reflex_base.event.processor.base_state_processor import process_event
    from reflex_base.registry import RegistrationContext
    from reflex_base.utils.format import format_event_handler

    name = getattr(event, "name", "")
    hydrates = {
        format_event_handler(rx.State.event_handlers[n]) for n in (CompileVars.HYDRATE, CompileVars.HYDRATE_AND_LOAD)
    }
    handlers = RegistrationContext.get().event_handlers
    registered = handlers.get(name)
    if registered is None or name in hydrates:
        return None
    root = state._get_root_state()

    async def run(step: Event) -> None:
        found = handlers[step.name]
        substate = await root.get_state(found.states[0])
        await process_event(handler=found.handler, payload=step.payload, state=substate, root_state=root)

    for load in Event.from_event_type(app.get_load_events(root.router.url.path) or []):
        await run(load)
    root.is_hydrated = True  # as Reflex marks a page whose on_load handlers ran
    if registered.handler.is_background or issubclass(registered.states[0], FrontendEventExceptionState):
        return None
    await run(event)
    return StateUpdate()


_sending: set[asyncio.Task] = set()


def send_to_acting_tab(spec: Any) -> bool:
    """Send frontend events (a toast) to the tab whose event failed, at once and without its
    stored state. Reflex drops what the backend exception handler returns when the event failed
    before its state was loaded (reflex_base EventProcessor._handle_backend_exception), which is
    how it fails while Redis, the state store of the scale-out profile, does not answer.
    False when there is no event being handled here (nothing sent)."""
    try:
        context = EventContext.get()
        loop = asyncio.get_running_loop()
    except (LookupError, RuntimeError):
        return False
    task = loop.create_task(context.emit_event(*Event.from_event_type(spec)))
    _sending.add(task)
    task.add_done_callback(_sending.discard)
    return True
