#!/usr/bin/env bash
# Real boots through Vaquero, relayed DHCP: the guests sit on 10.99.1.0/24 behind a router namespace whose ISC dhcrelay
# forwards to Vaquero on 10.99.0.1 (subnet chosen by giaddr).
# A BIOS guest (SeaBIOS + iPXE ROM) and a UEFI guest (OVMF, EDK2 PXE -> TFTP ipxe.efi) boot the lab
# SoT (examples/lab); each must print the ok marker, have seen its rendered config, have called
# the checkpoint (an event at GET /events/<mac>) and, for UEFI, have fetched ipxe.efi by TFTP.
source "$(dirname "$0")/../lab/lib.sh"
source "$(dirname "$0")/../lab/vaquero.sh"
lab_vq_matrix relay
