# The original greeting server, written from the seed project's description: one name per connection.
import asyncio
import sys

import websockets


async def hello(websocket, path=None):
    name = await websocket.recv()
    greeting = f"Hello {name}!"
    print(greeting, flush=True)
    await websocket.send(greeting)
    print(f"Sent: {greeting}", flush=True)


async def main(port):
    async with websockets.serve(hello, "127.0.0.1", port) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"Server started on ws://127.0.0.1:{port}", flush=True)
        await asyncio.Future()


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8765))
