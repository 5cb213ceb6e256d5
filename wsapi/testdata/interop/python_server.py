"""Python websockets servers for the wsapi interop suite.

Run by wsapi's TestInterop (and TestRecordInterop) as a child process:

    /usr/bin/python3 python_server.py

It serves each configuration below on a port of its own on 127.0.0.1,
prints one line, READY {"python-default": "http://127.0.0.1:PORT", ...},
and runs until it is killed or its standard input closes. Every
configuration has the same paths, so that one scenario list covers them:

    /echo                     echoes every message
    /close?code=C&reason=R    closes with that code and reason
    /raise                    the handler raises: websockets closes with 1011
    /observe?id=ID            the lines recorded for ID, one text message
                              each, once ID's handlers are done; then 1000

and every URL takes ?id=ID, the key of the observation lines (the format
of wsapi/internal/scenario): request, recv, close, gone. With ?wire=1,
/echo adds "deflated" to the recv line of a message that came compressed
(RSV1), for the native test that checks what the client compresses.
"""

import asyncio
import json
import sys
import urllib.parse

import websockets
from websockets import frames
from websockets.extensions.permessage_deflate import PerMessageDeflate

CONFIGS = {
    # The defaults: permessage-deflate, answered with
    # client_max_window_bits=12 and server_max_window_bits=12.
    "python-default": {},
    "python-nocompress": {"compression": None},
    # One subprotocol: with two that the client offers in the other order,
    # websockets 10.4 scores a tie and picks by the order of a set, which
    # changes from run to run with the hash seed.
    "python-subprotocols": {"subprotocols": ["chat.v2"]},
    "python-maxsize": {"max_size": 1024},
}

_decode = PerMessageDeflate.decode


def decode(self, frame, *, max_size=None):
    """PerMessageDeflate.decode, noting for each message whether its first
    frame had RSV1, in the order messages are read (ahead of the handler)."""
    if frame.opcode in (frames.Opcode.TEXT, frames.Opcode.BINARY):
        if not hasattr(self, "wsapi_rsv1"):
            self.wsapi_rsv1 = []
        self.wsapi_rsv1.append(frame.rsv1)
    return _decode(self, frame, max_size=max_size)


PerMessageDeflate.decode = decode


def deflated(ws):
    """Whether the message the handler got last came compressed."""
    for ext in ws.extensions:
        if isinstance(ext, PerMessageDeflate) and getattr(ext, "wsapi_rsv1", None):
            return ext.wsapi_rsv1.pop(0)
    return False


lines = {}  # id -> [observation line]
active = {}  # id -> number of handlers running


def q(s):
    """Quotes like Go's %q for the ASCII the scenarios use."""
    return json.dumps(s)


def record(ident, line):
    lines.setdefault(ident, []).append(line)


async def observe(ws, ident):
    for _ in range(300):
        if not active.get(ident):
            break
        await asyncio.sleep(0.01)
    for line in lines.pop(ident, []):
        await ws.send(line)
    await ws.close(1000)


async def handler(ws):
    url = urllib.parse.urlsplit(ws.path)
    query = dict(urllib.parse.parse_qsl(url.query))
    ident = query.get("id", "")
    if url.path == "/observe":
        await observe(ws, ident)
        return
    active[ident] = active.get(ident, 0) + 1
    hdr = ws.request_headers
    record(ident, "request protocols=%s extensions=%s" % (
        q(", ".join(hdr.get_all("Sec-WebSocket-Protocol"))),
        q(", ".join(hdr.get_all("Sec-WebSocket-Extensions")))))
    # The connection's end is recorded once it is closed, by a task of its
    # own: /raise's close frame goes out only after the handler is gone.
    asyncio.ensure_future(finish(ws, ident))
    if url.path == "/echo":
        try:
            async for msg in ws:
                kind = "text" if isinstance(msg, str) else "binary"
                n = len(msg.encode()) if kind == "text" else len(msg)
                mark = " deflated" if deflated(ws) and query.get("wire") == "1" else ""
                record(ident, "recv %s %d%s" % (kind, n, mark))
                await ws.send(msg)
        except websockets.ConnectionClosed:
            pass
    elif url.path == "/close":
        await ws.close(int(query.get("code", "1000")), query.get("reason", ""))
    elif url.path == "/raise":
        raise RuntimeError("the handler failed on purpose")
    else:
        await ws.close(4404, "no such path")


async def finish(ws, ident):
    try:
        await ws.wait_closed()
        if ws.close_code == 1006:
            record(ident, "gone")
        else:
            record(ident, "close %d %s" % (ws.close_code, q(ws.close_reason)))
    finally:
        active[ident] -= 1


async def main():
    servers = {}
    for name, opts in CONFIGS.items():
        srv = await websockets.serve(handler, "127.0.0.1", 0, **opts)
        port = srv.sockets[0].getsockname()[1]
        servers[name] = "http://127.0.0.1:%d" % port
    print("READY " + json.dumps(servers), flush=True)
    loop = asyncio.get_running_loop()
    # Exit when the parent goes away, even if it could not kill us.
    await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    import logging
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main())
