#!/usr/bin/env bash
# `make image`: the OCI image builds from Debian's archive with podman, is small, and its
# entrypoint runs: `version`, and `validate` of the lab SoT mounted read-only.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools podman mmdebstrap
P=(podman --runtime runc --cgroup-manager cgroupfs)
limits=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

tag=localhost/vaquero-test:$$
id=$("$VQ_SOURCE_DIR/scripts/image.sh" "$(dirname "$VAQUERO_BIN")" "$tag") ||
  vq_fail "scripts/image.sh failed"
cleanup_image() { "${P[@]}" rmi -f "$id" >/dev/null 2>&1 || true; }
trap 'cleanup_image; vq_cleanup' EXIT

size=$("${P[@]}" image inspect --format '{{.Size}}' "$tag")
vq_log "image $tag: $((size / 1000000)) MB"
[ "$size" -lt 80000000 ] || vq_fail "the image is $size bytes: over 80 MB"

out=$("${P[@]}" run --rm "${limits[@]}" --network none "$tag" version)
[ "$out" = "$("$VAQUERO_BIN" version)" ] || vq_fail "version in the image: '$out'"
out=$("${P[@]}" run --rm "${limits[@]}" --network none \
  -v "$VQ_SOURCE_DIR/examples/lab:/sot:ro" "$tag" validate --sot /sot)
grep -q '0 errors' <<< "$out" || vq_fail "validate in the image: $out"
# iPXE's ROMs are in the image for the TFTP server.
cid=$("${P[@]}" create "$tag")
"${P[@]}" export "$cid" | tar -t > "$VQ_TMP/files"
"${P[@]}" rm "$cid" >/dev/null
for rom in usr/lib/ipxe/undionly.kpxe usr/lib/ipxe/ipxe.efi usr/bin/vaquero; do
  grep -qx "$rom" "$VQ_TMP/files" || vq_fail "$rom is not in the image"
done
"${P[@]}" image inspect --format '{{.Config.Entrypoint}}' "$tag" | vq_matches /usr/bin/vaquero ||
  vq_fail "the entrypoint is not vaquero"
vq_log "PASS: image built ($((size / 1000000)) MB), version and validate run in it"
