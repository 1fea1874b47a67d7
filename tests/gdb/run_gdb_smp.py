#!/usr/bin/env python3
"""GDB against a four-hart machine (docs/gdb.md "Threads are harts"): gdb-multiarch in batch
mode on `hartlab --smp 4 --gdb 127.0.0.1:0 -S` running the counter sample
(firmware-samples/counter.c), asserting on what GDB prints:

  - qfThreadInfo: `info threads` lists four threads named hart 0..3, each with its frame;
  - `thread N` selects a hart: $mhartid reads N-1 there;
  - a breakpoint in a function every hart runs stops the machine and names the thread;
  - a write watchpoint on the shared counter reports the hart that wrote it, with old and
    new value;
  - stepping one hart (stepi with `set scheduler-locking step`, which makes GDB resume only
    that thread: vCont;c:TID) moves only that hart: every other thread's pc is unchanged;
  - kill ends hartlab.

With --scenario step (on --smp 2, GDB's default scheduler-locking): stepping a thread other
than the one that reported the last stop. GDB steps RISC-V in software (a breakpoint where
the instruction goes, then vCont;c for every thread), so hartlab must see that breakpoint as
a step of that hart alone, also where the instruction is a taken branch or a jump:

  - `thread 2`, `stepi`: only hart 1 moves, and the stop names thread 2 (GDB does not switch
    threads, `info threads` marks 2);
  - five `step`s through a spin loop's branch, an `if` and the call into count(): hart 1
    arrives in count(), hart 0's pc never changes.

With --scenario atomic (gdb_smp.c, every hart adding 1 to a counter with a compare-and-swap
loop): GDB steps an LR/SC sequence whole, with one breakpoint after it. `stepi` at hart 1's
lr.w (another hart at the same lr.w, GDB having read thread 1's registers last) must move
hart 1 alone to the end of the sequence, its SC succeeding: every other thread's pc stays,
the counter grows by exactly one.

With --scenario reverse (docs/gdb.md "Going backwards"): going back is for the whole
machine. Stopped where one hart enters smp_barrier (point A, the other hart still counting),
every thread's registers are listed; a watchpoint on the AMO counter then stops three times
forwards (point B: both harts have run since A); a breakpoint on smp_barrier for A's thread
only and reverse-continue go back to A, where every thread's registers must read as they did
at A; forwards again, the same three watchpoint stops (thread, old and new value) and, at B,
the same registers in every thread.

usage: run_gdb_smp.py --hartlab H --elf ELF [--smp N]
                      [--scenario threads|step|atomic|reverse]
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_gdb  # noqa: E402  (Hartlab, run_gdb, check, failures)


def pc_listings(out, nthreads):
    """The `thread apply all p/x $pc` listings in order: one {thread: pc} each."""
    pairs = re.findall(r"^Thread (\d) \(Thread \d \(hart \d\)\):\n\$\d+ = (0x[0-9a-f]+)$", out,
                       re.M)
    return [dict(pairs[k:k + nthreads]) for k in range(0, len(pairs), nthreads)]


def scenario_step(args):
    h = run_gdb.Hartlab(args, args.elf, extra=["--smp", str(args.smp)])
    check = run_gdb.check
    try:
        cmds = ["break count", "continue", "delete", "thread 2", "thread apply all p/x $pc",
                "stepi", "info threads", "thread apply all p/x $pc",
                "step", "step", "step", "step", "step", "info threads",
                "thread apply all p/x $pc", "kill"]
        out = run_gdb.run_gdb(args, h.port, cmds)
        check("smp-step", re.search(r"Thread 1 hit Breakpoint 1, count \(hart=hart@entry=0\)", out)
              is not None, "the breakpoint stops hart 0 (thread 1) in count()", out)
        after = out.split("[Switching to thread 2 (Thread 2)]", 1)
        check("smp-step", len(after) == 2 and "Switching to" not in after[1],
              "every step of thread 2 reports thread 2 (GDB never switches threads)", out)
        marks = re.findall(r"^\* (\d)\s+Thread", out, re.M)
        check("smp-step", marks == ["2", "2"], f"info threads marks thread 2 current ({marks})", out)
        pcs = pc_listings(out, args.smp)
        ok = len(pcs) == 3 and all(len(p) == args.smp for p in pcs)
        check("smp-step", ok and pcs[0]["2"] != pcs[1]["2"] != pcs[2]["2"],
              f"stepi and step move thread 2 ({pcs})", out)
        check("smp-step", ok and all(p[t] == pcs[0][t] for p in pcs for t in p if t != "2"),
              f"every other thread's pc stays where it was ({pcs})", out)
        check("smp-step", re.search(r"^\* 2\s+Thread 2 \(hart 1\) count \(hart=1\)", out, re.M)
              is not None, "the steps follow hart 1 through a branch and a call into count()", out)
        rc = h.wait()
        check("smp-step", rc == 0, f"hartlab exit status {rc} after kill", out + "".join(h.err))
    finally:
        h.stop()
    print(f"{len(run_gdb.failures)} failed")
    return 1 if run_gdb.failures else 0


def scenario_atomic(args):
    h = run_gdb.Hartlab(args, args.elf, extra=["--smp", str(args.smp)])
    check = run_gdb.check
    try:
        # Hart 0 to the lr.w; then hart 1 alone (scheduler-locking on) to the same lr.w; then
        # GDB's default again, registers read last from thread 1, and stepi on thread 2.
        cmds = ["break *cas_lr if $mhartid == 0", "continue", "delete",
                "set scheduler-locking on", "thread 2", "break *cas_lr if $mhartid == 1",
                "continue", "delete", "set scheduler-locking off", "p total",
                "thread apply all p/x $pc", "echo LR=", "p/x &cas_lr", "stepi", "info threads",
                "thread apply all p/x $pc", "p total", "stepi", "thread apply all p/x $pc",
                "kill"]
        out = run_gdb.run_gdb(args, h.port, cmds)
        check("smp-atomic", re.search(r"Thread 2 hit Breakpoint \d+, 0x[0-9a-f]+ in cas_add", out)
              is not None, "the breakpoints stop hart 1 (thread 2) at the lr.w", out)
        pcs = pc_listings(out, args.smp)
        lr = re.search(r"LR=\$\d+ = (0x[0-9a-f]+)$", out, re.M)
        totals = [int(v) for v in re.findall(r"^\$\d+ = (\d+)$", out, re.M)]
        ok = len(pcs) == 3 and all(len(p) == args.smp for p in pcs) and lr is not None
        check("smp-atomic", ok and pcs[0]["2"] == lr.group(1),
              f"thread 2 is at the lr.w ({pcs}, {lr and lr.group(1)})", out)
        # lr.w, bne, sc.w: 4 bytes each; the compressed bnez: 2.
        check("smp-atomic", ok and int(pcs[1]["2"], 16) == int(lr.group(1), 16) + 14,
              f"stepi takes thread 2 through the whole sequence to its end ({pcs})", out)
        check("smp-atomic", ok and any(pcs[0][t] == pcs[0]["2"] for t in pcs[0] if t != "2"),
              f"another hart waits at the same lr.w ({pcs})", out)
        check("smp-atomic", ok and all(p[t] == pcs[0][t] for p in pcs for t in p if t != "2"),
              f"every other thread's pc stays where it was, through both steps ({pcs})", out)
        check("smp-atomic", len(totals) == 2 and totals[1] == totals[0] + 1,
              f"the stepped hart's SC succeeded: the counter grew by one ({totals})", out)
        check("smp-atomic", re.search(r"^\* 2\s+Thread 2 \(hart 1\)", out, re.M) is not None,
              "the step reports thread 2", out)
        rc = h.wait()
        check("smp-atomic", rc == 0, f"hartlab exit status {rc} after kill", out + "".join(h.err))
    finally:
        h.stop()
    print(f"{len(run_gdb.failures)} failed")
    return 1 if run_gdb.failures else 0


REGS = "info registers pc ra sp gp tp t0 t1 a0 a1 a4 a5 s0 s1"


def reg_listings(out):
    """Each `thread apply all info registers` listing as {thread: [register lines]}."""
    listings = []
    for block in out.split("@@listing@@")[1:]:
        block = block.split("@@end@@")[0]
        threads = {}
        parts = re.split(r"^Thread (\d) \(Thread \d \(hart \d\)\):$", block, flags=re.M)
        for k in range(1, len(parts) - 1, 2):
            threads[parts[k]] = [l.split()[:2] for l in parts[k + 1].strip().splitlines()
                                 if l.strip()]
        listings.append(threads)
    return listings


def scenario_reverse(args):
    h = run_gdb.Hartlab(args, args.elf, extra=["--smp", str(args.smp)])
    check = run_gdb.check
    listing = ["echo @@listing@@\\n", "thread apply all " + REGS, "echo @@end@@\\n"]
    try:
        cmds = (["break smp_barrier", "continue",
                 'eval "break smp_barrier thread %d", $_thread', "disable 2", "delete 1"] +
                listing + ["p amo_counter", "watch amo_counter", "continue", "continue",
                           "continue", "delete 3"] + listing +
                ["enable 2", "reverse-continue"] + listing +
                ["p amo_counter", "disable 2", "watch amo_counter", "continue", "continue",
                 "continue"] + listing + ["kill"])
        out = run_gdb.run_gdb(args, h.port, cmds)
        stop = re.search(r"Thread (\d) hit Breakpoint 1, smp_barrier", out)
        check("smp-reverse", stop is not None, "A: a hart stops entering smp_barrier", out)
        a_thread = stop.group(1) if stop else "?"
        back = re.search(r"Thread (\d) hit Breakpoint 2, smp_barrier", out)
        check("smp-reverse", back is not None and back.group(1) == a_thread,
              f"reverse-continue goes back to A (thread {a_thread} entering smp_barrier)", out)
        ls = reg_listings(out)
        ok = len(ls) == 4 and all(len(l) == args.smp for l in ls)
        check("smp-reverse", ok, f"four listings of {args.smp} threads' registers", out)
        if ok:
            moved = [t for t in ls[0] if ls[0][t] != ls[1][t]]
            check("smp-reverse", len(moved) == args.smp,
                  f"between A and B every hart ran (threads whose registers changed: {moved})", out)
            for t in ls[0]:
                check("smp-reverse", ls[2][t] == ls[0][t],
                      f"back at A: thread {t}'s registers as they were at A", out)
                check("smp-reverse", ls[3][t] == ls[1][t],
                      f"forwards again to B: thread {t}'s registers as they were at B", out)
        hits = re.findall(r"Thread (\d) hit Hardware watchpoint \d+: amo_counter\s+"
                          r"Old value = (\d+)\s+New value = (\d+)", out)
        check("smp-reverse", len(hits) == 6 and hits[:3] == hits[3:],
              f"forwards again: the same watchpoint stops, thread, old and new values ({hits})",
              out)
        counters = re.findall(r"^\$\d+ = (\d+)$", out, re.M)
        check("smp-reverse", len(counters) == 2 and counters[0] == counters[1],
              f"amo_counter back at A is what it was at A ({counters})", out)
        check("smp-reverse", not any("did not follow" in l for l in h.err),
              "re-execution followed the log", "".join(h.err))
        check("smp-reverse", re.search(r"\[Inferior 1 \(.*\) killed\]", out) is not None,
              "kill", out)
        h.wait()
    finally:
        h.stop()
    print(f"{len(run_gdb.failures)} failed")
    return 1 if run_gdb.failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--scenario", choices=("threads", "step", "atomic", "reverse"),
                    default="threads")
    args = ap.parse_args()
    args.isa = None
    if args.scenario == "step":
        return scenario_step(args)
    if args.scenario == "atomic":
        return scenario_atomic(args)
    if args.scenario == "reverse":
        return scenario_reverse(args)
    h = run_gdb.Hartlab(args, args.elf, extra=["--smp", str(args.smp)])
    try:
        cmds = ["info threads", "break smp_barrier", "continue", "info threads", "delete",
                "thread 2", "p $mhartid", "watch locked_counter", "continue", "continue",
                "delete", "info threads", "p/x $pc",
                "thread apply all p/x $pc", "set scheduler-locking step", "stepi", "stepi",
                "p/x $pc",
                "thread apply all p/x $pc", "kill"]
        out = run_gdb.run_gdb(args, h.port, cmds)
        check = run_gdb.check
        threads = re.findall(r"^\*?\s+(\d)\s+Thread \d \(hart (\d)\) (\w+) ", out, re.M)
        check("smp", len(threads) >= 4 and [t[1] for t in threads[:4]] == ["0", "1", "2", "3"],
              "info threads: four threads, harts 0..3, each with a function", out)
        check("smp", re.search(r"Thread \d hit Breakpoint 1, smp_barrier \(n=4\)", out) is not None,
              "a breakpoint every hart can reach stops the machine and names the thread", out)
        check("smp", re.search(r"^\$1 = 1$", out, re.M) is not None,
              "thread 2 is hart 1 ($mhartid = 1)", out)
        hits = re.findall(r"Thread (\d) hit Hardware watchpoint 2: locked_counter\s+"
                          r"Old value = (\d+)\s+New value = (\d+)", out)
        check("smp", len(hits) == 2 and all(int(n) == int(o) + 1 for _, o, n in hits),
              f"the watchpoint names the writing hart, old and new value ({hits})", out)
        # The two `thread apply all` listings around the two stepi: only the current thread
        # (the one that hit the watchpoint) moves.
        pairs = re.findall(r"^Thread (\d) \(Thread \d \(hart \d\)\):\n\$\d+ = (0x[0-9a-f]+)$", out,
                           re.M)
        pcs = [dict(pairs[0:4]), dict(pairs[4:8])] if len(pairs) == 8 else []
        cur = hits[-1][0] if hits else "?"
        ok = len(pcs) == 2 and set(pcs[0]) == {"1", "2", "3", "4"} and all(
            pcs[0][t] == pcs[1][t] for t in pcs[0] if t != cur) and pcs[0].get(cur) != pcs[1].get(cur)
        check("smp", ok, f"stepi moves thread {cur} only ({pcs})", out)
        check("smp", re.search(r"\[Inferior 1 \(.*\) killed\]", out) is not None, "kill", out)
        rc = h.wait()
        check("smp", rc == 0, f"hartlab exit status {rc} after kill", out + "".join(h.err))
    finally:
        h.stop()
    print(f"{len(run_gdb.failures)} failed")
    return 1 if run_gdb.failures else 0


if __name__ == "__main__":
    sys.exit(main())
