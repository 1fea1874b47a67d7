#!/usr/bin/env python3
"""Tests of hartlab's views (issue 7): panel screenshots under Xvfb (LED pixels, console
text, scripted button presses), the VCD writer, --trace=irq and --trace=frames.

Usage: ui_test.py HARTLAB SAMPLES_DIR CASE   (CASE: blinky-shots, hello-console,
button-script, vcd-blinky, vcd-uart, trace-irq, trace-frames, screenshot-determinism,
no-display)
Screenshot cases run hartlab under `xvfb-run -a` unless DISPLAY is set.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HARTLAB, SAMPLES, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix='hartlab-ui-')

# Panel layout (ui/panel.c): LED k is a disc centred at (48 + 88k, 64).
LED_X0, LED_DX, LED_Y = 48, 88, 64
CONSOLE_Y, CONSOLE_X = 176, 10
BG_CONSOLE = (0x10, 0x12, 0x18)
MCU_HZ = 50_000_000  # mcu: 1 MHz timebase x 50 cycles per tick


def fail(msg):
    print('FAIL:', msg)
    sys.exit(1)


def run(args, gui=False, timeout=120):
    cmd = [HARTLAB] + args
    if gui and not os.environ.get('DISPLAY'):
        if not shutil.which('xvfb-run'):
            print('SKIP: no DISPLAY and no xvfb-run')
            sys.exit(77)
        cmd = ['xvfb-run', '-a'] + cmd
    p = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def read_png(path):
    """RGB rows of a PNG written by ui/png.c (8-bit RGB, filter 0 on every row)."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail(f'{path} is not a PNG')
    pos, idat, w, h = 8, b'', 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0]:
            fail(f'{path}: bad CRC in {kind}')
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            if (depth, ctype) != (8, 2):
                fail(f'{path}: not 8-bit RGB')
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = 1 + 3 * w
    rows = []
    for y in range(h):
        row = raw[y * stride:(y + 1) * stride]
        if row[0] != 0:
            fail(f'{path}: unexpected filter {row[0]}')
        rows.append(row[1:])
    return w, h, rows


def pixel(img, x, y):
    _, _, rows = img
    r = rows[y]
    return tuple(r[3 * x:3 * x + 3])


def led_on(img, k):
    return max(pixel(img, LED_X0 + LED_DX * k, LED_Y)) >= 0xc0


def blinky_shots():
    # blinky counts in binary on green (bit 0), blue (bit 1), red (bit 2), a step every
    # 100 ms = 5,000,000 cycles; sample in the middle of each step.
    steps = [1, 2, 3, 5, 6, 7, 4]
    args = []
    for s in steps:
        args += ['--ui-screenshot', f'{TMP}/step{s}.png@{s * 5_000_000 + 2_500_000}']
    rc, out, err = run(args + [f'{SAMPLES}/blinky-rv32.elf'], gui=True)
    if rc != 0:
        fail(f'exit {rc}: {err}')
    for s in steps:
        img = read_png(f'{TMP}/step{s}.png')
        if img[0] != 1024 or img[1] != 640:
            fail(f'screenshot is {img[0]}x{img[1]}')
        got = [led_on(img, k) for k in range(3)]
        want = [bool(s >> k & 1) for k in range(3)]
        if got != want:
            fail(f'step {s}: LEDs (green, blue, red) {got}, expected {want}')
        print(f'step {s}: LEDs {got} as expected')
    # The run ended after the last screenshot (cycle 37.5M), before blinky's 16 steps.
    if 'step  7' not in out or 'done' in out:
        fail('the run did not end after the last screenshot:\n' + out)


def console_rows(img, nlines, ch=16):
    """Which of the first nlines console text rows have non-background pixels."""
    found = []
    for line in range(nlines):
        y0 = CONSOLE_Y + 4 + (line + 1) * ch
        ink = 0
        for y in range(y0, y0 + ch):
            for x in range(CONSOLE_X, 500, 2):
                if max(pixel(img, x, y)) > 0x60:
                    ink += 1
        found.append(ink)
    return found


def hello_console():
    rc, out, err = run(['--ui-screenshot', f'{TMP}/hello.png@100000000',
                        f'{SAMPLES}/uart_hello-rv32.elf'], gui=True)
    if rc != 0:
        fail(f'exit {rc}: {err}')
    lines = out.rstrip('\n').split('\n')
    img = read_png(f'{TMP}/hello.png')
    ink = console_rows(img, len(lines) + 3)
    print('console ink per line:', ink, 'for', len(lines), 'lines of output')
    for k, text in enumerate(lines[:20]):
        if text.strip() and ink[k] < 20:
            fail(f'console line {k} ({text!r}) is not drawn')
    if any(ink[len(lines) + 1:]):
        fail('text below the last line of output')
    # The console shows the text the UART sent: compare widths roughly (one glyph ~8 px).
    if ink[0] < 5 * len(lines[0].strip()) // 2:
        fail('first console line has too little ink for its text')


def button_script():
    script = f'{TMP}/press.script'
    with open(script, 'w') as f:
        # BTN0's key is "1" (mcu.dts hartlab,key): three presses, then a mouse click on BTN1.
        f.write('# three presses of BTN0 through SDL key events\n'
                '2000000 key 1 down\n2200000 key 1 up\n'
                '4000000 key 1 down\n4200000 key 1 up\n'
                '6000000 mouse 150 130 down\n6100000 mouse 150 130 up\n'
                '8000000 key 1 down\n8200000 key 1 up\n')
    rc, out, err = run(['--ui-script', script,
                        '--ui-screenshot', f'{TMP}/b0.png@1000000',
                        '--ui-screenshot', f'{TMP}/b1.png@3000000',
                        '--ui-screenshot', f'{TMP}/b2.png@5000000',
                        '--ui-screenshot', f'{TMP}/b3.png@300000000',
                        f'{SAMPLES}/button-rv32.elf'], gui=True)
    if rc != 0:
        fail(f'exit {rc}: {out}\n{err}')
    presses = re.findall(r'BTN0 pressed \((\d)\): green LED (\w+)', out)
    print('presses:', presses)
    if [p[0] for p in presses] != ['1', '2', '3']:
        fail('expected three BTN0 presses in the UART output:\n' + out)
    want = [False, True, False]
    for k, name in enumerate(['b0', 'b1', 'b2']):
        on = led_on(read_png(f'{TMP}/{name}.png'), 0)
        if on != want[k]:
            fail(f'{name}: green LED {"on" if on else "off"}, expected {want[k]}')
    # The press of BTN1 (mouse click) stays pending below the PLIC threshold.
    if 'BTN1' not in out:
        fail('no BTN1 report:\n' + out)
    print('button presses drove the firmware and the LED')


def parse_vcd(path):
    ids, changes, t = {}, [], 0
    scope = []
    in_defs = True
    dumping = False
    for line in open(path):
        tok = line.split()
        if not tok:
            continue
        if in_defs:
            if tok[0] == '$scope':
                scope.append(tok[2])
            elif tok[0] == '$upscope':
                scope.pop()
            elif tok[0] == '$var':
                ids[tok[3]] = '.'.join(scope + [tok[4]])
            elif tok[0] == '$enddefinitions':
                in_defs = False
            continue
        if tok[0] == '$dumpvars':
            dumping = True  # initial values, not changes
        elif tok[0] == '$end':
            dumping = False
        elif tok[0].startswith('#'):
            t = int(tok[0][1:])
        elif dumping:
            continue
        elif tok[0][0] in '01xz' and tok[0][1:] in ids:
            changes.append((t, ids[tok[0][1:]], tok[0][0]))
    return ids, changes


def edges(changes, name):
    return [(t, v) for t, n, v in changes if n == name]


def vcd_blinky():
    vcd = f'{TMP}/blinky.vcd'
    rc, out, err = run(['--vcd', vcd, f'{SAMPLES}/blinky-rv32.elf'])
    if rc != 0:
        fail(f'exit {rc}: {err}')
    ids, ch = parse_vcd(vcd)
    green = edges(ch, 'board.gpio0.pin19')
    rises = [t for t, v in green if v == '1']
    print('green rises (ns):', rises)
    # Green (bit 0) is on for odd steps: rises at 100, 300, ..., 1500 ms.
    if len(rises) != 8:
        fail(f'{len(rises)} rising edges on pin 19, expected 8')
    for k, t in enumerate(rises):
        want = (2 * k + 1) * 100_000_000
        if abs(t - want) > 1_000_000:
            fail(f'rise {k} at {t} ns, expected about {want}')
    # Red (bit 2) is on for steps 4-7 and 12-15.
    red = [t for t, v in edges(ch, 'board.gpio0.pin22') if v == '1']
    if len(red) != 2 or any(abs(t - w) > 1_000_000 for t, w in zip(red, [4e8, 12e8])):
        fail(f'red rises {red}, expected at 400 and 1200 ms')
    print('red rises (ns):', red)
    timer = edges(ch, 'board.irq.clint.mtip0')
    if sum(1 for _, v in timer if v == '1') < 15:
        fail('too few timer interrupt edges')


def decode_uart(ch, name, baud):
    """Decode 8N1 frames from the VCD edges of a line."""
    ev = edges(ch, name)
    bit_ns = 1e9 / baud
    out, k = [], 0
    level_at = lambda t: ([v for tt, v in ev if tt <= t] or ['1'])[-1]
    starts = []
    last_end = -1
    for t, v in ev:
        if v == '0' and t > last_end:
            starts.append(t)
            last_end = t + 9.5 * bit_ns
    for s in starts:
        byte = 0
        for b in range(8):
            if level_at(s + (1.5 + b) * bit_ns) == '1':
                byte |= 1 << b
        if level_at(s + 9.5 * bit_ns) != '1':
            fail(f'missing stop bit at {s}')
        out.append(byte)
    return bytes(out)


def vcd_uart():
    vcd = f'{TMP}/uart.vcd'
    rc, out, err = run(['--vcd', vcd, f'{SAMPLES}/uart_hello-rv32.elf'])
    if rc != 0:
        fail(f'exit {rc}: {err}')
    ids, ch = parse_vcd(vcd)
    tx = edges(ch, 'board.uart0.tx')
    if not tx:
        fail('no edges on uart0.tx')
    # Find the baud rate from the shortest pulse (one bit time).
    times = [t for t, _ in tx]
    shortest = min(b - a for a, b in zip(times, times[1:]) if b > a)
    baud = round(1e9 / shortest / 100) * 100
    print('uart0 baud from the waveform:', baud)
    text = decode_uart(ch, 'board.uart0.tx', baud).decode(errors='replace')
    if text.replace('\r', '') != out.replace('\r', ''):
        fail(f'decoded {text!r}, stdout {out!r}')
    print('decoded', len(text), 'characters matching the UART output')


def trace_irq():
    rc, out, err = run(['--trace=irq:' + f'{TMP}/irq.txt', f'{SAMPLES}/timer-rv32.elf'])
    if rc != 0:
        fail(f'exit {rc}: {err}')
    events = [l.split() for l in open(f'{TMP}/irq.txt')]
    seq = [(int(e[0]), e[1], e[2]) for e in events]
    kinds = [(k, what) for _, k, what in seq]
    ticks = 10
    want = [('raise', 'clint.mtip0'), ('trap', 'machine'), ('lower', 'clint.mtip0'),
            ('return', 'to')] * ticks
    if kinds[:len(want)] != want:
        fail(f'sequence {kinds[:8]}..., expected raise/trap/lower/return x{ticks}')
    raises = [c for c, k, _ in seq if k == 'raise']
    periods = {b - a for a, b in zip(raises, raises[1:])}
    print('timer periods (cycles):', periods)
    if periods != {1_000_000}:
        fail(f'timer interrupts not every 1,000,000 cycles: {periods}')
    for c, k, _ in seq:
        pass
    traps = [c for c, k, _ in seq if k == 'trap']
    if any(t - r > 10 for r, t in zip(raises, traps)):
        fail('trap taken long after the line rose')


def trace_frames():
    rc, out, err = run(['--trace=frames:' + f'{TMP}/frames.txt', f'{SAMPLES}/recursion-rv32.elf'])
    if rc != 0:
        fail(f'exit {rc}: {err}')
    lines = open(f'{TMP}/frames.txt').read().splitlines()
    calls = [l for l in lines if re.search(r'-> fact from', l)]
    depths = [int(re.search(r'depth (\d+)', l).group(1)) for l in calls]
    # fact(8) .. fact(1): one chain of 8 frames, called from main (depth 1).
    first = depths[:8]
    print('first fact() chain depths:', first)
    if first != list(range(2, 10)):
        fail(f'fact chain depths {first}, expected 2..9')
    rets = [l for l in lines if '<- fact frame' in l]
    sizes = {int(re.search(r'frame (\d+) bytes', l).group(1)) for l in rets}
    if sizes != {48}:
        fail(f'fact frame sizes {sizes}, expected 48 bytes (frames at 0x30 apart)')
    # Indentation follows depth.
    for l in calls[:8]:
        d = int(re.search(r'depth (\d+)', l).group(1))
        indent = len(l) - len(l[13:].lstrip()) - 13
        if indent != 2 * (d - 1):
            fail(f'indent {indent} for depth {d}: {l!r}')
    summary = lines[-1]
    m = re.match(r'# frames: (\d+) calls, (\d+) returns, max depth (\d+)', summary)
    if not m or m.group(1) != m.group(2):
        fail(f'calls and returns do not balance: {summary}')


def screenshot_determinism():
    a = run(['--ui-screenshot', f'{TMP}/a.png@12500000', f'{SAMPLES}/blinky-rv32.elf'], gui=True)
    b = run(['--realtime', '--ui-screenshot', f'{TMP}/b.png@12500000',
             f'{SAMPLES}/blinky-rv32.elf'], gui=True)
    if a[0] or b[0]:
        fail(f'exit {a[0]}/{b[0]}: {a[2]} {b[2]}')
    # Everything but the status line's second row (which names the pace) is the same.
    ra, rb = read_png(f'{TMP}/a.png')[2], read_png(f'{TMP}/b.png')[2]
    if ra[:618] != rb[:618]:
        fail('the same frame differs between runs (with and without --realtime)')
    if ra[618:] == rb[618:]:
        fail('the pace shown in the status line did not change')
    if a[1] != b[1]:
        fail('UART output differs with --realtime')
    print('identical screenshots and output with and without --realtime')


def ink_bands(img, x0, y0, y1):
    """Text lines in [y0, y1) right of x0: bands of pixel rows with ink (the lines are two
    empty pixel rows apart)."""
    bands, gap = 0, 99
    for y in range(y0, y1):
        ink = any(max(pixel(img, x, y)) > 0x60 for x in range(x0, 1016))
        if ink and gap >= 2:
            bands += 1
        gap = 0 if ink else gap + 1
    return bands


def smp_harts():
    """--smp 4: the registers view lists the four harts below the registers (a title line
    and one line each); with --smp 2 two lines fewer; one hart: no list."""
    got = {}
    for n in (1, 2, 4):
        shot = f'{TMP}/smp{n}.png'
        rc, out, err = run(['--smp', str(n), '--ui-screenshot', f'{shot}@100000',
                            f'{SAMPLES}/counter-rv64.elf'], gui=True)
        if rc != 0:
            fail(f'--smp {n}: exit {rc}: {err}')
        # Below the CSR lines of the registers view, above the history slider (y 592..600)
        # and the status line.
        got[n] = ink_bands(read_png(shot), 520, 390, 590)
    print('text lines in the hart list for 1, 2, 4 harts:', got)
    if got[1] != 0 or got[2] != 3 or got[4] != 5:
        fail(f'hart list lines {got}, expected 0, 3 and 5')


def smp_views():
    """--smp 2, the timer sample (hart 0 takes the timer interrupts, hart 1 parks in wfi):
    every view follows the hart Tab selects. All screenshots are taken at one cycle, so the
    hart shown is the only difference: F4 lists hart 0's traps and none of hart 1's; F2 shows
    each hart's CSRs, CLINT slot and PLIC context; F3 each hart's call stack."""
    script = f'{TMP}/views.script'
    at = 5_500_000  # five ticks in
    with open(script, 'w') as f:
        f.write(f'{at} key F4 down\n{at} shot {TMP}/traps0.png\n'
                f'{at} key Tab down\n{at} shot {TMP}/traps1.png\n'
                f'{at} key F2 down\n{at} shot {TMP}/irq1.png\n'
                f'{at} key Tab down\n{at} shot {TMP}/irq0.png\n'
                f'{at} key F3 down\n{at} shot {TMP}/stack0.png\n'
                f'{at} key Tab down\n{at} shot {TMP}/stack1.png\n'
                f'{at} key Escape down\n')
    rc, out, err = run(['--smp', '2', '--ui-script', script, f'{SAMPLES}/timer-rv32.elf'],
                       gui=True)
    if rc != 0:
        fail(f'exit {rc}: {out}\n{err}')
    shots = {n: read_png(f'{TMP}/{n}.png')
             for n in ('traps0', 'traps1', 'irq0', 'irq1', 'stack0', 'stack1')}
    view = {n: region(img, 520, 30, 1024, 590) for n, img in shots.items()}
    lines = {n: ink_bands(shots[n], 520, 30, 590) for n in ('traps0', 'traps1')}
    print('F4 text lines, hart 0 and hart 1:', lines)
    # A heading and five ticks; a heading and "(no traps yet)".
    if lines['traps0'] < 6 or lines['traps1'] != 2:
        fail(f'the traps view does not follow the hart shown: {lines}')
    if view['irq0'] == view['irq1']:
        fail('F2 shows the same interrupt state for hart 0 and hart 1')
    if view['stack0'] == view['stack1']:
        fail('F3 shows the same call stack for hart 0 and hart 1')
    print('F2, F3 and F4 follow the hart Tab selects')


def gdb_panel():
    """--ui with --gdb: the debugger runs the machine and the panel watches. blinky held
    for the debugger (-S), a breakpoint hit, then continue; the script takes a screenshot at
    blinky's step 3 (green and blue on) and presses Esc later, which ends the run: GDB hears
    the exit, hartlab exits 0."""
    gdb = shutil.which('gdb-multiarch')
    if not gdb:
        print('SKIP: no gdb-multiarch')
        sys.exit(77)
    script = f'{TMP}/gdb.script'
    with open(script, 'w') as f:
        f.write(f'17500000 shot {TMP}/gdb-step3.png\n27500000 key Escape down\n')
    cmd = [HARTLAB, '--gdb', '127.0.0.1:0', '-S', '--ui', '--ui-script', script,
           f'{SAMPLES}/blinky-rv32.elf']
    if not os.environ.get('DISPLAY'):
        if not shutil.which('xvfb-run'):
            print('SKIP: no DISPLAY and no xvfb-run')
            sys.exit(77)
        cmd = ['xvfb-run', '-a'] + cmd
    h = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        line = h.stderr.readline()
        m = re.search(r'listening on [\d.]+:(\d+)', line)
        if not m:
            fail(f'no stub: {line!r}')
        g = subprocess.run([gdb, '-nx', '-batch', '-ex', f'target remote 127.0.0.1:{m.group(1)}',
                            '-ex', 'break clint_set_mtimecmp', '-ex', 'continue', '-ex', 'delete',
                            '-ex', 'continue', f'{SAMPLES}/blinky-rv32.elf'],
                           capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        out, err = h.communicate(timeout=120)
    finally:
        if h.poll() is None:
            h.kill()
    print(g.stdout[-600:])
    if not re.search(r'Breakpoint 1, clint_set_mtimecmp', g.stdout):
        fail('the breakpoint was not hit with the panel open:\n' + g.stdout + g.stderr)
    if 'exited normally' not in g.stdout:
        fail('GDB did not hear the run end when the panel was closed:\n' + g.stdout)
    if h.returncode != 0:
        fail(f'hartlab exit {h.returncode}: {err}')
    leds = [led_on(read_png(f'{TMP}/gdb-step3.png'), k) for k in range(3)]
    print('LEDs at step 3 under gdb (green, blue, red):', leds)
    if leds != [True, True, False]:
        fail(f'the panel under gdb does not show blinky at step 3: {leds}')
    if 'step  3' not in out:
        fail('the UART output is missing:\n' + out)
    print('the panel watches a run the debugger drives; closing it ends the run')


def no_display():
    """--ui with no display (a student over ssh): one line suggesting xvfb-run or
    --ui-screenshot, exit 2, at once; --ui-screenshot alone still works, offscreen."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('DISPLAY', 'WAYLAND_DISPLAY', 'SDL_VIDEODRIVER')}
    try:
        p = subprocess.run([HARTLAB, '--ui', f'{SAMPLES}/blinky-rv32.elf'], env=env,
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        fail('--ui without a display did not end (it should refuse at once)')
    err = p.stderr.decode(errors='replace')
    lines = err.strip().splitlines()
    if p.returncode != 2 or len(lines) != 1 or 'xvfb-run' not in err \
            or '--ui-screenshot' not in err or p.stdout:
        fail(f'--ui without a display: exit {p.returncode}, stderr {err!r}')
    print('refused:', lines[0])
    p = subprocess.run([HARTLAB, '--ui-screenshot', f'{TMP}/shot.png@12500000',
                        f'{SAMPLES}/blinky-rv32.elf'], env=env, capture_output=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    if p.returncode != 0 or not os.path.exists(f'{TMP}/shot.png'):
        fail(f'--ui-screenshot without a display: exit {p.returncode}, {p.stderr!r}')
    w, h, rows = read_png(f'{TMP}/shot.png')
    print(f'--ui-screenshot without a display: {w}x{h} PNG written offscreen')


def region(img, x0, y0, x1, y1):
    _, _, rows = img
    return [bytes(rows[y][3 * x0:3 * x1]) for y in range(y0, y1)]


def history_step_back():
    """The panel's step back and history slider (docs/labs/README.md keys, ui/panel_history.h):
    blinky at step 3 (green and blue on), then F9, Home (the start of history), End (the
    present) and F5 (run on), with a screenshot after each, taken by the script in between."""
    script = f'{TMP}/history.script'
    at = 17_500_000  # blinky's step 3: green and blue on
    with open(script, 'w') as f:
        f.write(f'0 shot {TMP}/ref0.png\n'
                f'{at} shot {TMP}/now.png\n'
                f'{at} key F9 down\n{at} shot {TMP}/back1.png\n'
                f'{at} key Home down\n{at} shot {TMP}/start.png\n'
                f'{at} key End down\n{at} shot {TMP}/end.png\n'
                f'{at} key F5 down\n'
                f'27500000 shot {TMP}/later.png\n27500000 key Escape down\n')
    rc, out, err = run(['--ui-script', script, f'{SAMPLES}/blinky-rv32.elf'], gui=True)
    if rc != 0:
        fail(f'exit {rc}: {out}\n{err}')
    shots = {n: read_png(f'{TMP}/{n}.png')
             for n in ('ref0', 'now', 'back1', 'start', 'end', 'later')}
    leds = {n: [led_on(img, k) for k in range(3)] for n, img in shots.items()}
    print('LEDs (green, blue, red):', leds)
    STATUS_Y, SLIDER_MID = 600, (512, 597)
    regs = {n: region(img, 512, 30, 1024, 350) for n, img in shots.items()}
    status = {n: region(img, 0, STATUS_Y + 1, 1024, STATUS_Y + 19) for n, img in shots.items()}
    if leds['now'] != [True, True, False] or leds['later'] != [True, False, True]:
        fail(f'blinky is not at step 3 / step 5 where expected: {leds}')
    if leds['start'] != [False, False, False] or leds['end'] != leds['now']:
        fail(f'the LEDs (GPIO state) do not follow history: {leds}')
    if regs['start'] != regs['ref0'] or status['start'] != status['ref0']:
        fail('at the start of history the panel does not show the machine as it started')
    if regs['end'] != regs['now'] or status['end'] != status['now']:
        fail('back at the present the panel does not show the machine as it was')
    if status['back1'] == status['now'] or regs['back1'] == regs['now']:
        fail('F9 did not move the machine one instruction back')
    past = [pixel(shots[n], x, y) for n in ('back1', 'start') for x in range(8, 48)
            for y in range(STATUS_Y + 20, STATUS_Y + 36)]
    if (0xe0, 0x50, 0x50) not in past or any(
            pixel(shots['now'], x, y) == (0xe0, 0x50, 0x50)
            for x in range(8, 48) for y in range(STATUS_Y + 20, STATUS_Y + 36)):
        fail('the status bar does not say PAST (in red) only while in the past')
    # The slider: filled (yellow) up to where the machine is, grey after it.
    hi, dim = (0xff, 0xd0, 0x40), (0x80, 0x84, 0x90)
    if pixel(shots['now'], *SLIDER_MID) != hi or pixel(shots['start'], *SLIDER_MID) != dim or \
            pixel(shots['end'], *SLIDER_MID) != hi:
        fail('slider: ' + str([pixel(shots[n], *SLIDER_MID) for n in ('now', 'start', 'end')]))
    steps = re.findall(r'^step +(\d+)', out, re.M)
    if steps != [str(k) for k in range(len(steps))] or len(steps) < 6:
        fail('the UART output is not printed once, in order, after going back:\n' + out)
    print('F9, Home and End move the panel through history; F5 runs on from the present')


CASES = {
    'history-step-back': history_step_back,
    'smp-harts': smp_harts,
    'smp-views': smp_views,
    'gdb-panel': gdb_panel,
    'no-display': no_display,
    'blinky-shots': blinky_shots,
    'hello-console': hello_console,
    'button-script': button_script,
    'vcd-blinky': vcd_blinky,
    'vcd-uart': vcd_uart,
    'trace-irq': trace_irq,
    'trace-frames': trace_frames,
    'screenshot-determinism': screenshot_determinism,
}
try:
    CASES[CASE]()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
print('PASS', CASE)
