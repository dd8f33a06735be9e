# Echo server throughput on loopback: 10 clients, each sending REQUESTS short lines one at a
# time and waiting for the echo; prints requests per second (server and clients on one loop).
import asyncio
import sys
import time

CLIENTS = 10
REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line)
        await writer.drain()
    writer.close()


async def client(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(REQUESTS):
        writer.write(b"ping %d\n" % i)
        await writer.drain()
        await reader.readline()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    start = time.perf_counter()
    await asyncio.gather(*(client(port) for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - start
    server.close()
    print(f"{CLIENTS * REQUESTS / elapsed:.0f}")


asyncio.run(main())
