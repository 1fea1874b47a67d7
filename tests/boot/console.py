"""A person at hartlab's serial console, for the boot tests: start hartlab, read its console
(stdout) until some text appears, type lines, and keep a list of checks.

    con = Console([hartlab, "--bios", image])
    con.check("banner", con.wait_for("U-Boot 20"))
    con.type_line("version")
    ...
    sys.exit(con.finish())
"""
import os
import subprocess
import time


class Console:
    def __init__(self, argv, timeout=90):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.seen = b""
        self.cursor = 0  # console text before this has been matched already
        self.timeout = timeout
        self.results = []

    def wait_for(self, text):
        """Read the console until `text` appears after what was matched before."""
        deadline = time.time() + self.timeout
        want = text.encode()
        while True:
            at = self.seen.find(want, self.cursor)
            if at >= 0:
                self.cursor = at + len(want)
                return True
            if time.time() > deadline:
                return False
            try:
                chunk = self.proc.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                self.seen += chunk
            elif self.proc.poll() is not None:
                return self.seen.find(want, self.cursor) >= 0
            else:
                time.sleep(0.01)

    def line_after(self, label, want):
        """The console line `label ... ` contains `want` (a banner line)."""
        if not self.wait_for(label):
            return False
        start = self.cursor
        if not self.wait_for("\n"):  # the rest of the line may still be on its way
            return False
        return want.encode() in self.seen[start:self.cursor]

    def type_line(self, line):
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # hartlab has ended; the checks report it

    def check(self, name, cond):
        self.results.append(cond)
        print(("ok   " if cond else "FAIL ") + name)

    def exit_status(self, timeout=60):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None

    def finish(self):
        """Print the closing line (and the console on failure); return the exit status."""
        ok = all(self.results)
        if not ok:
            if self.proc.poll() is None:
                self.proc.kill()
            print("---- console ----")
            print(self.seen.decode(errors="replace"))
            print("---- stderr ----")
            print(self.proc.stderr.read().decode(errors="replace"))
        print(f"{sum(self.results)} passed, {len(self.results) - sum(self.results)} failed")
        return 0 if ok else 1


def uboot_prompt_session(con):
    """Stop U-Boot's autoboot, use its prompt, and power off (the part both boots share)."""
    con.check("autoboot countdown", con.wait_for("Hit any key to stop autoboot"))
    con.type_line("")
    con.check("prompt", con.wait_for("=> "))
    con.type_line("version")
    con.check("version answers", con.wait_for("U-Boot 20") and con.wait_for("=> "))
    con.type_line("echo hello")
    con.check("echo hello answers", con.wait_for("echo hello") and con.wait_for("hello"))
    con.check("prompt again", con.wait_for("=> "))
    con.type_line("poweroff")
    con.check("poweroff ends the run with status 0", con.exit_status() == 0)
