"""A small HTTP/1.1 server (asyncio + h11) that hands each request to a gateway app and injects faults.

h11 (already an httpx dependency) does the protocol bookkeeping; this module owns sockets, timing and the
transport faults, which a framework would hide: trickled bodies, resets mid-body, connections that hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Protocol

import h11

from aigw_doctor.mock.faults import PROXY_502_PAGE, Faults, inflate
from aigw_doctor.mock.http import Request, Response, json_response

log = logging.getLogger(__name__)

READ_CHUNK = 64 * 1024
WRITE_CHUNK = 256 * 1024


class App(Protocol):
    """A gateway emulation: pure request → response, plus the limits the server enforces for it."""

    name: str
    max_body_bytes: int

    def handle(self, request: Request) -> Response: ...


@dataclass(frozen=True)
class RecordedRequest:
    """What the server saw, for tests: never header values (they hold credentials)."""

    method: str
    target: str
    host: str | None
    header_names: tuple[str, ...]
    status: int | None
    at: float


class _Aborted(Exception):
    """The connection was reset on purpose (the reset-mid-body fault)."""


class HttpServer:
    def __init__(
        self,
        app: App,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        faults: Faults = Faults(),
        on_request: Callable[[RecordedRequest], None] | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.faults = faults
        self.on_request = on_request
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(
            self._client, self.host, self.port, ssl=self.ssl_context, reuse_address=True
        )
        sockets = self._server.sockets
        self.port = int(sockets[0].getsockname()[1]) if sockets else self.port
        return self.port

    async def close(self) -> None:
        """Stop listening and end every connection, hung ones included."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    # ------------------------------------------------------------------ connections

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=64 * 1024)
        aborted = False
        try:
            while True:
                request = await self._read_request(conn, reader, writer)
                if request is None:
                    break
                await self._respond(conn, writer, request)
                if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                    conn.start_next_cycle()
                else:
                    break
        except _Aborted:
            aborted = True
        except (ConnectionError, h11.ProtocolError, ssl.SSLError, OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            aborted = True
            writer.transport.abort()
        finally:
            if task is not None:
                self._tasks.discard(task)
            if not aborted:
                writer.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer.wait_closed(), 1)

    async def _next_event(self, conn: h11.Connection, reader: asyncio.StreamReader) -> object:
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await reader.read(READ_CHUNK)
            conn.receive_data(data)

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> Request | None:
        try:
            event = await self._next_event(conn, reader)
        except h11.RemoteProtocolError:
            if conn.our_state is h11.SEND_RESPONSE:
                await self._send(conn, writer, json_response(400, {"error": {"message": "bad request"}}))
            return None
        if not isinstance(event, h11.Request):
            return None
        headers = tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in event.headers)
        method = event.method.decode("ascii", "replace")
        target = event.target.decode("latin-1")
        tls = self.ssl_context is not None
        too_large = _payload_too_large(self.app.max_body_bytes)
        declared = dict(headers).get("content-length", "")
        if declared.isdigit() and int(declared) > self.app.max_body_bytes:
            await self._send(conn, writer, too_large, record=Request(method, target, headers, b"", tls))
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await self._next_event(conn, reader)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.app.max_body_bytes:
                    await self._send(conn, writer, too_large, record=Request(method, target, headers, b"", tls))
                    return None
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                return None
        return Request(method, target, headers, b"".join(chunks), tls)

    async def _respond(self, conn: h11.Connection, writer: asyncio.StreamWriter, request: Request) -> None:
        faults = self.faults
        if faults.hang:
            self._record(request, None)
            await asyncio.Event().wait()  # until the server closes and cancels us
        try:
            response = self.app.handle(request)
        except Exception:  # the emulator must answer even when an app has a bug
            log.exception("emulator app failed on %s %s", request.method, request.target)
            response = json_response(500, {"error": {"message": "emulator internal error"}})
        delay = faults.latency_ms + response.delay_ms
        if delay > 0:
            await asyncio.sleep(delay / 1000)
        if response.hang:
            self._record(request, None)
            await asyncio.Event().wait()
        if faults.html_502:
            response = Response(502, PROXY_502_PAGE, [("content-type", "text/html"), ("server", "nginx")])
        elif faults.huge_body:
            response.body = inflate(response.body, faults.huge_body_bytes)
        await self._send(conn, writer, response, record=request, head=request.method == "HEAD")

    async def _send(
        self,
        conn: h11.Connection,
        writer: asyncio.StreamWriter,
        response: Response,
        *,
        record: Request | None = None,
        head: bool = False,
    ) -> None:
        if record is not None:
            self._record(record, response.status)
        headers = [(k, v) for k, v in response.headers if k.lower() not in ("content-length", "connection")]
        headers.append(("content-length", str(len(response.body))))
        headers.append(("date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())))
        writer.write(
            conn.send(h11.Response(status_code=response.status, headers=headers, reason=_reason(response.status)))
            or b""
        )
        body = b"" if head else response.body
        faults = self.faults
        if faults.reset_mid_body and body and response.status != 413:
            writer.write(conn.send(h11.Data(data=body[: max(1, len(body) // 2)])) or b"")
            await writer.drain()
            _reset(writer)
            raise _Aborted
        if faults.slow_body:
            step = max(1, faults.trickle_bytes)
            for start in range(0, len(body), step):
                writer.write(conn.send(h11.Data(data=body[start : start + step])) or b"")
                await writer.drain()
                await asyncio.sleep(faults.trickle_interval_ms / 1000)
        else:
            for start in range(0, len(body), WRITE_CHUNK):
                writer.write(conn.send(h11.Data(data=body[start : start + WRITE_CHUNK])) or b"")
                await writer.drain()
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        await writer.drain()

    def _record(self, request: Request, status: int | None) -> None:
        if self.on_request is not None:
            self.on_request(
                RecordedRequest(
                    request.method,
                    request.target,
                    request.header("host"),
                    tuple(request.header_names),
                    status,
                    time.monotonic(),
                )
            )


def _payload_too_large(limit: int) -> Response:
    return json_response(413, {"error": {"message": f"Request Entity Too Large (limit {limit} bytes)"}})


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0) instead of a clean FIN, as a crashed proxy would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def quiet_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    """TLS handshakes that a client rejects (unknown CA: a case the tests provoke) are not server errors."""
    exc = context.get("exception")
    if isinstance(exc, (ssl.SSLError, ConnectionError, OSError)):
        log.debug("emulator connection error: %s", exc)
        return
    loop.default_exception_handler(context)
