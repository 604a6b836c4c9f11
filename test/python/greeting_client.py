# The original greeting client, written from the seed project's description.
import asyncio
import sys

import websockets


async def hello(uri):
    async with websockets.connect(uri) as websocket:
        name = input("Enter your name: ")
        await websocket.send(name)
        print(f"Sent: {name}")
        greeting = await websocket.recv()
        print(f"Received: {greeting}")


asyncio.run(hello(sys.argv[1] if len(sys.argv) > 1 else "ws://localhost:8765"))
