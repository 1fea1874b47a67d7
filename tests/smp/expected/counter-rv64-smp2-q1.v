hartlab: finisher pass: exit code 0 after 83632 instructions, 181482 cycles
hartlab: hart 0: 83632 instructions, 181482 cycles, 0 traps, 0 failed SCs; pc 0x80000276 in bsp_exit
hartlab: hart 1: 73561 instructions, 181481 cycles, 0 traps, 0 failed SCs; pc 0x800000b2 in park, waiting in wfi
