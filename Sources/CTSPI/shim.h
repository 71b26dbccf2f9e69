/* TrouSerS, as LoBotPlatform sees it: the TSS 1.2 API (the system's libtspi-dev headers, the
 * same 0.3.15 release LoBot builds static from source), plus the few symbols libtspi and the
 * renamed tcsd export without declaring them in a public header. */
#ifndef LOBOT_CTSPI_SHIM_H
#define LOBOT_CTSPI_SHIM_H

#include <stddef.h>
#include <tss/tspi.h>
#include <tss/tpm.h>
#include <tss/tcs_structs.h>
#include <trousers/trousers.h>

/* TrouSerS has no Tspi_ call to create or increment a monotonic counter; libtspi exports its
 * TCS RPC stubs, which LoBot drives with its own OIAP/OSAP authorisation. */
TSS_RESULT RPC_OSAP(TSS_HCONTEXT, TPM_ENTITY_TYPE, UINT32, TPM_NONCE *, TCS_AUTHHANDLE *, TPM_NONCE *, TPM_NONCE *);
TSS_RESULT RPC_OIAP(TSS_HCONTEXT, TCS_AUTHHANDLE *, TPM_NONCE *);
TSS_RESULT RPC_CreateCounter(TSS_HCONTEXT, UINT32, BYTE *, TPM_ENCAUTH, TPM_AUTH *, TSS_COUNTER_ID *, TPM_COUNTER_VALUE *);
TSS_RESULT RPC_IncrementCounter(TSS_HCONTEXT, TSS_COUNTER_ID, TPM_AUTH *, TPM_COUNTER_VALUE *);
TSS_RESULT RPC_ReadCounter(TSS_HCONTEXT, TSS_COUNTER_ID, TPM_COUNTER_VALUE *);

/* The TrouSerS daemon linked into `lobot` (scripts/build-trousers renames its main). */
int tcsd_main(int argc, char **argv);

/* TSS_WELL_KNOWN_SECRET is an array initializer macro. */
static inline void lobot_well_known_secret(BYTE out[20]) {
    static const BYTE secret[20] = TSS_WELL_KNOWN_SECRET;
    for (int i = 0; i < 20; i++) out[i] = secret[i];
}

/* TSS_UUID_SRK is a struct initializer macro. */
static inline TSS_UUID lobot_srk_uuid(void) {
    TSS_UUID uuid = TSS_UUID_SRK;
    return uuid;
}

/* Macros written with a cast, which Swift does not import. */
static const UINT32 LOBOT_KEY_SIZE_2048 = TSS_KEY_SIZE_2048;
static const UINT32 LOBOT_PCRS_DIRECTION_RELEASE = TSS_PCRS_DIRECTION_RELEASE;
static const UINT16 LOBOT_ET_OWNER = TPM_ET_OWNER;
static const UINT32 LOBOT_KH_OWNER = TPM_KH_OWNER;

#endif
