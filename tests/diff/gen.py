"""Random instruction-sequence generator for the QEMU differential test.

Produces seedable, valid RV32IMAC / RV64IMAC (+Zicsr, Zifencei) instruction sequences and
packs many of them into one bare-metal M-mode assembly program. Each sequence starts from a
generated register file, mscratch value and 256-byte data region, and ends by dumping
x1..x31, mscratch and the region as one hex line through RISC-V semihosting (SYS_WRITE0,
"RISC-V Semihosting" spec, version 0.2; ARM semihosting operation numbers), so the two
simulators' dumps can be compared line by line. Only behaviour that the unprivileged ISA
manual fixes is generated: aligned accesses inside the region, forward control flow only,
LR immediately followed by SC to the same address, and CSR traffic only to mscratch
(read/write) and mhartid (read).

Memory layout (symbols in the generated program):
  region      256 bytes the sequences load, store and AMO into; x8 holds region+128 (so
              negative offsets are exercised) and x2 holds region (for c.*sp forms). The
              generator never writes x2 or x8.
  region+256  save area: x0..x31 as stored after the sequence; then the address of the next
              sequence (where the trap handler goes on after an unexpected trap, which is
              reported as a "@T" line for that sequence), a word for the SC that drops
              reservations, and the ecall/ebreak log (count, last mcause, last mepc), which
              the dump prints after mscratch.
"""

import random
import re

REGION_SIZE = 256
BASE_OFF = 128  # x8 = region + BASE_OFF
SAVE_FROM_X8 = REGION_SIZE - BASE_OFF  # the save area (region + REGION_SIZE) relative to x8
RESERVED = (0, 2, 8)
WRITABLE = [r for r in range(32) if r not in RESERVED]
# Compressed 3-bit register fields name x8..x15; x8 is reserved, so only x9..x15 may be
# written through them.
CREG_READ = list(range(8, 16))
CREG_WRITE = list(range(9, 16))

LABEL_RE = re.compile(r"@(\d+)@")


def _mask(xlen):
    return (1 << xlen) - 1


def edge_values(xlen):
    m = _mask(xlen)
    vals = [0, 1, 2, m, m - 1, 1 << (xlen - 1), (1 << (xlen - 1)) - 1, (1 << (xlen - 1)) + 1,
            0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x7FF, 0x800, 0xFFF, 31, 32, 33, 63, 64]
    if xlen == 64:
        vals += [0xFFFFFFFF80000000, 0x100000000, 0xFFFFFFFF7FFFFFFF, 0x00000000FFFFFFFE]
    return [v & m for v in vals]


def random_value(rng, xlen):
    """A register value biased toward the values that break ALU, shift and divide code."""
    m = _mask(xlen)
    r = rng.random()
    if r < 0.40:
        return rng.choice(edge_values(xlen))
    if r < 0.55:
        return rng.randint(-64, 64) & m
    if r < 0.70 and xlen == 64:
        # sign-extended 32-bit value, the normal form of a *W result
        v = rng.getrandbits(32)
        return (v - (1 << 32) if v & 0x80000000 else v) & m
    return rng.getrandbits(xlen)


def random_imm12(rng):
    r = rng.random()
    if r < 0.3:
        return rng.choice([-2048, 2047, -1, 0, 1, -2, 0x7FF, -0x800, 31, 32, 63])
    if r < 0.6:
        return rng.randint(-32, 32)
    return rng.randint(-2048, 2047)


class Sequence:
    """One generated test: initial state plus a list of units.

    A unit is the smallest piece that is kept or dropped as a whole when a sequence is cut
    short to find the first differing instruction; multi-instruction units (address set-up
    followed by an AMO, LR/SC pairs, la+jalr) keep branch targets off their inner lines.
    Label references in unit text are written @j@ (the label in front of unit j; j == len
    means the end of the sequence).
    """

    def __init__(self, regs, mscratch, data, units):
        self.regs = regs  # 32 ints, index 0 unused, x2/x8 placeholders
        self.mscratch = mscratch
        self.data = data  # bytes, REGION_SIZE long
        self.units = units


class Generator:
    def __init__(self, rng, xlen, length):
        self.rng = rng
        self.xlen = xlen
        self.length = length
        self.units = []
        self.recent = []

    # --- register choice ---------------------------------------------------------------

    def src(self):
        rng = self.rng
        if self.recent and rng.random() < 0.45:
            return rng.choice(self.recent[-4:])
        if rng.random() < 0.06:
            return rng.choice(RESERVED)
        return rng.choice(WRITABLE)

    def dst(self, allow_x0=True):
        rng = self.rng
        r = 0 if allow_x0 and rng.random() < 0.03 else rng.choice(WRITABLE)
        return self.wrote(r)

    def wrote(self, r):
        if r != 0:
            self.recent.append(r)
            del self.recent[:-8]
        return r

    def csrc(self):
        return self.rng.choice(CREG_READ)

    def cdst(self):
        return self.wrote(self.rng.choice(CREG_WRITE))

    def fwd(self):
        """A forward label: any later unit boundary, including the end of the sequence."""
        i = len(self.units)
        n = self.length
        # Mostly short hops, so that most of a sequence still runs.
        if self.rng.random() < 0.85:
            return min(n, i + 1 + self.rng.randint(0, 2))
        return self.rng.randint(i + 1, n)

    def emit(self, text):
        self.units.append(text)

    # --- instruction classes -----------------------------------------------------------

    def g_alu_rr(self):
        ops = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and"]
        if self.xlen == 64 and self.rng.random() < 0.35:
            ops = ["addw", "subw", "sllw", "srlw", "sraw"]
        op = self.rng.choice(ops)
        a, b = self.src(), self.src()
        self.emit(f"{op} x{self.dst()}, x{a}, x{b}")

    def g_alu_ri(self):
        ops = ["addi", "slti", "sltiu", "xori", "ori", "andi"]
        if self.xlen == 64 and self.rng.random() < 0.2:
            ops = ["addiw"]
        op = self.rng.choice(ops)
        a = self.src()
        self.emit(f"{op} x{self.dst()}, x{a}, {random_imm12(self.rng)}")

    def g_shift_i(self):
        rng = self.rng
        if self.xlen == 64 and rng.random() < 0.35:
            op, width = rng.choice(["slliw", "srliw", "sraiw"]), 32
        else:
            op, width = rng.choice(["slli", "srli", "srai"]), self.xlen
        sh = rng.choice([0, 1, width - 1, width // 2, rng.randrange(width)])
        a = self.src()
        self.emit(f"{op} x{self.dst()}, x{a}, {sh}")

    def g_muldiv(self):
        rng = self.rng
        ops = ["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"]
        if self.xlen == 64 and rng.random() < 0.35:
            ops = ["mulw", "divw", "divuw", "remw", "remuw"]
        op = rng.choice(ops)
        if op.startswith(("div", "rem")) and rng.random() < 0.3:
            # The two corner cases the M chapter defines specially: x/0 and INT_MIN/-1.
            # Each li is its own unit so a branch skipping it still leaves valid code.
            word = op.endswith("w")
            width = 32 if word else self.xlen
            a, b = self.dst(False), self.dst(False)
            if a == b:
                b = WRITABLE[(WRITABLE.index(a) + 1) % len(WRITABLE)]
            mn = -(1 << (width - 1))
            av = rng.choice([mn, mn, -1, 1, 0, rng.randint(-100, 100)])
            bv = rng.choice([0, -1, -1, 1])
            self.emit(f"li x{a}, {av}")
            self.emit(f"li x{b}, {bv}")
            if len(self.units) >= self.length:
                return
            self.emit(f"{op} x{self.dst()}, x{a}, x{b}")
            return
        a, b = self.src(), self.src()
        self.emit(f"{op} x{self.dst()}, x{a}, x{b}")

    def g_upper(self):
        rng = self.rng
        op = rng.choice(["lui", "auipc"])
        imm = rng.choice([0, 1, 0x80000, 0xFFFFF, 0x7FFFF, rng.getrandbits(20)])
        self.emit(f"{op} x{self.dst()}, {imm:#x}")

    def g_li(self):
        v = random_value(self.rng, self.xlen)
        if v >> (self.xlen - 1):
            v -= 1 << self.xlen
        self.emit(f"li x{self.dst(False)}, {v}")

    def _width(self):
        ws = [1, 2, 4] + ([8] if self.xlen == 64 else [])
        return self.rng.choice(ws)

    def _base(self, width):
        """(base register, offset) for an aligned access inside the region."""
        rng = self.rng
        if rng.random() < 0.7:
            return 8, rng.randrange(-BASE_OFF, REGION_SIZE - BASE_OFF - width + 1, width)
        return 2, rng.randrange(0, REGION_SIZE - width + 1, width)

    def g_load(self):
        w = self._width()
        names = {1: ["lb", "lbu"], 2: ["lh", "lhu"], 4: ["lw"] + (["lwu"] if self.xlen == 64 else []),
                 8: ["ld"]}
        op = self.rng.choice(names[w])
        base, off = self._base(w)
        self.emit(f"{op} x{self.dst()}, {off}(x{base})")

    def g_store(self):
        w = self._width()
        op = {1: "sb", 2: "sh", 4: "sw", 8: "sd"}[w]
        base, off = self._base(w)
        self.emit(f"{op} x{self.src()}, {off}(x{base})")

    def _addr_reg(self, width):
        t = self.rng.choice(WRITABLE)
        off = self.rng.randrange(-BASE_OFF, REGION_SIZE - BASE_OFF - width + 1, width)
        return t, f"addi x{t}, x8, {off}"

    def g_amo(self):
        rng = self.rng
        sz = "d" if self.xlen == 64 and rng.random() < 0.5 else "w"
        t, setup = self._addr_reg(8 if sz == "d" else 4)
        op = rng.choice(["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax",
                         "amominu", "amomaxu"])
        order = rng.choice(["", "", ".aq", ".rl", ".aqrl"])
        s = self.src()
        d = self.dst()
        self.wrote(t)
        self.emit(f"{setup}\n{op}.{sz}{order} x{d}, x{s}, (x{t})")

    def g_lrsc(self):
        rng = self.rng
        sz = "d" if self.xlen == 64 and rng.random() < 0.5 else "w"
        t, setup = self._addr_reg(8 if sz == "d" else 4)
        if rng.random() < 0.2:
            # SC without a reservation (the previous SC, or the prologue, dropped it):
            # must fail, write nothing and leave a non-zero rd.
            d = self.dst()
            self.wrote(t)
            self.emit(f"{setup}\nsc.{sz}{rng.choice(['', '.rl', '.aqrl'])} x{d}, x{self.src()}, (x{t})")
            return
        ld = rng.choice([r for r in WRITABLE if r != t])
        s = self.src()
        sd = self.dst()
        self.wrote(t)
        self.wrote(ld)
        self.emit(f"{setup}\nlr.{sz}{rng.choice(['', '.aq', '.aqrl'])} x{ld}, (x{t})\n"
                  f"sc.{sz}{rng.choice(['', '.rl', '.aqrl'])} x{sd}, x{s}, (x{t})")

    def g_branch(self):
        op = self.rng.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
        a, b = self.src(), self.src()
        self.emit(f"{op} x{a}, x{b}, @{self.fwd()}@")

    def g_jump(self):
        rng = self.rng
        r = rng.random()
        target = self.fwd()
        if r < 0.4:
            self.emit(f"jal x{self.dst()}, @{target}@")
            return
        # jalr: the target is formed so that the low bit of rs1+imm is sometimes set, which
        # the ISA clears.
        t = rng.choice(WRITABLE)
        bias, imm = rng.choice([(0, 0), (1, 0), (0, 1), (4, -4), (-8, 9)])
        self.wrote(t)
        if r < 0.8:
            self.emit(f"la x{t}, @{target}@+{bias}\njalr x{self.dst()}, {imm}(x{t})")
        else:
            self.emit(f"la x{t}, @{target}@\n.option push\n.option rvc\n"
                      f"{rng.choice(['c.jr', 'c.jalr'])} x{t}\n.option pop")
            self.wrote(1)

    def g_csr(self):
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            self.emit(f"csrr x{self.dst()}, mhartid")
            return
        if r < 0.6:
            op = rng.choice(["csrrw", "csrrs", "csrrc"])
            s = rng.choice([0, self.src()])
            self.emit(f"{op} x{self.dst()}, mscratch, x{s}")
        else:
            op = rng.choice(["csrrwi", "csrrsi", "csrrci"])
            self.emit(f"{op} x{self.dst()}, mscratch, {rng.choice([0, 1, 31, rng.randrange(32)])}")

    def g_trap(self):
        # Environment call and breakpoint: the handler logs mcause/mepc and returns past the
        # instruction (mtval is left out: the spec lets it be 0 or the pc for ebreak).
        t = self.rng.choice(["ecall", "ebreak", ".option push\n.option rvc\nc.ebreak\n.option pop"])
        self.emit(t)

    def g_smc(self):
        """Self-modifying code: run a slot, rewrite it with two halfword stores, fence.i, run it
        again. Catches decoded-block caches that miss stores into code."""
        rng = self.rng
        c, t, v = rng.sample(WRITABLE, 3)
        old, old_text = self._random_rtype((c, t))
        new, new_text = self._random_rtype((c, t))
        for r in (c, t, v):
            self.wrote(r)
        self.emit(f"""# slot runs `{old_text}`, then is rewritten to `{new_text}`
li x{c}, 2
la x{t}, 72f
71:
72: .word {old:#010x}
addi x{c}, x{c}, -1
beqz x{c}, 73f
li x{v}, {new & 0xFFFF:#x}
sh x{v}, 0(x{t})
li x{v}, {new >> 16:#x}
sh x{v}, 2(x{t})
fence.i
j 71b
73:""")

    def _random_rtype(self, avoid):
        """(encoding, text) of a random OP/OP-32 instruction whose rd is not in avoid."""
        rng = self.rng
        ops = {"add": (0, 0), "sub": (0, 0x20), "sll": (1, 0), "slt": (2, 0), "sltu": (3, 0),
               "xor": (4, 0), "srl": (5, 0), "sra": (5, 0x20), "or": (6, 0), "and": (7, 0),
               "mul": (0, 1), "mulh": (1, 1), "mulhsu": (2, 1), "mulhu": (3, 1), "div": (4, 1),
               "divu": (5, 1), "rem": (6, 1), "remu": (7, 1)}
        opcode = 0x33
        if self.xlen == 64 and rng.random() < 0.3:
            ops = {"addw": (0, 0), "subw": (0, 0x20), "sllw": (1, 0), "srlw": (5, 0),
                   "sraw": (5, 0x20), "mulw": (0, 1), "divw": (4, 1), "divuw": (5, 1),
                   "remw": (6, 1), "remuw": (7, 1)}
            opcode = 0x3B
        name = rng.choice(sorted(ops))
        f3, f7 = ops[name]
        rd = rng.choice([r for r in WRITABLE if r not in avoid])
        rs1, rs2 = self.src(), self.src()
        self.wrote(rd)
        enc = (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode
        return enc, f"{name} x{rd}, x{rs1}, x{rs2}"

    def g_misc(self):
        self.emit(self.rng.choice(["fence", "fence rw, rw", "fence.i", "nop", "fence iorw, o"]))

    def g_compressed(self):
        rng = self.rng
        x64 = self.xlen == 64
        kinds = ["li", "lui", "addi", "addi4spn", "slli", "srli", "srai", "andi", "mv", "add",
                 "and", "or", "xor", "sub", "lw", "sw", "lwsp", "swsp", "j", "beqz", "bnez",
                 "nop"]
        kinds += ["addiw", "addw", "subw", "ld", "sd", "ldsp", "sdsp"] if x64 else ["jal"]
        k = rng.choice(kinds)
        nz6 = lambda: rng.choice([v for v in range(-32, 32) if v])  # noqa: E731
        wr = lambda: self.wrote(rng.choice(WRITABLE))  # noqa: E731
        shamt = lambda: rng.choice([1, self.xlen - 1, rng.randrange(1, self.xlen)])  # noqa: E731
        if k == "li":
            t = f"c.li x{wr()}, {rng.randint(-32, 31)}"
        elif k == "lui":
            imm = rng.choice(list(range(1, 32)) + list(range(0xFFFE0, 0x100000)))
            t = f"c.lui x{wr()}, {imm:#x}"
        elif k == "addi":
            t = f"c.addi x{wr()}, {nz6()}"
        elif k == "addiw":
            t = f"c.addiw x{self.wrote(rng.choice(WRITABLE))}, {rng.randint(-32, 31)}"
        elif k == "addi4spn":
            t = f"c.addi4spn x{self.cdst()}, x2, {rng.randrange(4, 1024, 4)}"
        elif k == "slli":
            t = f"c.slli x{wr()}, {shamt()}"
        elif k in ("srli", "srai"):
            t = f"c.{k} x{self.cdst()}, {shamt()}"
        elif k == "andi":
            t = f"c.andi x{self.cdst()}, {rng.randint(-32, 31)}"
        elif k in ("mv", "add"):
            s = self.src()
            s = s if s != 0 else 1
            t = f"c.{k} x{wr()}, x{s}"
        elif k in ("and", "or", "xor", "sub", "addw", "subw"):
            s = self.csrc()
            t = f"c.{k} x{self.cdst()}, x{s}"
        elif k in ("lw", "ld", "sw", "sd"):
            w = 4 if k[1] == "w" else 8
            off = rng.randrange(0, REGION_SIZE - BASE_OFF - w + 1, w)
            if k[0] == "l":
                t = f"c.{k} x{self.cdst()}, {off}(x8)"
            else:
                t = f"c.{k} x{self.csrc()}, {off}(x8)"
        elif k in ("lwsp", "ldsp", "swsp", "sdsp"):
            w = 4 if k[1] == "w" else 8
            off = rng.randrange(0, REGION_SIZE - w + 1, w)
            if k[0] == "l":
                t = f"c.{k} x{wr()}, {off}(x2)"
            else:
                t = f"c.{k} x{self.src()}, {off}(x2)"
        elif k == "j":
            t = f"c.j @{self.fwd()}@"
        elif k == "jal":
            self.wrote(1)
            t = f"c.jal @{self.fwd()}@"
        elif k in ("beqz", "bnez"):
            t = f"c.{k} x{self.csrc()}, @{self.fwd()}@"
        else:
            t = "c.nop"
        self.emit(f".option push\n.option rvc\n{t}\n.option pop")

    def generate(self):
        table = [
            (self.g_alu_rr, 14), (self.g_alu_ri, 10), (self.g_shift_i, 6), (self.g_muldiv, 12),
            (self.g_upper, 3), (self.g_li, 2), (self.g_load, 9), (self.g_store, 9),
            (self.g_amo, 5), (self.g_lrsc, 3), (self.g_branch, 5), (self.g_jump, 3),
            (self.g_csr, 3), (self.g_misc, 1), (self.g_compressed, 14), (self.g_trap, 1),
            (self.g_smc, 1),
        ]
        funcs = [f for f, _ in table]
        weights = [w for _, w in table]
        while len(self.units) < self.length:
            self.rng.choices(funcs, weights)[0]()
        del self.units[self.length:]
        return self.units


def make_sequence(seed, xlen, index, min_len=20, max_len=60):
    """The sequence `index` of run `seed`: depends on nothing else, so one can be rebuilt."""
    rng = random.Random(f"hartlab-diff:{seed}:{xlen}:{index}")
    length = rng.randint(min_len, max_len)
    regs = [0] + [random_value(rng, xlen) for _ in range(31)]
    mscratch = random_value(rng, xlen)
    data = bytearray()
    while len(data) < REGION_SIZE:
        data += random_value(rng, xlen).to_bytes(xlen // 8, "little")
    units = Generator(rng, xlen, length).generate()
    return Sequence(regs, mscratch, bytes(data[:REGION_SIZE]), units)


# --- program assembly --------------------------------------------------------------------

SEMIHOST_WRITE0 = 0x04
SEMIHOST_EXIT_EXTENDED = 0x20
ADP_STOPPED_APPLICATION_EXIT = 0x20026


def _runtime(xlen):
    xb = xlen // 8
    ld, sd = ("ld", "sd") if xlen == 64 else ("lw", "sw")
    word = ".dword" if xlen == 64 else ".word"
    save = REGION_SIZE
    resume = save + 32 * xb
    scratch = resume + xb
    tlog = scratch + 8  # expected-trap log: count, last mcause, last mepc
    tsave = tlog + 3 * xb  # the handler's two scratch registers
    return f"""
    .option norvc
    .equ XB, {xb}
    .equ SAVE, {save}
    .equ RESUME, {resume}
    .equ SCRATCH, {scratch}
    .equ TLOG, {tlog}
    .equ TSAVE, {tsave}
    .equ X8OFF, {BASE_OFF}

    .section .bss
    .balign 4096
region:
    .space {tsave + 2 * xb}
    .balign 16
outbuf:
    .space {36 * (2 * xb + 1) + 2 * REGION_SIZE + 64}

    .section .rodata
hexdigits:
    .ascii "0123456789abcdef"
endmsg:
    .asciz "@END\\n"
    .balign 8
exitblock:
    {word} {ADP_STOPPED_APPLICATION_EXIT}, 0

    .text
    .globl _start
_start:
    la x8, region + X8OFF
    la t0, trap_handler
    csrw mtvec, t0
    j seq_0

# Semihosting call: op in a0, parameter in a1. The three instructions must be 32-bit and
# on one page; the 16-byte alignment guarantees that.
    .balign 16
semihost:
    slli x0, x0, 0x1f
    ebreak
    srai x0, x0, 7
    ret

# a0 = value, a1 = output pointer, a2 = hex digit count; advances a1. Uses t0-t2.
put_hex:
    la t2, hexdigits
    slli t0, a2, 2
1:  addi t0, t0, -4
    srl t1, a0, t0
    andi t1, t1, 15
    add t1, t1, t2
    lbu t1, 0(t1)
    sb t1, 0(a1)
    addi a1, a1, 1
    bnez t0, 1b
    ret

# a0 = initial-state table: x0..x31, mscratch, then the region bytes. Copies the region,
# sets mscratch and drops any LR reservation left by a cut-short sequence.
load_state:
    {ld} t0, 32*XB(a0)
    csrw mscratch, t0
    addi a0, a0, 33*XB
    la t1, region
    li t2, {REGION_SIZE}
1:  {ld} t3, 0(a0)
    {sd} t3, 0(t1)
    addi a0, a0, XB
    addi t1, t1, XB
    addi t2, t2, -XB
    bnez t2, 1b
    la t1, region + SCRATCH
    sc.w x0, x0, (t1)
    la t1, region + TLOG
    {sd} zero, 0(t1)
    {sd} zero, XB(t1)
    {sd} zero, 2*XB(t1)
    ret

# Print "@D x1 .. x31 mscratch region" from the save area. Every register is free here.
dump:
    mv s11, ra
    la a1, outbuf
    li t0, '@'
    sb t0, 0(a1)
    li t0, 'D'
    sb t0, 1(a1)
    addi a1, a1, 2
    la s1, region + SAVE + XB
    li s2, 31
2:  li t0, ' '
    sb t0, 0(a1)
    addi a1, a1, 1
    {ld} a0, 0(s1)
    li a2, 2*XB
    call put_hex
    addi s1, s1, XB
    addi s2, s2, -1
    bnez s2, 2b
    li t0, ' '
    sb t0, 0(a1)
    addi a1, a1, 1
    csrr a0, mscratch
    li a2, 2*XB
    call put_hex
    la s1, region + TLOG
    li s2, 3
4:  li t0, ' '
    sb t0, 0(a1)
    addi a1, a1, 1
    {ld} a0, 0(s1)
    li a2, 2*XB
    call put_hex
    addi s1, s1, XB
    addi s2, s2, -1
    bnez s2, 4b
    li t0, ' '
    sb t0, 0(a1)
    addi a1, a1, 1
    la s1, region
    li s2, {REGION_SIZE}
3:  lbu a0, 0(s1)
    li a2, 2
    call put_hex
    addi s1, s1, 1
    addi s2, s2, -1
    bnez s2, 3b
    li t0, '\\n'
    sb t0, 0(a1)
    sb zero, 1(a1)
    li a0, {SEMIHOST_WRITE0}
    la a1, outbuf
    call semihost
    jr s11

# ecall and ebreak from a sequence (where x8 = region + X8OFF always holds) are logged and
# stepped over. Any other trap is unexpected: report it as this sequence's line and go on
# with the next one.
    .balign 4
trap_handler:
    {sd} t0, TSAVE-X8OFF(x8)
    {sd} t1, TSAVE-X8OFF+XB(x8)
    csrr t0, mcause
    li t1, 3
    beq t0, t1, 5f
    li t1, 11
    bne t0, t1, unexpected_trap
5:  {sd} t0, TLOG-X8OFF+XB(x8)
    {ld} t0, TLOG-X8OFF(x8)
    addi t0, t0, 1
    {sd} t0, TLOG-X8OFF(x8)
    csrr t0, mepc
    {sd} t0, TLOG-X8OFF+2*XB(x8)
    lhu t1, 0(t0)
    andi t1, t1, 3
    addi t1, t1, -3
    addi t0, t0, 2
    bnez t1, 7f
    addi t0, t0, 2  # low bits 11: a 32-bit instruction
7:  csrw mepc, t0
    {ld} t0, TSAVE-X8OFF(x8)
    {ld} t1, TSAVE-X8OFF+XB(x8)
    mret
unexpected_trap:
    la a1, outbuf
    li t0, '@'
    sb t0, 0(a1)
    li t0, 'T'
    sb t0, 1(a1)
    li t0, ' '
    sb t0, 2(a1)
    addi a1, a1, 3
    csrr a0, mcause
    li a2, 2*XB
    call put_hex
    li t0, ' '
    sb t0, 0(a1)
    csrr a0, mepc
    addi a1, a1, 1
    li a2, 2*XB
    call put_hex
    li t0, ' '
    sb t0, 0(a1)
    csrr a0, mtval
    addi a1, a1, 1
    li a2, 2*XB
    call put_hex
    li t0, '\\n'
    sb t0, 0(a1)
    sb zero, 1(a1)
    li a0, {SEMIHOST_WRITE0}
    la a1, outbuf
    call semihost
    la t0, region + RESUME
    {ld} t0, 0(t0)
    jr t0
"""


def _sequence_asm(slot, seq, units, xlen, table):
    """Code for program slot `slot`: set-up, `units`, all labels up to len(seq.units), save.

    When `units` is a prefix of seq.units, labels of the dropped units all land on the end,
    so branches into the dropped part leave the sequence as they would have reached it.
    """
    xb = xlen // 8
    ld, sd = ("ld", "sd") if xlen == 64 else ("lw", "sw")
    n = len(seq.units)
    out = [f"seq_{slot}:",
           f"    la t0, seq_{slot + 1}",
           f"    la t1, region + RESUME",
           f"    {sd} t0, 0(t1)",
           f"    la a0, {table}",
           f"    call load_state",
           f"    la x31, {table}"]
    out += [f"    {ld} x{r}, {r * xb}(x31)" for r in range(1, 32)]
    for j, u in enumerate(units):
        out.append(f".Ls{slot}_{j}:")
        out.append(LABEL_RE.sub(lambda m: f".Ls{slot}_{m.group(1)}", u))
    for j in range(len(units), n + 1):
        out.append(f".Ls{slot}_{j}:")
    out += [f"    {sd} x{r}, {SAVE_FROM_X8 + r * xb}(x8)" for r in range(1, 32)]
    out.append("    call dump")
    return "\n".join(out)


def _table_asm(name, seq, xlen):
    word = ".dword" if xlen == 64 else ".word"
    vals = list(seq.regs)
    vals[0] = "0"
    vals = [str(v) if isinstance(v, str) else f"{v:#x}" for v in vals]
    vals[2] = "region"
    vals[8] = f"region + {BASE_OFF}"
    lines = [f"    .balign 8", f"{name}:"]
    lines += [f"    {word} {v}" for v in vals]
    lines.append(f"    {word} {seq.mscratch:#x}")
    lines.append("    .byte " + ", ".join(str(b) for b in seq.data))
    return "\n".join(lines)


def program_asm(xlen, entries):
    """Assembly for one program. entries: list of (sequence, units to run)."""
    parts = [_runtime(xlen)]
    tables = {}
    for slot, (seq, units) in enumerate(entries):
        name = tables.get(id(seq))
        if name is None:
            name = f"init_{len(tables)}"
            tables[id(seq)] = name
        parts.append(_sequence_asm(slot, seq, units, xlen, name))
    parts.append(f"""seq_{len(entries)}:
    li a0, {SEMIHOST_WRITE0}
    la a1, endmsg
    call semihost
    li a0, {SEMIHOST_EXIT_EXTENDED}
    la a1, exitblock
    call semihost
1:  j 1b
""")
    parts.append("    .section .rodata")
    seen = set()
    for seq, _ in entries:
        if id(seq) in seen:
            continue
        seen.add(id(seq))
        parts.append(_table_asm(tables[id(seq)], seq, xlen))
    return "\n".join(parts) + "\n"
