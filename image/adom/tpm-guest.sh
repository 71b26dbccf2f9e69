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
#   ADOM TPM quote verified        TPM 2.0: a quote of PCRs 8-9 by an attestation key made under
#                                  the TPM's EK (tpm2_createek/createak/quote), checked by
#                                  tpm2_checkquote
#   ADOM TPM quote made aik=HEX pcrhash=HEX nonce=HEX quote=HEX
#                                  TPM 1.2: tpm-quote-tools' AIK blob, PCR 8-9 composite hash,
#                                  nonce and quote (tpm_mkaik, tpm_getpcrhash, tpm_getquote)
#   ADOM TPM quote FAILED WHY
#   ADOM TPM ready                 setup is done
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
hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }
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
    # A TPM 2.0 counts each start after a disorderly end (a power cut; its server killed) against
    # its dictionary-attack lockout, as a real one does: after a few, keys under it stop working.
    # This guest clears the lockout at boot (the lockout hierarchy's password is empty), as an
    # operator would.
    tpm2_dictionarylockout -Q --clear-lockout 2> $run/err || say "dictionarylockout FAILED $(why $run/err)"
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
    nonce=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
    if tpm2_createek -Q -c $run/ek.ctx -G ecc -u $run/ek.pub 2> $run/err \
        && tpm2_createak -Q -C $run/ek.ctx -c $run/ak.ctx -G ecc -g sha256 -s ecdsa -u $run/ak.pub -f pem -n $run/ak.name 2> $run/err \
        && tpm2_quote -Q -c $run/ak.ctx -l sha256:8,9 -q $nonce -m $run/quote.msg -s $run/quote.sig -o $run/quote.pcrs -g sha256 2> $run/err \
        && tpm2_checkquote -Q -u $run/ak.pub -m $run/quote.msg -s $run/quote.sig -f $run/quote.pcrs -g sha256 -q $nonce 2> $run/err; then
        say "quote verified"
    else
        say "quote FAILED $(why $run/err)"
    fi
    tpm2_flushcontext -t 2> /dev/null
    say "ready"
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
    # tcsd keeps the SRK's registration in its store, which lives in this guest's memory: a TPM
    # owned in an earlier boot cannot seal here (a real guest keeps /var/lib/tpm on its disk).
    tpm_takeownership -y -z > $run/err 2>&1 || { say "FAILED takeownership (owned in an earlier boot?): $(why $run/err)"; return; }
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
    # Debian's tpm_verifyquote cannot read the DER key file its own tpm_mkaik writes (OpenSSL 3
    # refuses its padded INTEGERs), so the guest prints what tpm_getquote made and the host
    # checks it (lobot-factory verify-quote --aik, which reads tpm-quote-tools' files).
    head -c 20 /dev/urandom > $run/nonce
    if (cd $run && tpm_mkaik -z aik.blob aik.der > err 2>&1 && tpm_mkuuid aik.uuid >> err 2>&1 && tpm_loadkey aik.blob aik.uuid >> err 2>&1 \
        && tpm_getpcrhash aik.uuid pcrhash pcrvals 8 9 >> err 2>&1 && tpm_getquote aik.uuid nonce quote 8 9 >> err 2>&1); then
        say "quote made aik=$(hex $run/aik.blob) pcrhash=$(hex $run/pcrhash) nonce=$(hex $run/nonce) quote=$(hex $run/quote)"
    else
        say "quote FAILED $(why $run/err)"
    fi
    say "ready"
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
