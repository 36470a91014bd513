#!/usr/bin/env bash
# Runs each probe guest under vmm and under QEMU on this machine and prints, side by side, the wall time, the
# peak resident memory (GNU time's %M) and what the probe reported (its exit status and PASS/FAIL count).
# For comparison only: QEMU is never a dependency of vmm or its tests (apt-get install qemu-system-x86).
#
#   bash tests/Guests/compare-with-qemu.sh            # every probe in the table below, 3 runs each (median)
#   RUNS=5 bash tests/Guests/compare-with-qemu.sh multiboot-info
#
# Both sides get the same VM: QEMU's `pc` machine with KVM, -m 128 and the probe's -smp, its serial on stdio and
# `-device isa-debug-exit,iobase=0xf4,iosize=4`; vmm's `pc` machine with `--device debug-exit,port=0xf4,width=4`.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
runs=${RUNS:-3}
work=$(mktemp -d /tmp/vmm-vs-qemu.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86_64 not found: apt-get install qemu-system-x86" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 1; }

echo "building vmm (Release) and the probes..." >&2
dotnet build src/Vmm.Host -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
vmm="$root/src/Vmm.Host/bin/Release/net10.0/vmm.dll"
make -s -C tests/Guests OUT="$work/probes" >&2

# A module in the pattern the multiboot-info probe checks (byte i = i * 7 + 3).
python3 -c "import sys; sys.stdout.buffer.write(bytes((i * 7 + 3) & 0xff for i in range(5000)))" >"$work/pattern.bin"

# probe name -> "cpus|command line|module|fw_cfg file" (add a line when a probe needs more than the defaults;
# the fw_cfg file is NAME,string=S, given to vmm as --fw-cfg and to QEMU as -fw_cfg name=NAME,string=S).
declare -A setup=(
    [multiboot-info]="1|probe=1 hello|$work/pattern.bin"
    [interrupt-return]="1||"
    [timer-interrupts]="1||"
    [smp]="2||"
    [irq-routing]="1||"
    [uart]="1|irq|"
    [i8042]="1|irq|"
    [reset]="1||"
    [fwcfg]="2|||opt/org.vmm/probe,string=hello from the host"
)

probes=("$@")
if [ ${#probes[@]} -eq 0 ]; then
    for file in tests/Guests/probes/*.c; do probes+=("$(basename "$file" .c)"); done
fi

# Runs "$@" $runs times; prints "median-seconds peak-KiB exit-status pass-count fail-count" of the median run.
measure() {
    local i
    for ((i = 0; i < runs; i++)); do
        local status=0
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" </dev/null || status=$?
        echo "$(cat "$work/time" | tail -1) $status $(grep -c '^PASS ' "$work/out" || true) $(grep -c '^FAIL ' "$work/out" || true)"
    done | sort -n | sed -n "$(((runs + 1) / 2))p"
}

printf '%-18s | %-34s | %-34s\n' "probe" "vmm: s, peak MiB, exit, pass/fail" "qemu: s, peak MiB, exit, pass/fail"
printf '%s\n' "-------------------+------------------------------------+-----------------------------------"
for probe in "${probes[@]}"; do
    IFS='|' read -r cpus cmdline module fwcfg <<<"${setup[$probe]:-1|||}"
    kernel="$work/probes/$probe.elf"
    vmm_args=(run --kernel "$kernel" --memory 128M --cpus "$cpus" --device debug-exit,port=0xf4,width=4)
    qemu_args=(-machine pc -accel kvm -m 128 -smp "$cpus" -kernel "$kernel" -display none -monitor none -serial stdio
               -device isa-debug-exit,iobase=0xf4,iosize=4)
    if [ -n "$cmdline" ]; then vmm_args+=(--cmdline "$cmdline"); qemu_args+=(-append "$cmdline"); fi
    if [ -n "$module" ]; then vmm_args+=(--module "$module"); qemu_args+=(-initrd "$module"); fi
    if [ -n "$fwcfg" ]; then vmm_args+=(--fw-cfg "$fwcfg"); qemu_args+=(-fw_cfg "name=$fwcfg"); fi

    read -r vs vk vx vp vf <<<"$(measure dotnet "$vmm" "${vmm_args[@]}")"
    grep '^FAIL ' "$work/out" | sed "s/^/  vmm  $probe: /" >>"$work/failures" || true
    read -r qs qk qx qp qf <<<"$(measure qemu-system-x86_64 "${qemu_args[@]}")"
    grep '^FAIL ' "$work/out" | sed "s/^/  qemu $probe: /" >>"$work/failures" || true
    printf '%-18s | %6.2f s %6.1f MiB exit %-3s %2s/%-2s | %6.2f s %6.1f MiB exit %-3s %2s/%-2s\n' \
        "$probe" "$vs" "$(echo "$vk / 1024" | bc -l)" "$vx" "$vp" "$vf" "$qs" "$(echo "$qk / 1024" | bc -l)" "$qx" "$qp" "$qf"
done
if [ -s "$work/failures" ]; then
    echo
    echo "checks that failed (a probe's expectations are vmm's; QEMU differs where the machines do):"
    cat "$work/failures"
fi
