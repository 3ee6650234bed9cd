#!/usr/bin/env bash
# Real boots through Vaquero, full DHCP: Vaquero hands out the inventory address and the boot file (dhcp_mode: server).
# A BIOS guest (SeaBIOS + iPXE ROM) and a UEFI guest (OVMF, EDK2 PXE -> TFTP ipxe.efi) boot the lab
# SoT (examples/lab); each must print the ok marker, have seen its rendered config, have called
# the checkpoint (an event at GET /events/<mac>) and, for UEFI, have fetched ipxe.efi by TFTP.
source "$(dirname "$0")/../lab/lib.sh"
source "$(dirname "$0")/../lab/vaquero.sh"
lab_vq_matrix full
