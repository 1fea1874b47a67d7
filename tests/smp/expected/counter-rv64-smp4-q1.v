hartlab: finisher pass: exit code 0 after 132241 instructions, 295770 cycles
hartlab: hart 0: 132241 instructions, 295770 cycles, 0 traps, 788 failed SCs; pc 0x80000276 in bsp_exit
hartlab: hart 1: 117909 instructions, 295769 cycles, 0 traps, 793 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 2: 117911 instructions, 295769 cycles, 0 traps, 794 failed SCs; pc 0x800000b2 in park, waiting in wfi
hartlab: hart 3: 117912 instructions, 295769 cycles, 0 traps, 795 failed SCs; pc 0x800000b2 in park, waiting in wfi
