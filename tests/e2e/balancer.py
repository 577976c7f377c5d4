"""A small TCP load balancer for the scale-out tests: one port in front of several app processes.

Plain HTTP goes to the first process (it serves the built frontend); a websocket
connection goes to the process named by the browser's `krs_backend` cookie (1, 2, …),
else round-robin — like a sticky-by-cookie rule on any HTTP load balancer.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import threading

_COOKIE = re.compile(rb"krs_backend=(\d+)")


class Balancer:
    def __init__(self, port: int, backends: list[int]):
        self.port = port
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self.routed: list[tuple[str, int]] = []  # (kind, backend port) for each connection

    def _choose(self, head: bytes) -> int:
        if b"upgrade: websocket" not in head.lower():
            return self.backends[0]
        match = _COOKIE.search(head)
        if match and 1 <= int(match.group(1)) <= len(self.backends):
            return self.backends[int(match.group(1)) - 1]
        return self.backends[next(self._next)]

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            try:
                writer.close()
            except Exception:  # noqa: BLE001
                pass

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = await reader.read(65536)
                if not chunk:
                    writer.close()
                    return
                head += chunk
            port = self._choose(head)
            self.routed.append(("websocket" if b"upgrade: websocket" in head.lower() else "http", port))
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
        except (ConnectionError, OSError):
            writer.close()
            return
        upstream_writer.write(head)
        await upstream_writer.drain()
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, daemon=True, name="krs-balancer").start()
        ready.wait(10)

    def stop(self) -> None:
        if not (self._loop and self._server):
            return
        server = self._server

        async def shutdown() -> None:
            server.close()
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
