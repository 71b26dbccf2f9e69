/* libtpms (the TPM 1.2 and TPM 2.0 engine of the guests' TPMs), as LoBotGuestTPM sees it: the
 * libtpms-dev headers. No `link` here: the normal build links the static archive the Makefile
 * copied into build/libtpms (Package.swift), so the system's libtpms.so is never picked up, and
 * the agent's link names it itself. Nothing but LoBotGuestTPM imports this module. */
#ifndef LOBOT_CLIBTPMS_SHIM_H
#define LOBOT_CLIBTPMS_SHIM_H

#include <libtpms/tpm_types.h>
#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <libtpms/tpm_nvfilename.h>
#include <libtpms/tpm_tis.h>

/* The return codes LoBot's callbacks give and its checks test are macros written as sums
 * (TPM_BASE + n), which Swift does not import. */
static const TPM_RESULT LOBOT_TPM_SUCCESS = TPM_SUCCESS;
static const TPM_RESULT LOBOT_TPM_FAIL = TPM_FAIL;
static const TPM_RESULT LOBOT_TPM_SIZE = TPM_SIZE;
static const TPM_RESULT LOBOT_TPM_RETRY = TPM_RETRY;

#endif
