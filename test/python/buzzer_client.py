# The original buzzer client, written from the seed project's description: it sends "buzz" and
# prints the reply. The original waits for the space bar with the `keyboard` library (which needs
# root and a real keyboard); here each line on stdin stands for one press of the space bar.
import asyncio
import sys

import websockets


async def buzz(uri):
    async with websockets.connect(uri) as websocket:
        for _ in sys.stdin:
            await websocket.send("buzz")
            response = await websocket.recv()
            print(f"Received: {response}", flush=True)


asyncio.run(buzz(sys.argv[1] if len(sys.argv) > 1 else "ws://localhost:8765"))
