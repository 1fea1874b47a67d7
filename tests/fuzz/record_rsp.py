#!/usr/bin/env python3
"""Record what gdb-multiarch sends to hartlab's GDB stub, as seeds for the RSP harness
(tests/fuzz/corpus/rsp): a TCP proxy between gdb and `hartlab --gdb` that keeps the
debugger-to-stub bytes of each session in one file.

usage: record_rsp.py HARTLAB ELF OUTDIR   (needs gdb-multiarch; run by hand, not in CI)
"""
import os
import re
import socket
import subprocess
import sys
import threading

SESSIONS = {
    "gdb-attach-regs": ["info registers", "info registers mstatus mcause mtvec",
                        "x/8xw 0x80000000", "p $pc", "info threads", "detach"],
    "gdb-break-step": ["break main", "continue", "stepi", "next", "step", "bt", "finish",
                       "delete", "kill"],
    "gdb-watch": ["break main", "continue", "watch watched", "continue", "rwatch ticks",
                  "continue", "awatch loops", "continue", "delete", "detach"],
    "gdb-monitor": ["monitor help", "monitor irq", "monitor cycles", "monitor step-irq on",
                    "monitor break-irq mtimer", "continue", "monitor break-irq off",
                    "monitor trace off", "monitor reset", "kill"],
    "gdb-memory": ["x/4xb 0x80000100", "set {char[4]}&watched = \"abc\"", "x/2xg 0x2000000",
                   "x/4xw 0xc000000", "x/2xb 0x10000000", "set var $t0 = 5", "p/x $t0",
                   "set $pc = main", "stepi", "kill"],
}


def proxy(listener, target_port, record):
    client, _ = listener.accept()
    server = socket.create_connection(("127.0.0.1", target_port))

    def pump(src, dst, keep):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            if keep is not None:
                keep.append(data)
            try:
                dst.sendall(data)
            except OSError:
                return

    t1 = threading.Thread(target=pump, args=(client, server, record))
    t2 = threading.Thread(target=pump, args=(server, client, None))
    t1.start()
    t2.start()
    t1.join()
    t2.join()


def main():
    hartlab, elf, outdir = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    for name, cmds in SESSIONS.items():
        h = subprocess.Popen([hartlab, "--gdb", "127.0.0.1:0", "-S", elf],
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        port = int(re.search(r":(\d+)$", h.stderr.readline().strip()).group(1))
        threading.Thread(target=lambda: list(h.stderr), daemon=True).start()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        record = []
        t = threading.Thread(target=proxy, args=(listener, port, record))
        t.start()
        args = ["gdb-multiarch", "-nx", "-batch", "-ex", "set pagination off",
                "-ex", "target remote 127.0.0.1:%d" % listener.getsockname()[1]]
        for c in cmds:
            args += ["-ex", c]
        try:
            subprocess.run(args + [elf], capture_output=True, timeout=60)
            t.join(10)
            h.wait(5)
        except subprocess.TimeoutExpired:
            print(name, "timed out")
        finally:
            if h.poll() is None:
                h.kill()
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(b"".join(record))
        print(name, sum(len(r) for r in record), "bytes")


if __name__ == "__main__":
    main()
