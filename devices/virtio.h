/* Constants of the virtio 1.x specification (OASIS "Virtual I/O Device (VIRTIO) Version
 * 1.2", with the 1.1 text where they agree) that hartlab's virtio devices use: the MMIO
 * transport's registers (section 4.2.2, "MMIO Device Register Layout", and 4.2.4, "Legacy
 * interface"), the device status field (2.1), the reserved feature bits (6), the split
 * virtqueue's descriptor, available and used rings (2.7), and the block (5.2) and entropy
 * (5.4) devices' feature bits, request types and status codes.
 *
 * Everything in guest memory is little-endian (2.4 for modern devices; RISC-V is
 * little-endian, so legacy devices are too).
 */
#ifndef HARTLAB_DEVICES_VIRTIO_H
#define HARTLAB_DEVICES_VIRTIO_H

/* ---- MMIO transport registers (offsets from the slot's base) ---- */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000 /* 0x74726976, "virt" */
#define VIRTIO_MMIO_VERSION             0x004 /* 2 (1 = legacy) */
#define VIRTIO_MMIO_DEVICE_ID           0x008 /* 0 = no device in this slot */
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03c /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN           0x040 /* legacy */
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090 /* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0 /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_SHM_SEL             0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VIRTIO_MMIO_QUEUE_RESET         0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100 /* device-specific configuration space */

#define VIRTIO_MMIO_MAGIC  0x74726976u
#define VIRTIO_MMIO_SIZE   0x1000u /* one slot */
/* QEMU's vendor ID ("QEMU" in ASCII): drivers written for QEMU's virt board, such as
 * xv6's, check it. */
#define VIRTIO_VENDOR_QEMU 0x554d4551u

/* InterruptStatus / InterruptACK bits (4.2.2). */
#define VIRTIO_MMIO_INT_VRING  0x1 /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG 0x2 /* configuration change notification */

/* ---- device status field (2.1) ---- */
#define VIRTIO_STATUS_ACKNOWLEDGE        0x01
#define VIRTIO_STATUS_DRIVER             0x02
#define VIRTIO_STATUS_DRIVER_OK          0x04
#define VIRTIO_STATUS_FEATURES_OK        0x08
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED             0x80

/* ---- device IDs (5) ---- */
#define VIRTIO_ID_NONE    0
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_ENTROPY 4

/* ---- reserved feature bits (6) ---- */
#define VIRTIO_F_INDIRECT_DESC   28
#define VIRTIO_F_EVENT_IDX       29
#define VIRTIO_F_VERSION_1       32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED     34

/* ---- split virtqueues (2.7) ---- */
#define VIRTQ_DESC_F_NEXT          1
#define VIRTQ_DESC_F_WRITE         2
#define VIRTQ_DESC_F_INDIRECT      4
#define VIRTQ_DESC_SIZE            16 /* le64 addr, le32 len, le16 flags, le16 next */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1
#define VIRTQ_USED_ELEM_SIZE       8     /* le32 id, le32 len */
#define VIRTQ_MAX_SIZE             32768 /* Queue Size is at most 32768 (2.7) */

/* ---- block device (5.2) ---- */
#define VIRTIO_BLK_F_SIZE_MAX   1
#define VIRTIO_BLK_F_SEG_MAX    2
#define VIRTIO_BLK_F_GEOMETRY   4
#define VIRTIO_BLK_F_RO         5
#define VIRTIO_BLK_F_BLK_SIZE   6
#define VIRTIO_BLK_F_FLUSH      9
#define VIRTIO_BLK_F_TOPOLOGY   10
#define VIRTIO_BLK_F_CONFIG_WCE 11

#define VIRTIO_BLK_T_IN           0
#define VIRTIO_BLK_T_OUT          1
#define VIRTIO_BLK_T_FLUSH        4
#define VIRTIO_BLK_T_GET_ID       8
#define VIRTIO_BLK_T_DISCARD      11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR_SIZE 512 /* sectors in requests are always 512 bytes */
#define VIRTIO_BLK_ID_BYTES    20  /* GET_ID answers at most 20 bytes */
#define VIRTIO_BLK_HDR_SIZE    16  /* le32 type, le32 reserved, le64 sector */

/* Block configuration space offsets (struct virtio_blk_config). */
#define VIRTIO_BLK_CFG_CAPACITY 0x00 /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08 /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX  0x0c /* le32 */
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14 /* le32 */
#define VIRTIO_BLK_CFG_SIZE     0x24 /* up to and including num_queues */

#endif
