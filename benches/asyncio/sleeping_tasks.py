# N tasks gathered over asyncio.sleep: peak memory per sleeping task (scripts/bench_asyncio.py
# runs it with N and with 0 and divides the difference of the peak RSS by N).
import asyncio
import sys

N = int(sys.argv[1])


async def sleeper():
    await asyncio.sleep(0.5)


async def main():
    await asyncio.gather(*[sleeper() for _ in range(N)])


asyncio.run(main())
