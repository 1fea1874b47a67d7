hartlab: finisher pass: exit code 0 after 130965 instructions, 295585 cycles
hartlab: hart 0: 130965 instructions, 295585 cycles, 0 traps, 788 failed SCs; pc 0x80000280 in bsp_exit
hartlab: hart 1: 117209 instructions, 295584 cycles, 0 traps, 793 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 2: 117211 instructions, 295584 cycles, 0 traps, 794 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 3: 117212 instructions, 295584 cycles, 0 traps, 795 failed SCs; pc 0x800000b2 in park, waiting in wfi
