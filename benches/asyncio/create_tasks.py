# Time to create and run 100k tasks (each yields once) and collect their results.
import asyncio
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000


async def work(i):
    await asyncio.sleep(0)
    return i


async def main():
    start = time.perf_counter()
    tasks = [asyncio.create_task(work(i)) for i in range(N)]
    total = 0
    for t in tasks:
        total += await t
    elapsed = time.perf_counter() - start
    assert total == N * (N - 1) // 2
    print(f"{elapsed:.4f}")


asyncio.run(main())
