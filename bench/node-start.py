# How long a Node runtime client takes to ask for its first event, and how
# much memory its whole process tree holds at that moment, for one command.
#
#   python3 node-start.py ROUNDS TASK_DIR COMMAND...
#
# Each round starts COMMAND in TASK_DIR (its own process group) with
# AWS_LAMBDA_RUNTIME_API pointing at a Runtime API stand-in on loopback, times
# the moment the client's GET /2018-06-01/runtime/invocation/next arrives,
# sums the resident memory (VmRSS) of every process descended from the one
# started, then ends the group. Prints "MILLISECONDS|KILOBYTES|PROCESSES", each
# the median over the rounds.
import os
import signal
import socket
import statistics
import subprocess
import sys
import time


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # The command name may hold blanks and parentheses: the parent
                # id is the second field after the last ')'.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def resident_kilobytes(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def one_round(task_dir, command):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(60)
    environment = dict(os.environ)
    environment.update(
        AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % server.getsockname()[1],
        _HANDLER="index.handler",
        LAMBDA_TASK_ROOT=task_dir,
    )
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=task_dir, env=environment, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        connection, _ = server.accept()
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(4096)
            if not chunk:
                break
            request += chunk
        asked = time.monotonic()
        if not request.startswith(b"GET /2018-06-01/runtime/invocation/next "):
            raise SystemExit("node-start: the first request was not for the next event: %r" % request[:80])
        tree = descendants(process.pid)
        memory = sum(resident_kilobytes(pid) for pid in tree)
        connection.close()
        return (asked - started) * 1000, memory, len(tree)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        server.close()


def main():
    rounds, task_dir, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    results = [one_round(task_dir, command) for _ in range(rounds)]
    print("%.0f|%d|%d" % tuple(statistics.median(r[i] for r in results) for i in range(3)))


main()
