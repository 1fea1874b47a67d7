hartlab: finisher pass: exit code 0 after 71296 instructions, 150968 cycles
hartlab: hart 0: 71296 instructions, 150968 cycles, 0 traps, 2 failed SCs; pc 0x80000276 in bsp_exit
hartlab: hart 1: 56154 instructions, 143580 cycles, 0 traps, 4 failed SCs; pc 0x800000b2 in park, waiting in wfi
