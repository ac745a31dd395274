#!/usr/bin/env python3
"""Checks that one REST client's bytes never reach another client's connection.

Start a server first, for example:
    target/digitpad/bin/digitpad serve --port=0 --rest_api_port=18601
then:
    python3 scripts/rest-isolation-stress.py 18601 100

For the given number of seconds, three threads send refused CONNECT requests whose 15 KB body is all "Z",
two send GETs to a bad URI with a 24 KB JSON body, and two ask for the model's status. Each request has its
own connection. A status or bad-URI answer that holds "ZZZZ" (another client's bytes) is shown, and any
answer that is not an HTTP answer at all is counted. Exit code 1 if there was either.

On a 2-core VM, with Jetty's pooled buffers (before commit 96ef5ae), three runs of 30 to 60 s each found
0 to 3 answers with another client's bytes and 0 to 4 requests with no answer. Without the pool, runs of
30, 40 and 90 s found neither.
"""
import collections
import socket
import sys
import threading
import time

port = int(sys.argv[1])
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60

body = b"Z" * 15320
connect = (b"CONNECT /v1/models/%zz/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
json_body = b'{"instances": [' + b"[0.5]," * 4000 + b"[0.5]]}"
bad_uri = (b"GET /v1/models/%/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
           + str(len(json_body)).encode() + b"\r\n\r\n" + json_body)
status = b"GET /v1/models/mnist HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

counts = collections.Counter()
foreign = []
lock = threading.Lock()


def exchange(request):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(30)
        try:
            s.sendall(request)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # answered before reading it all; the answer is read below
        answer = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass  # a reset after the answer: what came before it counts
        return answer


def client(kind, request, end):
    while time.time() < end:
        answer = exchange(request)
        with lock:
            counts[kind] += 1
            if kind != "connect" and b"ZZZZ" in answer:
                foreign.append((kind, answer[:200]))
            if not answer.startswith(b"HTTP/1.1 "):
                counts[kind + ", not an HTTP answer"] += 1


try:
    exchange(status)
except OSError as e:
    sys.exit("No REST server answers on 127.0.0.1:%d (%s). Start one first; see the top of this script." % (port, e))

end = time.time() + seconds
threads = [threading.Thread(target=client, args=(kind, request, end))
           for kind, request in [("connect", connect)] * 3 + [("bad URI", bad_uri)] * 2 + [("status", status)] * 2]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("requests:", dict(counts))
print("answers holding another client's bytes:", len(foreign))
for kind, answer in foreign[:5]:
    print(" ", kind, answer)
unanswered = sum(n for kind, n in counts.items() if kind.endswith("not an HTTP answer"))
sys.exit(1 if foreign or unanswered else 0)
