hartlab: finisher pass: exit code 0 after 75542 instructions, 156840 cycles
hartlab: hart 0: 75542 instructions, 156840 cycles, 0 traps, 2 failed SCs; pc 0x80000276 in bsp_exit
hartlab: hart 1: 60095 instructions, 155600 cycles, 0 traps, 2 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 2: 60095 instructions, 155600 cycles, 0 traps, 2 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 3: 56154 instructions, 155600 cycles, 0 traps, 4 failed SCs; pc 0x800000b2 in park, waiting in wfi
