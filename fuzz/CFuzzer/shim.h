// libFuzzer's driver, called from the fuzz binary's own entry point (SwiftPM points an
// executable's `main` at `<module>_main`, so libFuzzer's `main` cannot be the entry).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
