# The original Python server, as the seed project would have had it (asyncio, websockets.serve),
# in both modes, speaking the same plain-text protocols as bench/reference/bare_bun.ts:
#   greet:  NAME -> "Hello NAME!" (the original answered one name per connection; this answers
#           every message, so persistent connections can be measured; one name then close is the
#           original client's cycle).
#   buzzer: "buzz" -> "first place!" for the round's first, else "response time: S.SS seconds
#           slower!"; a repeat in the same round gets the same verdict; "reset" starts a new round
#           and is answered "new round".
# Usage: /usr/bin/python3 bench/reference/python_server.py --mode greet|buzzer [--port 0] [--quiet]
import argparse
import asyncio
import signal
import time

import websockets

state = {"round": 0, "first": None}


def log(args, line):
    if not args.quiet:
        print(line, flush=True)


def serve_greet(args):
    async def hello(websocket, path=None):
        async for name in websocket:
            greeting = f"Hello {name}!"
            log(args, greeting)
            await websocket.send(greeting)
            log(args, f"Sent: {greeting}")

    return hello


def serve_buzzer(args):
    async def buzzer(websocket, path=None):
        verdict, verdict_round = None, -1
        async for message in websocket:
            if message == "reset":
                state["round"] += 1
                state["first"] = None
                await websocket.send("new round")
                continue
            if message != "buzz":
                await websocket.send('error: send "buzz" to buzz')
                continue
            if verdict_round != state["round"]:
                now = time.perf_counter()
                verdict_round = state["round"]
                if state["first"] is None:
                    state["first"] = now
                    verdict = "first place!"
                else:
                    verdict = f"response time: {now - state['first']:.2f} seconds slower!"
                log(args, verdict)
            await websocket.send(verdict)

    return buzzer


async def main(args):
    handler = serve_greet(args) if args.mode == "greet" else serve_buzzer(args)
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with websockets.serve(handler, args.host, args.port) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"Server started on ws://{args.host}:{port}", flush=True)
        await stop


parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--mode", choices=["greet", "buzzer"], default="greet")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8765)
parser.add_argument("--quiet", action="store_true", help="print only the start line")
asyncio.run(main(parser.parse_args()))
