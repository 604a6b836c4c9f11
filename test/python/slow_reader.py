# A WebSocket client that joins a room as a viewer and then stops reading, with a tiny receive
# buffer, so the server has to queue what it sends: the slow consumer of the hardening tests.
# (A viewer, a projector on a bad network, gets the whole room on every change; a player gets
# only small deltas.)
import base64
import json
import os
import socket
import sys
import time

host, port, room = "127.0.0.1", int(sys.argv[1]), sys.argv[2]
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
# From an address of its own on the loopback: the server's line about its close is not held back
# behind the lines about the test's other clients (a gateway prints 20 lines an address, then 1 a second).
sock.bind(("127.0.0.2", 0))
sock.connect((host, port))
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall(
    (
        f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
)
response = b""
while b"\r\n\r\n" not in response:
    response += sock.recv(1)
payload = json.dumps({"type": "join", "room": room, "watch": True}).encode()
mask = os.urandom(4)
frame = bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
sock.sendall(frame)
print("joined", flush=True)
time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 20)
