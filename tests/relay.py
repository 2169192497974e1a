"""A TCP relay that can black-hole what passes through it: a network that goes quiet.

Between the kit and PostgreSQL, it forwards both ways until `blackhole(True)`; from then on it
accepts connections and reads what either side sends, but delivers nothing, as a dropped link or
a hung host does (different from a stopped server, which refuses at once). `blackhole(False)`
lets new traffic through again.

    relay = Relay("127.0.0.1", 5432).start()
    url = f"postgresql://postgres@127.0.0.1:{relay.port}/test"
    relay.blackhole(True); ...; relay.blackhole(False)
    relay.stop()
"""

from __future__ import annotations

import asyncio
import threading


class Relay:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self._quiet = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relay", daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self.dropped = 0  # bytes swallowed while black-holed

    def start(self) -> "Relay":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the relay did not start")
        return self

    def blackhole(self, on: bool) -> None:
        self._quiet = on

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            for w in list(self._writers):
                w.close()
            self._server.close()
            tasks = [t for t in asyncio.all_tasks(self._loop) if not t.done()]
            for t in tasks:
                t.cancel()
            self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self._loop.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.add(up_writer)
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True)
        for w in (writer, up_writer):
            w.close()
            self._writers.discard(w)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if self._quiet:
                self.dropped += len(data)
                continue
            writer.write(data)
            await writer.drain()
        writer.close()
