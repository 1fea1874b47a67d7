/* CSR numbers (from the CSR table, core/csrs.def) and field masks, named as the RISC-V
 * Privileged Architecture (1.12) spells them ("CSR Listing" and the mstatus/mip/mie/mtvec/misa
 * sections). */
#ifndef HARTLAB_CORE_CSR_H
#define HARTLAB_CORE_CSR_H

/* CSR numbers: CSR_<ID> = number for every row of the CSR table, core/csrs.def (which says
 * what hartlab does with each). */
enum csr_number {
#define CSR_IMPL(id, name, number, xlen, ext, gate, read, write) CSR_##id = number,
#define CSR_NAME(id, name, number)                               CSR_##id = number,
#include "core/csrs.def"
#undef CSR_IMPL
#undef CSR_NAME
};

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
