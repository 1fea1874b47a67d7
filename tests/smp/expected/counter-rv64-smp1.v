hartlab: finisher pass: exit code 0 after 65181 instructions, 138070 cycles
