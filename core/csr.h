/* CSR numbers and field masks, named as the RISC-V Privileged Architecture (1.12) spells
 * them ("CSR Listing" and the mstatus/mip/mie/mtvec/misa sections). */
#ifndef HARTLAB_CORE_CSR_H
#define HARTLAB_CORE_CSR_H

/* Unprivileged counters and floating point. */
#define CSR_FFLAGS        0x001
#define CSR_FRM           0x002
#define CSR_FCSR          0x003
#define CSR_CYCLE         0xc00
#define CSR_TIME          0xc01
#define CSR_INSTRET       0xc02
#define CSR_HPMCOUNTER3   0xc03
#define CSR_HPMCOUNTER31  0xc1f
#define CSR_CYCLEH        0xc80
#define CSR_TIMEH         0xc81
#define CSR_INSTRETH      0xc82
#define CSR_HPMCOUNTER3H  0xc83
#define CSR_HPMCOUNTER31H 0xc9f

/* Supervisor. */
#define CSR_SSTATUS    0x100
#define CSR_SIE        0x104
#define CSR_STVEC      0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG    0x10a
#define CSR_SSCRATCH   0x140
#define CSR_SEPC       0x141
#define CSR_SCAUSE     0x142
#define CSR_STVAL      0x143
#define CSR_SIP        0x144
#define CSR_SATP       0x180

/* Machine information. */
#define CSR_MVENDORID  0xf11
#define CSR_MARCHID    0xf12
#define CSR_MIMPID     0xf13
#define CSR_MHARTID    0xf14
#define CSR_MCONFIGPTR 0xf15

/* Machine trap setup and handling. */
#define CSR_MSTATUS    0x300
#define CSR_MISA       0x301
#define CSR_MEDELEG    0x302
#define CSR_MIDELEG    0x303
#define CSR_MIE        0x304
#define CSR_MTVEC      0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG    0x30a
#define CSR_MSTATUSH   0x310
#define CSR_MENVCFGH   0x31a
#define CSR_MSCRATCH   0x340
#define CSR_MEPC       0x341
#define CSR_MCAUSE     0x342
#define CSR_MTVAL      0x343
#define CSR_MIP        0x344

/* Memory protection. */
#define CSR_PMPCFG0   0x3a0
#define CSR_PMPCFG15  0x3af
#define CSR_PMPADDR0  0x3b0
#define CSR_PMPADDR63 0x3ef

/* Machine counters. */
#define CSR_MCYCLE         0xb00
#define CSR_MINSTRET       0xb02
#define CSR_MHPMCOUNTER3   0xb03
#define CSR_MHPMCOUNTER31  0xb1f
#define CSR_MCYCLEH        0xb80
#define CSR_MINSTRETH      0xb82
#define CSR_MHPMCOUNTER3H  0xb83
#define CSR_MHPMCOUNTER31H 0xb9f
#define CSR_MCOUNTINHIBIT  0x320
#define CSR_MHPMEVENT3     0x323
#define CSR_MHPMEVENT31    0x33f

/* Debug/trace triggers. */
#define CSR_TSELECT 0x7a0
#define CSR_TDATA1  0x7a1
#define CSR_TDATA2  0x7a2
#define CSR_TDATA3  0x7a3
#define CSR_TINFO   0x7a4

/* mstatus fields. */
#define MSTATUS_SIE       (1ull << 1)
#define MSTATUS_MIE       (1ull << 3)
#define MSTATUS_SPIE      (1ull << 5)
#define MSTATUS_UBE       (1ull << 6)
#define MSTATUS_MPIE      (1ull << 7)
#define MSTATUS_SPP       (1ull << 8)
#define MSTATUS_VS        (3ull << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP       (3ull << 11)
#define MSTATUS_FS        (3ull << 13)
#define MSTATUS_XS        (3ull << 15)
#define MSTATUS_MPRV      (1ull << 17)
#define MSTATUS_SUM       (1ull << 18)
#define MSTATUS_MXR       (1ull << 19)
#define MSTATUS_TVM       (1ull << 20)
#define MSTATUS_TW        (1ull << 21)
#define MSTATUS_TSR       (1ull << 22)
#define MSTATUS_UXL       (3ull << 32)
#define MSTATUS_SXL       (3ull << 34)
#define MSTATUS32_SD      (1ull << 31)
#define MSTATUS64_SD      (1ull << 63)

/* mcause interrupt bit, per XLEN. */
#define MCAUSE32_INTERRUPT (1ull << 31)
#define MCAUSE64_INTERRUPT (1ull << 63)

/* mtvec modes. */
#define MTVEC_MODE_DIRECT   0
#define MTVEC_MODE_VECTORED 1

/* misa MXL values. */
#define MISA_MXL_32 1
#define MISA_MXL_64 2

/* mip/mie bits. */
#define MIP_SSIP (1ull << 1)
#define MIP_MSIP (1ull << 3)
#define MIP_STIP (1ull << 5)
#define MIP_MTIP (1ull << 7)
#define MIP_SEIP (1ull << 9)
#define MIP_MEIP (1ull << 11)

/* mcountinhibit / mcounteren bits. */
#define COUNTER_CY (1ull << 0)
#define COUNTER_TM (1ull << 1)
#define COUNTER_IR (1ull << 2)

/* pmpcfg fields. */
#define PMP_R   0x01
#define PMP_W   0x02
#define PMP_X   0x04
#define PMP_A   0x18
#define PMP_L   0x80
#define PMP_TOR 0x08

/* The CSR address space encodes access rules (Privileged Architecture 2.1). */
#define CSR_READ_ONLY(csr) (((csr) >> 10) == 3)
#define CSR_MIN_PRIV(csr)  (((csr) >> 8) & 3)

#endif
