#!/usr/bin/env python3
"""Idle-connection tool for the Portcullis benchmark.

  idleconn.py server --port 9009 [--host 127.0.0.1]
      Accepts connections, writes one byte ("!") to each so the client can see
      that the connection really reached the backend through the forwarder,
      then holds it open (reading and discarding) until the peer closes.

  idleconn.py client --port 13009 -n 9000 [--hold 120] [--connect-timeout 60]
      Opens N connections (at most --concurrency handshakes in flight), waits
      for the backend's byte on every one, prints "READY <n> <seconds>" and
      holds all of them open until SIGTERM/SIGINT or --hold seconds
      pass, whichever comes first. Everything is bounded in count and time.

Traffic only ever goes to the loopback address given (default 127.0.0.1).
"""
import argparse
import asyncio
import ipaddress
import resource
import signal
import sys
import time


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 20000) if hard != resource.RLIM_INFINITY else 20000
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def check_loopback(host):
    if host == "localhost":
        return
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit(f"idleconn: refusing non-loopback address {host}")


async def serve(host, port):
    count = 0

    async def handle(reader, writer):
        nonlocal count
        count += 1
        try:
            writer.write(b"!")
            await writer.drain()
            while await reader.read(65536):
                pass
        except (ConnectionError, OSError):
            pass
        finally:
            count -= 1
            writer.close()

    server = await asyncio.start_server(handle, host, port, backlog=4096,
                                        reuse_address=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"idleconn server listening on {host}:{port}", flush=True)
    async with server:
        await stop.wait()


async def client(host, port, n, concurrency, connect_timeout, hold):
    t0 = time.monotonic()
    deadline = t0 + connect_timeout
    sem = asyncio.Semaphore(concurrency)
    conns = []
    failures = {}

    async def one():
        async with sem:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("connect phase deadline passed")
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), timeout=left)
            conns.append(writer)
            left = max(0.1, deadline - time.monotonic())
            b = await asyncio.wait_for(reader.readexactly(1), timeout=left)
            if b != b"!":
                raise ValueError("unexpected byte from backend")

    results = await asyncio.gather(*(one() for _ in range(n)),
                                   return_exceptions=True)
    ok = 0
    for r in results:
        if r is None:
            ok += 1
        else:
            key = type(r).__name__ + (f": {r}" if str(r) else "")
            failures[key] = failures.get(key, 0) + 1
    elapsed = time.monotonic() - t0
    for k, v in sorted(failures.items(), key=lambda kv: -kv[1])[:5]:
        print(f"FAIL {v} {k}", flush=True)
    print(f"READY {ok} {elapsed:.2f}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=hold)
    except asyncio.TimeoutError:
        pass
    for w in conns:
        try:
            w.close()
        except Exception:
            pass
    print("CLOSED", flush=True)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True)
    c = sub.add_parser("client")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("-n", type=int, default=9000)
    c.add_argument("--concurrency", type=int, default=100)
    c.add_argument("--connect-timeout", type=float, default=90.0)
    c.add_argument("--hold", type=float, default=120.0)
    a = p.parse_args()
    check_loopback(a.host)
    limit = raise_nofile()
    if a.mode == "server":
        asyncio.run(serve(a.host, a.port))
    else:
        if a.n + 50 > limit:
            sys.exit(f"idleconn: -n {a.n} needs more open files than the limit {limit}")
        asyncio.run(client(a.host, a.port, a.n, a.concurrency,
                           a.connect_timeout, a.hold))


if __name__ == "__main__":
    main()
