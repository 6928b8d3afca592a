#!/usr/bin/env python3
"""A TCP proxy that delays every byte by a fixed time in each direction, for bench/h2-windows.

Used where netem is missing (no sch_netem in the kernel): it adds latency without limiting bandwidth or
reordering, so a flow-control window of W bytes allows at most W bytes per round trip, as over a link
with that delay. Usage: delay_proxy.py LISTEN_PORT TARGET_PORT DELAY_MS (prints "ready" when listening).
"""
import asyncio
import sys


async def pipe(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def sender():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    task = asyncio.create_task(sender())
    while True:
        data = await reader.read(256 * 1024)
        queue.put_nowait((loop.time() + delay, data or None))
        if not data:
            break
    await task


async def main():
    listen, target, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000

    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
