#!/usr/bin/env python3
"""Packet-level tests of hartlab's GDB stub over a raw socket (GDB manual appendix E):
acknowledgments and NAK/resend, bad checksums, malformed and oversized packets, NoAck mode,
queries (qSupported, qXfer target.xml, threads, qAttached, qRcmd), the hardware step `s` and
`vCont;s`, Z2/Z3/Z4 watchpoints with the data address in the stop reply, the 0x03
interrupt, a second client refused, a disconnect while running followed by a new client,
D and D;pid (detach: the machine runs on), k (hartlab exits 0), and the malformed
forms of D, k and vKill (an error reply; the debugger stays attached). A second session watches
`amo_target` while atomic_probe() writes it with c.sw/c.sd, amoadd.w, lr.w/sc.w, sb and
amoswap.w: a Z2 write watchpoint must stop after each writing instruction and a Z3 read
watchpoint after each reading one, with the data address and the pc after the instruction.

usage: rsp_robust.py --hartlab H --elf gdb_fw-rvNN.elf [--isa ISA]
"""
import argparse
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

failures = []


def check(what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else f": {detail!r}"))
    if not cond:
        failures.append(what)


def frame(data):
    return b"$" + data + b"#%02x" % (sum(data) & 0xFF)


class Client:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.noack = False

    def read_some(self, timeout=10):
        self.s.settimeout(timeout)
        data = self.s.recv(65536)
        if not data:
            raise EOFError
        self.buf += data

    def raw_until(self, pred, timeout=10):
        end = time.time() + timeout
        while not pred(self.buf):
            self.read_some(max(0.1, end - time.time()))

    def packet(self, timeout=10):
        """Next packet payload (acks before it are dropped); acknowledges it."""
        end = time.time() + timeout
        while True:
            m = re.match(rb"^[+-]*\$([^#]*)#([0-9a-f]{2})", self.buf, re.S)
            if m:
                self.buf = self.buf[m.end():]
                if not self.noack:
                    self.s.sendall(b"+")
                return m.group(1)
            self.read_some(max(0.1, end - time.time()))

    def cmd(self, data, timeout=10):
        self.s.sendall(frame(data))
        return self.packet(timeout)

    def close(self):
        self.s.close()


def symbol(elf, name):
    nm = shutil.which("riscv64-unknown-elf-nm") or "nm"
    out = subprocess.run([nm, elf], capture_output=True, text=True).stdout
    m = re.search(rf"^([0-9a-f]+) \w {re.escape(name)}$", out, re.M)
    return int(m.group(1), 16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--isa")
    args = ap.parse_args()
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    busy_port = busy.getsockname()[1]
    r = subprocess.run([args.hartlab] + (["--isa", args.isa] if args.isa else []) +
                       ["--gdb", str(busy_port), args.elf], capture_output=True, text=True,
                       timeout=20)
    busy.close()
    check("a port in use: exit status 2", r.returncode == 2, r.returncode)
    check("a port in use: the message names the port", f"port {busy_port}" in r.stderr, r.stderr)
    cmd = [args.hartlab] + (["--isa", args.isa] if args.isa else []) + [
        "--gdb", "127.0.0.1:0", "-S", args.elf]
    h = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    port = int(re.search(r":(\d+)$", h.stderr.readline().strip()).group(1))
    err = []
    threading.Thread(target=lambda: err.extend(h.stderr), daemon=True).start()
    try:
        run(args, port)
        h.wait(10)
        check("k ends hartlab with status 0", h.returncode == 0, h.returncode)
        text = "".join(err)
        check("refusal logged", "refused a second debugger" in text, text)
        check("disconnect logged", "the debugger disconnected" in text, text)
    finally:
        if h.poll() is None:
            h.kill()
    h = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    port = int(re.search(r":(\d+)$", h.stderr.readline().strip()).group(1))
    err = []
    threading.Thread(target=lambda: err.extend(h.stderr), daemon=True).start()
    try:
        run_resume_device(args, port, err)
        h.wait(10)
        check("device resume session: k ends hartlab with status 0", h.returncode == 0,
              h.returncode)
    finally:
        if h.poll() is None:
            h.kill()
    h = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    port = int(re.search(r":(\d+)$", h.stderr.readline().strip()).group(1))
    threading.Thread(target=lambda: list(h.stderr), daemon=True).start()
    try:
        run_atomic_watch(args, port)
        h.wait(10)
        check("atomics session: k ends hartlab with status 0", h.returncode == 0, h.returncode)
    finally:
        if h.poll() is None:
            h.kill()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all packet-level checks passed")
    return 0


def run(args, port):
    c = Client(port)
    c.s.sendall(b"+")
    sup = c.cmd(b"qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=riscv")
    check("qSupported advertises PacketSize", re.search(rb"PacketSize=[0-9a-f]+", sup) is not None, sup)
    check("qSupported advertises qXfer:features:read", b"qXfer:features:read+" in sup, sup)

    # Bad checksum: a NAK, nothing executed; then the good packet works.
    c.s.sendall(b"$qC#00")
    c.raw_until(lambda b: b.startswith(b"-"))
    check("bad checksum is NAKed", c.buf[:1] == b"-", c.buf)
    c.buf = c.buf[1:]
    check("qC after a NAK", c.cmd(b"qC") == b"QC1")

    # Our NAK: the stub resends its last packet.
    c.s.sendall(frame(b"qAttached"))
    first = c.packet()
    c.s.sendall(b"-")
    again = c.packet()
    check("qAttached = 1", first == b"1", first)
    check("NAK makes the stub resend", again == first, again)

    for bad, want in [(b"mzz", rb"E\w+"), (b"m80000000", rb"E\w+"), (b"p", rb"E\w+"),
                      (b"X80000000,2:", rb"E\w+"), (b"Z0,zz", rb"E\w+"), (b"vCont;x", rb"E\w+"),
                      (b"Hg99", rb"E\w+"), (b"Pzz=1", rb"E\w+"), (b"M1,1:zz", rb"E\w+"),
                      (b"qRcmd,6", rb"E\w+"), (b"j", b""), (b"", b""), (b"Z9,0,0", b""),
                      (b"m0,4", rb"E\w+"), (b"T7", rb"E\w+"),
                      (b"qXfer:features:read:nope.xml:0,10", rb"E\w+")]:
        r = c.cmd(bad)
        check(f"malformed {bad!r} -> {want!r}", re.fullmatch(want, r) is not None, r)

    # Only `D`, `D;pid`, `k` and `vKill;pid` detach or kill: anything longer is an error
    # and the debugger stays attached (issue 20: `$Dgarbage` used to detach).
    for bad in [b"Dgarbage", b"D;", b"D;zz", b"D1", b"kx", b"k;1", b"vKill", b"vKillx",
                b"vKill;zz"]:
        r = c.cmd(bad)
        check(f"{bad!r} is an error, not a detach or kill", r == b"E01", r)
        r = c.cmd(b"qC")
        check(f"still attached after {bad!r}", r == b"QC1", r)

    big = b"X80000000,4e20:" + b"a" * 20000
    r = c.cmd(big)
    check("oversized packet is refused", r.startswith(b"E.packet longer"), r[:60])

    xml, off = b"", 0
    while True:
        r = c.cmd(b"qXfer:features:read:target.xml:%x,%x" % (off, 1000))
        xml += r[1:]
        off += len(r) - 1
        if r[:1] == b"l":
            break
        check("qXfer chunk starts with m or l", r[:1] == b"m", r[:10])
    check("target.xml has the cpu feature", b'name="org.gnu.gdb.riscv.cpu"' in xml, xml[:200])
    check("target.xml lists mstatus and mcause", b'name="mstatus"' in xml and b'name="mcause"' in xml)
    if args.isa and "g" in args.isa[4:]:
        check("target.xml has the fpu feature with fcsr",
              b"org.gnu.gdb.riscv.fpu" in xml and b'name="fcsr"' in xml)
    else:
        check("no fpu feature without F/D", b"org.gnu.gdb.riscv.fpu" not in xml)
    check("qfThreadInfo", c.cmd(b"qfThreadInfo") == b"m1")
    check("qsThreadInfo", c.cmd(b"qsThreadInfo") == b"l")
    check("Hg1", c.cmd(b"Hg1") == b"OK")
    check("vCont?", c.cmd(b"vCont?") == b"vCont;c;C;s;S")
    check("? before running", c.cmd(b"?").startswith(b"T05"))

    # Out of ack mode from here on.
    check("QStartNoAckMode", c.cmd(b"QStartNoAckMode") == b"OK")
    c.noack = True

    xlen_bytes = 8 if b"riscv:rv64" in xml else 4

    def pc():
        v = c.cmd(b"p20")
        return int.from_bytes(bytes.fromhex(v.decode()), "little")

    pc0 = pc()
    check("s steps one instruction", c.cmd(b"s").startswith(b"T05") and pc() - pc0 in (2, 4))
    pc1 = pc()
    check("vCont;s:1 steps one instruction",
          c.cmd(b"vCont;s:1").startswith(b"T05") and pc() - pc1 in (2, 4))

    g = c.cmd(b"g")
    check("g carries x0-x31 and pc", len(g) == 33 * 2 * xlen_bytes, len(g))
    check("G writes them back", c.cmd(b"G" + g) == b"OK")
    mon = c.cmd(b"qRcmd," + b"help".hex().encode())
    check("qRcmd help answers with console output", mon.startswith(b"O"), mon[:20])
    while mon != b"OK":
        mon = c.packet()

    watched = symbol(args.elf, "watched")
    ticks = symbol(args.elf, "ticks")
    loops = symbol(args.elf, "loops")
    forever = symbol(args.elf, "forever")
    # Run to main first: the start-up's .bss clearing stores to `watched` too.
    main_addr = symbol(args.elf, "main")
    c.cmd(b"Z0,%x,2" % main_addr)
    check("breakpoint at main", c.cmd(b"c") == b"T05thread:1;")
    c.cmd(b"z0,%x,2" % main_addr)
    check("Z2 on watched", c.cmd(b"Z2,%x,4" % watched) == b"OK")
    r = c.cmd(b"c")
    check("write watchpoint stop reports watch:ADDR", r == b"T05watch:%x;thread:1;" % watched, r)
    val = c.cmd(b"m%x,4" % watched)
    check("the store completed before the stop", val == b"0c000000", val)
    check("z2", c.cmd(b"z2,%x,4" % watched) == b"OK")
    check("Z3 on ticks", c.cmd(b"Z3,%x,%x" % (ticks, xlen_bytes)) == b"OK")
    r = c.cmd(b"c")
    check("read watchpoint stop reports rwatch:ADDR", r == b"T05rwatch:%x;thread:1;" % ticks, r)
    c.cmd(b"z3,%x,%x" % (ticks, xlen_bytes))
    check("Z4 on loops", c.cmd(b"Z4,%x,%x" % (loops, xlen_bytes)) == b"OK")
    r = c.cmd(b"c")
    check("access watchpoint stop reports awatch:ADDR", r == b"T05awatch:%x;thread:1;" % loops, r)
    c.cmd(b"z4,%x,%x" % (loops, xlen_bytes))

    # Make the loop endless, run, interrupt with 0x03.
    check("M writes memory", c.cmd(b"M%x,4:01000000" % forever) == b"OK")
    c.s.sendall(frame(b"c"))
    time.sleep(0.3)
    c.s.sendall(b"\x03")
    r = c.packet()
    check("0x03 interrupts a running target with SIGINT", r.startswith(b"T02"), r)

    # A second client is refused while this one is attached.
    c2 = socket.create_connection(("127.0.0.1", port), timeout=10)
    data = b""
    try:
        while True:
            d = c2.recv(4096)
            if not d:
                break
            data += d
    except OSError:
        pass
    check("a second client is told why and closed", b"already attached" in data, data)
    c2.close()
    check("the first client still works", c.cmd(b"qC") == b"QC1")

    # Disconnect while running; a new client attaches and finds it stopped.
    c.s.sendall(frame(b"c"))
    time.sleep(0.2)
    c.close()
    time.sleep(0.3)
    c = Client(port)
    c.s.sendall(b"+")
    check("new client after a disconnect: qSupported", b"PacketSize" in c.cmd(b"qSupported"))
    check("new client: ? reports a stop", c.cmd(b"?").startswith(b"T05"))
    r = c.cmd(b"m%x,4" % forever)
    check("the machine state survived the disconnect", r == b"01000000", r)

    # Detach: the machine runs on; a new client can kill it.
    check("D", c.cmd(b"D") == b"OK")
    time.sleep(0.2)
    c = Client(port)
    c.s.sendall(b"+")
    c.cmd(b"qSupported")
    n1 = c.cmd(b"m%x,%x" % (loops, xlen_bytes))
    c.s.sendall(frame(b"c"))
    time.sleep(0.2)
    c.s.sendall(b"\x03")
    c.packet()
    n2 = c.cmd(b"m%x,%x" % (loops, xlen_bytes))
    check("after D the machine ran on", n1 != n2, (n1, n2))
    # D;pid detaches too (GDB sends it with the multiprocess extensions).
    check("D;1", c.cmd(b"D;1") == b"OK")
    time.sleep(0.2)
    c = Client(port)
    c.s.sendall(b"+")
    c.cmd(b"qSupported")
    c.s.sendall(frame(b"k"))
    time.sleep(0.2)
    c.close()


def run_resume_device(args, port, errors):
    """`c ADDR` / `s ADDR` with ADDR in a device region (issue 20, item 3): the hart takes an
    instruction access fault there (the device is not read) and enters its trap handler; a
    trap vector that cannot be fetched either is a trap loop: the run stops and says so; the pc keeps
    the alignment a hart can jump to; a machine idle for good after a detach waits for the
    next debugger instead of spinning."""
    c = Client(port)
    c.s.sendall(b"+")
    c.cmd(b"qSupported:swbreak+;hwbreak+")
    check("device resume: QStartNoAckMode", c.cmd(b"QStartNoAckMode") == b"OK")
    c.noack = True
    xml = c.cmd(b"qXfer:features:read:target.xml:0,fff")
    xb = 8 if b"riscv:rv64" in xml else 4

    def reg(n):
        return int.from_bytes(bytes.fromhex(c.cmd(b"p%x" % n).decode()), "little")

    def setreg(n, v):
        return c.cmd(b"P%x=" % n + v.to_bytes(xb, "little").hex().encode())

    def stop_reply(pkt):
        """Send a resume packet; return (console text, stop reply)."""
        c.s.sendall(frame(pkt))
        text = b""
        while True:
            r = c.packet(timeout=20)
            if r.startswith(b"O") and r != b"OK":
                text += bytes.fromhex(r[1:].decode())
            else:
                return text.decode(), r

    PC, MTVEC, MEPC, MCAUSE, MTVAL, MIE = 0x20, 0x41 + 0x305, 0x41 + 0x341, 0x41 + 0x342, \
        0x41 + 0x343, 0x41 + 0x304
    main_addr = symbol(args.elf, "main")
    handler = symbol(args.elf, "trap_entry")
    c.cmd(b"Z0,%x,2" % main_addr)
    check("device resume: breakpoint at main", c.cmd(b"c") == b"T05thread:1;")
    c.cmd(b"z0,%x,2" % main_addr)
    check("device resume: mtvec set", setreg(MTVEC, handler) == b"OK")
    plic_claim = 0xC200004  # the virt board's PLIC: context 1's claim register
    r = c.cmd(b"s%x" % plic_claim)
    check("s at a device address stops (one instruction: the fault)", r == b"T05thread:1;", r)
    check("... at the trap handler", reg(PC) == handler, hex(reg(PC)))
    check("... mcause = 1 (instruction access fault)", reg(MCAUSE) == 1, reg(MCAUSE))
    check("... mepc = the address", reg(MEPC) == plic_claim, hex(reg(MEPC)))
    check("... mtval = the address", reg(MTVAL) == plic_claim, hex(reg(MTVAL)))
    mon = c.cmd(b"qRcmd," + b"break-irq exc 1".hex().encode())
    while mon != b"OK":
        mon = c.packet()
    text, r = stop_reply(b"c%x" % plic_claim)
    check("c at a device address with break-irq exc 1 stops at the handler",
          r == b"T05thread:1;" and reg(PC) == handler, (r, hex(reg(PC))))
    check("... and says which fault, where",
          "exception 1 (instruction access fault) at pc 0x%x" % plic_claim in text, text)
    mon = c.cmd(b"qRcmd," + b"break-irq off".hex().encode())
    while mon != b"OK":
        mon = c.packet()
    uart = 0x10000000
    check("mtvec pointed at the UART", setreg(MTVEC, uart) == b"OK")
    text, r = stop_reply(b"c%x" % plic_claim)
    check("c with a trap vector that cannot be fetched stops (the machine's trap-loop check)",
          r.startswith(b"T05"), r)
    check("... and says the hart is stuck in a trap loop at the vector",
          "stuck in a trap loop" in text and "0x%x" % uart in text, text)
    check("... the hart sits at the vector", reg(PC) == uart and reg(MCAUSE) == 1,
          (hex(reg(PC)), reg(MCAUSE)))
    check("the pc written with bit 0 set reads back with it clear",
          setreg(PC, main_addr + 1) == b"OK" and reg(PC) == main_addr, hex(reg(PC)))
    # An idle machine after a detach: `wfi` in a loop, no interrupt enabled.
    leaf = symbol(args.elf, "leaf")
    check("wfi loop written", c.cmd(b"M%x,8:7300501073f0dfff" % leaf) == b"OK")
    setreg(MIE, 0)
    setreg(PC, leaf)
    check("device resume: D", c.cmd(b"D") == b"OK")
    c.close()
    time.sleep(1.0)
    idle = "".join(errors).count("idle; waiting for a debugger")
    check("an idle machine with nobody attached waits for a debugger, once", idle == 1,
          "".join(errors)[-600:])
    c = Client(port)
    c.s.sendall(b"+")
    c.cmd(b"qSupported")
    r = c.cmd(b"?")
    while r.startswith(b"O"):
        r = c.packet()
    check("the next debugger finds it stopped", r.startswith(b"T05"), r)
    check("... in the wfi loop", reg(PC) in (leaf, leaf + 4), hex(reg(PC)))
    c.s.sendall(frame(b"k"))
    time.sleep(0.2)
    c.close()


def run_atomic_watch(args, port):
    """Watchpoints on every kind of writing instruction (atomic_probe in gdb_fw.c)."""
    c = Client(port)
    c.s.sendall(b"+")
    c.cmd(b"qSupported:swbreak+;hwbreak+")
    check("atomics: QStartNoAckMode", c.cmd(b"QStartNoAckMode") == b"OK")
    c.noack = True
    xml = c.cmd(b"qXfer:features:read:target.xml:0,fff")
    xlen_bytes = 8 if b"riscv:rv64" in xml else 4
    cstore = "c.sd" if xlen_bytes == 8 else "c.sw"

    def reg(n):
        v = c.cmd(b"p%x" % n)
        return int.from_bytes(bytes.fromhex(v.decode()), "little")

    def g_pc():
        g = bytes.fromhex(c.cmd(b"g").decode())
        return int.from_bytes(g[32 * xlen_bytes:33 * xlen_bytes], "little")

    def word():
        return int.from_bytes(bytes.fromhex(c.cmd(b"m%x,4" % target).decode()), "little")

    target = symbol(args.elf, "amo_target")
    after = {k: symbol(args.elf, "probe_after_" + k)
             for k in ("cstore", "amoadd", "lr", "sc", "sb", "amoswap")}
    probe = symbol(args.elf, "atomic_probe")
    c.cmd(b"Z0,%x,2" % probe)
    check("atomics: breakpoint at atomic_probe", c.cmd(b"c") == b"T05thread:1;")
    c.cmd(b"z0,%x,2" % probe)

    # Z2: one stop after each write, in program order, with the value already stored.
    check("atomics: Z2 on amo_target", c.cmd(b"Z2,%x,4" % target) == b"OK")
    writes = [(cstore, "cstore", target, 0x10), ("amoadd.w", "amoadd", target, 0x20),
              ("sc.w", "sc", target, 0x23), ("sb", "sb", target + 1, 0x1023),
              ("amoswap.w", "amoswap", target, 0x5A5A)]
    for name, label, addr, value in writes:
        r = c.cmd(b"c")
        check(f"Z2 {name}: stop reports watch:{addr:x}", r == b"T05watch:%x;thread:1;" % addr, r)
        pc = reg(0x20)
        check(f"Z2 {name}: pc (p) is just after the instruction", pc == after[label],
              (hex(pc), hex(after[label])))
        check(f"Z2 {name}: pc (g) agrees", g_pc() == after[label], hex(g_pc()))
        v = word()
        check(f"Z2 {name}: the write completed before the stop", v == value, hex(v))
        if label == "sc":
            check("Z2 sc.w succeeded (a3 = 0)", reg(13) == 0, reg(13))
    check("atomics: z2", c.cmd(b"z2,%x,4" % target) == b"OK")

    # Z3: the same sequence again from probe_start (inside the asm, so the stack frame is
    # untouched); only the reading instructions stop.
    start = symbol(args.elf, "probe_start")
    c.cmd(b"P20=" + start.to_bytes(xlen_bytes, "little").hex().encode())
    check("atomics: pc moved back to probe_start", reg(0x20) == start, hex(reg(0x20)))
    check("atomics: Z3 on amo_target", c.cmd(b"Z3,%x,4" % target) == b"OK")
    for name, label in [("amoadd.w", "amoadd"), ("lr.w", "lr"), ("amoswap.w", "amoswap")]:
        r = c.cmd(b"c")
        check(f"Z3 {name}: stop reports rwatch:{target:x}",
              r == b"T05rwatch:%x;thread:1;" % target, r)
        pc = reg(0x20)
        check(f"Z3 {name}: pc is just after the instruction (not a store before it)",
              pc == after[label], (hex(pc), hex(after[label])))
    check("atomics: z3", c.cmd(b"z3,%x,4" % target) == b"OK")
    check("Z3: the sc.w after a read-watch stop still succeeded (a3 = 0)", reg(13) == 0,
          reg(13))
    c.s.sendall(frame(b"k"))
    time.sleep(0.2)
    c.close()


if __name__ == "__main__":
    sys.exit(main())
