hartlab: finisher pass: exit code 0 after 152666 instructions, 348219 cycles
hartlab: hart 0: 152666 instructions, 348219 cycles, 0 traps, 171 failed SCs; pc 0x80000276 in bsp_exit
hartlab: hart 1: 138398 instructions, 348203 cycles, 0 traps, 171 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 2: 138302 instructions, 348203 cycles, 0 traps, 59 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 3: 138390 instructions, 348203 cycles, 0 traps, 169 failed SCs; pc 0x800000b2 in park, waiting in wfi
