#!/bin/sh
# The test aDom's use of its own TPM, with the tools guests really use: tpm2-tools on a TPM 2.0,
# TrouSerS' tcsd and tpm-tools on a TPM 1.2. adom-init runs `tpm-guest.sh setup FAMILY` once at
# boot and `tpm-guest.sh check FAMILY` every few seconds while it counts. Every result is one
# console line starting "ADOM TPM " (the tests read them):
#
#   ADOM TPM pcr BANK:N=HEX        each of PCRs 8 and 9 at boot (LoBot's launch measurements)
#   ADOM TPM eventlog replays      the launch log (fw_cfg opt/org.lobot/tpm-log) gives those PCRs
#   ADOM TPM eventlog MISMATCH ... it does not
#   ADOM TPM sealed HASH           a fresh secret sealed to PCRs 8-9 (HASH: 16 hex of its SHA-256)
#   ADOM TPM unseal ok HASH        the sealed secret opened again (the same HASH)
#   ADOM TPM unseal FAILED WHY     it did not
#   ADOM TPM nv N                  the NV counter, read, incremented and written: now N
#   ADOM TPM nv FAILED WHY
#   ADOM TPM FAILED WHY            setup failed
#
# The sealed blob lives in /run (tmpfs): it travels with the guest's memory when the VM migrates.
family=$2
run=/run/tpm
mkdir -p $run
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
log=/opt/org.lobot/tpm-log

say() { echo "ADOM TPM $*"; }
short() { sha256sum "$1" | cut -c1-16; }
why() { tr '\n' ' ' < "$1" | cut -c1-160; }

# --- TPM 2.0: tpm2-tools through the kernel's resource manager ------------------------------
primary20() { tpm2_createprimary -Q -C o -G ecc -c $run/primary.ctx 2> $run/err; }

setup20() {
    for pcr in 8 9; do
        value=$(tpm2_pcrread sha256:$pcr 2> $run/err | sed -n 's/.*: 0x\([0-9A-F]*\).*/\1/p' | tr 'A-F' 'a-f')
        say "pcr sha256:$pcr=$value"
        eval "pcr$pcr=$value"
    done
    if [ -r /sys/firmware/qemu_fw_cfg/by_name$log/raw ]; then
        cat /sys/firmware/qemu_fw_cfg/by_name$log/raw > $run/tpm-log
        tpm2_eventlog $run/tpm-log > $run/eventlog 2> $run/err
        replay8=$(sed -n '/^pcrs:/,$p' $run/eventlog | sed -n '/sha256:/,/sha[0-9]*:/p' | sed -n 's/^ *8 *: *0x\([0-9A-Fa-f]*\).*/\1/p' | tr 'A-F' 'a-f')
        replay9=$(sed -n '/^pcrs:/,$p' $run/eventlog | sed -n '/sha256:/,/sha[0-9]*:/p' | sed -n 's/^ *9 *: *0x\([0-9A-Fa-f]*\).*/\1/p' | tr 'A-F' 'a-f')
        if [ -n "$replay8" ] && [ "$replay8" = "$pcr8" ] && [ "$replay9" = "$pcr9" ]; then say "eventlog replays"
        else say "eventlog MISMATCH 8=$replay8 9=$replay9"; fi
    else
        say "eventlog MISMATCH no log at $log"
    fi
    primary20 || { say "FAILED createprimary: $(why $run/err)"; return; }
    tpm2_startauthsession -S $run/s.ctx 2> $run/err && tpm2_policypcr -Q -S $run/s.ctx -l sha256:8,9 -L $run/policy 2>> $run/err
    tpm2_flushcontext $run/s.ctx 2>> $run/err
    head -c 32 /dev/urandom > $run/secret
    tpm2_create -Q -C $run/primary.ctx -L $run/policy -i $run/secret -u $run/seal.pub -r $run/seal.priv 2> $run/err \
        || { say "FAILED create: $(why $run/err)"; return; }
    say "sealed $(short $run/secret)"
    rm -f $run/secret
    tpm2_flushcontext -t 2> /dev/null
    tpm2_nvdefine -Q 0x1500016 -C o -s 8 -a "ownerread|ownerwrite" 2> $run/err || tpm2_nvreadpublic 0x1500016 > /dev/null 2>&1 \
        || { say "FAILED nvdefine: $(why $run/err)"; return; }
    if ! tpm2_nvread -Q 0x1500016 -C o -s 8 -o $run/nv 2> /dev/null; then
        printf '%08d' 0 > $run/nv
        tpm2_nvwrite -Q 0x1500016 -C o -i $run/nv 2> $run/err || { say "FAILED nvwrite: $(why $run/err)"; return; }
    fi
}

check20() {
    if primary20 && tpm2_load -Q -C $run/primary.ctx -u $run/seal.pub -r $run/seal.priv -c $run/seal.ctx 2> $run/err \
        && tpm2_startauthsession --policy-session -S $run/p.ctx 2> $run/err \
        && tpm2_policypcr -Q -S $run/p.ctx -l sha256:8,9 2> $run/err \
        && tpm2_unseal -c $run/seal.ctx -p session:$run/p.ctx -o $run/opened 2> $run/err; then
        say "unseal ok $(short $run/opened)"
    else
        say "unseal FAILED $(why $run/err)"
    fi
    rm -f $run/opened
    tpm2_flushcontext $run/p.ctx 2> /dev/null
    tpm2_flushcontext -t 2> /dev/null
    if tpm2_nvread -Q 0x1500016 -C o -s 8 -o $run/nv 2> $run/err; then
        next=$(( $(sed 's/^0*//' $run/nv) + 1 ))
        printf '%08d' $next > $run/nv
        if tpm2_nvwrite -Q 0x1500016 -C o -i $run/nv 2> $run/err; then say "nv $next"; else say "nv FAILED $(why $run/err)"; fi
    else
        say "nv FAILED $(why $run/err)"
    fi
}

# --- TPM 1.2: TrouSerS' tcsd and tpm-tools -------------------------------------------------
setup12() {
    for pcr in 8 9; do
        value=$(sed -n "s/^PCR-0*$pcr: //p" /sys/class/tpm/tpm0/pcrs 2> /dev/null | tr -d ' ' | tr 'A-F' 'a-f')
        say "pcr sha1:$pcr=$value"
    done
    if [ -r /sys/firmware/qemu_fw_cfg/by_name$log/raw ]; then
        cat /sys/firmware/qemu_fw_cfg/by_name$log/raw > $run/tpm-log
        say "eventlog $(short $run/tpm-log) $(wc -c < $run/tpm-log) bytes"
    fi
    ip link set lo up 2> /dev/null || ifconfig lo 127.0.0.1 up
    chown tss:tss /dev/tpm0
    tcsd -f > $run/tcsd.log 2>&1 &
    i=0; while [ $i -lt 100 ] && ! tpm_version > /dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
    tpm_version > /dev/null 2>&1 || { say "FAILED tcsd: $(why $run/tcsd.log)"; return; }
    tpm_takeownership -y -z > $run/err 2>&1 || grep -q -i "owner" $run/err || { say "FAILED takeownership: $(why $run/err)"; return; }
    head -c 32 /dev/urandom > $run/secret
    tpm_sealdata -z -p 8 -p 9 -i $run/secret -o $run/sealed 2> $run/err || { say "FAILED seal: $(why $run/err)"; return; }
    say "sealed $(short $run/secret)"
    rm -f $run/secret
    tpm_nvdefine -y -i 0x00011000 -s 8 -p "OWNERREAD|OWNERWRITE" > $run/err 2>&1 || tpm_nvinfo -i 0x00011000 > /dev/null 2>&1 \
        || { say "FAILED nvdefine: $(why $run/err)"; return; }
    if ! tpm_nvread -z -i 0x00011000 -s 8 -f $run/nv > /dev/null 2>&1; then
        printf '%08d' 0 > $run/nv
        tpm_nvwrite -z -i 0x00011000 -f $run/nv > $run/err 2>&1 || { say "FAILED nvwrite: $(why $run/err)"; return; }
    fi
}

check12() {
    if tpm_unsealdata -z -i $run/sealed -o $run/opened 2> $run/err; then say "unseal ok $(short $run/opened)"
    else say "unseal FAILED $(why $run/err)"; fi
    rm -f $run/opened
    if tpm_nvread -z -i 0x00011000 -s 8 -f $run/nv > $run/err 2>&1 || tpm_nvread -p -i 0x00011000 -s 8 -f $run/nv > $run/err 2>&1; then
        current=$(tr -dc '0-9' < $run/nv | sed 's/^0*//')
        next=$(( ${current:-0} + 1 ))
        printf '%08d' $next > $run/nv
        if tpm_nvwrite -z -i 0x00011000 -f $run/nv > $run/err 2>&1; then say "nv $next"; else say "nv FAILED $(why $run/err)"; fi
    else
        say "nv FAILED $(why $run/err)"
    fi
}

case "$1 $family" in
    "setup 2") setup20 ;;
    "check 2") check20 ;;
    "setup 1.2") setup12 ;;
    "check 1.2") check12 ;;
    *) echo "usage: tpm-guest.sh setup|check 2|1.2" >&2; exit 2 ;;
esac
