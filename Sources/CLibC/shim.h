/* The libc the agent and the core use, reachable from both builds. Embedded Swift has no Glibc
 * module, so every libc call goes through this one header. Shims exist only where Swift cannot
 * call the C directly; each says why. */
#ifndef LOBOT_CLIBC_SHIM_H
#define LOBOT_CLIBC_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <signal.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/ioctl.h>

/* `errno` is a macro over a thread-local location. */
static inline int lobot_errno(void) { return errno; }
static inline void lobot_set_errno(int value) { errno = value; }

/* open(2) is variadic; Swift cannot call variadic C functions. */
static inline int lobot_open(const char *path, int flags, unsigned int mode) {
    return open(path, flags | O_CLOEXEC, (mode_t)mode);
}
static inline int lobot_openat(int dirfd, const char *path, int flags, unsigned int mode) {
    return openat(dirfd, path, flags | O_CLOEXEC, (mode_t)mode);
}

/* The S_IS* tests are macros. */
static inline int lobot_s_isreg(unsigned int mode) { return S_ISREG(mode); }
static inline int lobot_s_isdir(unsigned int mode) { return S_ISDIR(mode); }

/* The W* status tests are macros. */
static inline int lobot_wifexited(int status) { return WIFEXITED(status); }
static inline int lobot_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int lobot_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int lobot_wtermsig(int status) { return WTERMSIG(status); }

/* stdout/stderr are macros naming globals; the agent writes through these. */
static inline FILE *lobot_stdout(void) { return stdout; }
static inline FILE *lobot_stderr(void) { return stderr; }

/* finit_module has no glibc wrapper. */
static inline long lobot_finit_module(int fd, const char *params, int flags) {
    return syscall(SYS_finit_module, fd, params, flags);
}

#endif
