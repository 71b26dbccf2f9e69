/* The glibc fortify entry points Debian's libtpms.a calls (it was built with _FORTIFY_SOURCE=2
 * against glibc), for the musl link of `lobot`, which has no such symbols. Each keeps the checking
 * contract glibc documents for it: where the compiler passed the size of the destination object,
 * a call that would write past it aborts the process instead of corrupting memory. Compiled by
 * musl-gcc into build/libtpms/libtpms_fortify.a (Makefile); never linked into the glibc build,
 * whose libc has the real ones. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* memcpy of len bytes into an object of destlen bytes: more than fits is an overflow. */
void *__memcpy_chk(void *dest, const void *src, size_t len, size_t destlen) {
    if (len > destlen) abort();
    return memcpy(dest, src, len);
}

/* memset of len bytes into an object of destlen bytes: more than fits is an overflow. */
void *__memset_chk(void *dest, int c, size_t len, size_t destlen) {
    if (len > destlen) abort();
    return memset(dest, c, len);
}

/* vsnprintf told it may write maxlen bytes into an object of slen bytes: a maxlen above slen is
 * an overflow. `flag` (glibc's refusal of %n in writable formats) is not checked: libtpms passes
 * only constant formats, and musl has no way to tell where a format lives. */
int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *format, va_list ap) {
    (void)flag;
    if (maxlen > slen) abort();
    return vsnprintf(s, maxlen, format, ap);
}

/* snprintf: the same bound as __vsnprintf_chk. */
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = __vsnprintf_chk(s, maxlen, flag, slen, format, ap);
    va_end(ap);
    return n;
}

/* asprintf allocates what it writes: there is no destination to bound, only `flag` (see above). */
int __asprintf_chk(char **result, int flag, const char *format, ...) {
    (void)flag;
    va_list ap;
    va_start(ap, format);
    int n = vasprintf(result, format, ap);
    va_end(ap);
    return n;
}

/* vdprintf writes to a descriptor: nothing to bound, only `flag` (see above). */
int __vdprintf_chk(int fd, int flag, const char *format, va_list ap) {
    (void)flag;
    return vdprintf(fd, format, ap);
}

/* dprintf: as __vdprintf_chk. */
int __dprintf_chk(int fd, int flag, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = __vdprintf_chk(fd, flag, format, ap);
    va_end(ap);
    return n;
}

/* longjmp that refuses to jump into a frame that has already returned: the stack grows down, so a
 * live target's saved stack pointer lies above the current frame. As glibc does, the check is
 * skipped on an alternate signal stack, where the two stacks cannot be compared. The saved stack
 * pointer is word 6 of musl's x86_64 jmp_buf (rbx, rbp, r12, r13, r14, r15, rsp, rip), which
 * musl's _setjmp wrote: libtpms calls _setjmp and this, both from musl here. */
#if !defined(__x86_64__)
#error "fortify.c knows the jmp_buf layout of x86_64 musl only"
#endif
_Noreturn void __longjmp_chk(jmp_buf env, int val) {
    stack_t altstack;
    int onAltStack = sigaltstack(NULL, &altstack) == 0 && (altstack.ss_flags & SS_ONSTACK);
    unsigned long savedSP = ((const unsigned long *)env)[6];
    if (!onAltStack && savedSP < (unsigned long)__builtin_frame_address(0)) abort();
    longjmp(env, val);
}
