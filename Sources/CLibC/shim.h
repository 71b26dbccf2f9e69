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
#include <pthread.h>
#include <semaphore.h>
#include <dirent.h>
#include <signal.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <spawn.h>
#include <termios.h>

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

/* Bringing the loopback interface up needs struct ifreq, a union Swift imports poorly. The
 * LoBot VM's tcsd speaks TCP on 127.0.0.1, and with no NIC nothing else brings `lo` up. */
static inline int lobot_loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
    return rc;
}

/* Whether something listens on 127.0.0.1:port (sockaddr_in is awkward from Swift): 1 yes, 0 no,
 * -1 with errno when no socket could be made to ask. */
static inline int lobot_tcp_listening(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

/* O_DIRECT (reading the VM's disks at full speed) is hidden without _GNU_SOURCE, and defining
 * that here would change libc types under the other C modules. Its value on x86_64 Linux. */
static const int LOBOT_O_DIRECT = 040000;

/* Connecting to qemu's QMP unix socket needs sockaddr_un, awkward from Swift. -1 on failure, errno set. */
#include <sys/un.h>
static inline int lobot_unix_connect(const char *path) {
    struct sockaddr_un addr;
    if (strlen(path) >= sizeof addr.sun_path) { errno = ENAMETOOLONG; return -1; }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { int saved = errno; close(fd); errno = saved; return -1; }
    return fd;
}

/* A TCP stream connected to 127.0.0.1:`port` (a local swtpm's command port); sockaddr_in and
 * htons are awkward from Swift. Only the loopback address: LoBot talks to no TPM over a network.
 * -1 on failure, errno set. */
static inline int lobot_tcp_connect_loopback(uint16_t port) {
    struct sockaddr_in addr;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { int saved = errno; close(fd); errno = saved; return -1; }
    return fd;
}

/* A listening unix socket at `path` (0600, any stale socket there removed first), for the guest TPM
 * server's control channel; sockaddr_un is awkward from Swift. -1 on failure, errno set. */
static inline int lobot_unix_listen(const char *path) {
    struct sockaddr_un addr;
    if (strlen(path) >= sizeof addr.sun_path) { errno = ENAMETOOLONG; return -1; }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    unlink(path);
    mode_t old = umask(077);
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    umask(old);
    if (rc != 0 || listen(fd, 4) != 0) { int saved = errno; close(fd); errno = saved; return -1; }
    return fd;
}

/* accept(2) with the new descriptor close-on-exec (accept4 needs _GNU_SOURCE; fcntl is variadic).
 * -1 on failure, errno set. */
static inline int lobot_accept(int fd) {
    int accepted;
    do { accepted = accept(fd, NULL, NULL); } while (accepted < 0 && errno == EINTR);
    if (accepted >= 0 && fcntl(accepted, F_SETFD, FD_CLOEXEC) != 0) {
        int saved = errno; close(accepted); errno = saved; return -1;
    }
    return accepted;
}

/* recvmsg with room for one SCM_RIGHTS descriptor (qemu hands the TPM's data channel over the
 * control channel that way); the CMSG_* accessors are macros. Returns the byte count (0 at end of
 * stream, -1 on error); *passed is the descriptor received with these bytes, or -1. Any further
 * descriptors in the message are closed, so a peer cannot make the server leak them. */
static inline long lobot_recv_with_fd(int fd, void *buffer, unsigned long length, int *passed) {
    char control[CMSG_SPACE(4 * sizeof(int))];
    struct iovec iov = { .iov_base = buffer, .iov_len = length };
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    *passed = -1;
    long n;
    do { n = recvmsg(fd, &message, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *fds = (int *)CMSG_DATA(c);
        for (int i = 0; i < count; i++) {
            if (*passed < 0) *passed = fds[i]; else close(fds[i]);
        }
    }
    return n;
}

/* sendmsg of `length` bytes with one descriptor as SCM_RIGHTS (the tests and the bench act as qemu
 * does, handing the server a data channel). Returns bytes sent or -1. */
static inline long lobot_send_with_fd(int fd, const void *buffer, unsigned long length, int passed) {
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = { .iov_base = (void *)buffer, .iov_len = length };
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    struct cmsghdr *c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passed, sizeof(int));
    long n;
    do { n = sendmsg(fd, &message, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n;
}

/* SIGTERM and SIGINT as a descriptor to poll (the guest TPM server checkpoints and exits on them);
 * sigset_t is a macro-built type Swift imports poorly. -1 on failure. */
#include <sys/signalfd.h>
static inline int lobot_signalfd_term(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_CLOEXEC);
}

/* F_SETPIPE_SZ (1031 on Linux): a bigger pipe for streaming an aDom's memory state; fcntl is
   variadic, which Swift cannot call. Fails harmlessly on anything but a pipe or FIFO. */
static inline int lobot_set_pipe_size(int fd, int size) { return fcntl(fd, 1031, size); }

/* pipe2(2) with O_CLOEXEC: glibc declares pipe2 only under _GNU_SOURCE, which this header does not
   set, so through the system call. */
static inline int lobot_pipe_cloexec(int fds[2]) { return (int)syscall(SYS_pipe2, fds, O_CLOEXEC); }

/* sync_file_range(2) with SYNC_FILE_RANGE_WRITE: starts writing back a range just written without
   waiting for it, so that a stream's closing fsync has little left to do. Declared only under
   _GNU_SOURCE, hence the system call; fails harmlessly (ESPIPE) on a pipe. */
static inline int lobot_start_writeback(int fd, int64_t offset, int64_t count) {
    return (int)syscall(SYS_sync_file_range, fd, offset, count, 2 /* SYNC_FILE_RANGE_WRITE */);
}

/* Clears O_DIRECT on `fd` (fcntl is variadic): the last part block of a file written around the
   page cache goes through it. -1 on failure, errno set. */
static inline int lobot_clear_direct(int fd) {
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags & ~LOBOT_O_DIRECT);
}

/* Linux AIO, one write in flight at a time: an O_DIRECT file's block goes to the disk while the
   next one is sealed. Neither glibc nor musl wraps these system calls, and the request must live
   until the write completes, so it is kept in this state, which the caller owns. */
#include <linux/aio_abi.h>
struct lobot_aio { aio_context_t context; struct iocb request; };

/* io_setup(2) for one request. -1 on failure, errno set. */
static inline int lobot_aio_setup(struct lobot_aio *aio) {
    memset(aio, 0, sizeof *aio);
    return (int)syscall(SYS_io_setup, 1, &aio->context);
}

/* Submits pwrite(fd, buffer, count, offset). -1 on failure, errno set. */
static inline int lobot_aio_pwrite(struct lobot_aio *aio, int fd, const void *buffer, size_t count, int64_t offset) {
    struct iocb *requests[1] = { &aio->request };
    memset(&aio->request, 0, sizeof aio->request);
    aio->request.aio_fildes = (uint32_t)fd;
    aio->request.aio_lio_opcode = IOCB_CMD_PWRITE;
    aio->request.aio_buf = (uint64_t)(uintptr_t)buffer;
    aio->request.aio_nbytes = count;
    aio->request.aio_offset = offset;
    return syscall(SYS_io_submit, aio->context, 1, requests) == 1 ? 0 : -1;
}

/* Waits for the write submitted: the bytes it wrote, or -errno. */
static inline int64_t lobot_aio_wait(struct lobot_aio *aio) {
    struct io_event event;
    long n;
    do { n = syscall(SYS_io_getevents, aio->context, 1, 1, &event, NULL); } while (n < 0 && errno == EINTR);
    return n == 1 ? (int64_t)event.res : -(int64_t)errno;
}

/* io_destroy(2): waits for a write still in flight, then frees the context. */
static inline void lobot_aio_destroy(struct lobot_aio *aio) {
    if (aio->context != 0) syscall(SYS_io_destroy, aio->context);
    aio->context = 0;
}

/* fallocate(2) with mode 0, extending the file: declared only under _GNU_SOURCE, hence the
   system call. A direct write inside the file's size can complete after io_submit returns; one
   that extends the file completes inside it (ext4), so a file written by AIO is extended ahead. */
static inline int lobot_allocate(int fd, int64_t offset, int64_t count) {
    return (int)syscall(SYS_fallocate, fd, 0, offset, count);
}

/* CPU time, user and system, of this process and of the children it has waited for, in
   milliseconds: what a migration step's phases cost (LOBOT_PHASE_TIMES). */
static inline long lobot_cpu_milliseconds(void) {
    struct rusage self, children;
    if (getrusage(RUSAGE_SELF, &self) != 0 || getrusage(RUSAGE_CHILDREN, &children) != 0) return 0;
    long micro = (long)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec + children.ru_stime.tv_sec) * 1000000L
        + (long)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec + children.ru_stime.tv_usec);
    return micro / 1000;
}

/* signal(2) takes a function pointer Swift cannot pass as SIG_IGN. */
static inline int lobot_ignore_sigpipe(void) { return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0; }

/* `environ` is a global Swift cannot name portably. */
extern char **environ;
static inline char **lobot_environ(void) { return environ; }

/* makedev is a macro. */
static inline unsigned long lobot_makedev(unsigned int major, unsigned int minor) { return makedev(major, minor); }

/* Runs fn(helper) on a new thread and fn(own) on this one, and returns once both have returned:
   measuring a sealed aDom file at step 12 on two cores (TreeDigest.file).
   pthread_t is an integer on glibc and a pointer on musl, so Swift never sees it. Where no
   thread can be made, both run here, one after the other. */
static inline void lobot_run_beside(void *(*fn)(void *), void *helper, void *own) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, fn, helper) != 0) {
        fn(helper);
        fn(own);
        return;
    }
    fn(own);
    pthread_join(thread, NULL);
}

/* A second thread that runs one job at a time for the thread that started it: the sealing pass
   hashes each full MiB of a sealed file there while it fills the next (SequentialFileWriter).
   post hands it fn(job); wait returns once that job has returned (sem_post and sem_wait order
   the job's memory between the threads). Where no thread can be made, start fails and the
   caller does the work itself. */
struct lobot_helper { pthread_t thread; sem_t go; sem_t done; void *(*fn)(void *); void *job; int stop; };

static inline void *lobot_helper_main(void *raw) {
    struct lobot_helper *helper = raw;
    for (;;) {
        while (sem_wait(&helper->go) != 0) {}
        if (helper->stop) return NULL;
        helper->fn(helper->job);
        sem_post(&helper->done);
    }
}

/* 0, or -1 when no thread could be made (nothing to stop then). */
static inline int lobot_helper_start(struct lobot_helper *helper, void *(*fn)(void *)) {
    memset(helper, 0, sizeof *helper);
    helper->fn = fn;
    if (sem_init(&helper->go, 0, 0) != 0) return -1;
    if (sem_init(&helper->done, 0, 0) != 0) { sem_destroy(&helper->go); return -1; }
    if (pthread_create(&helper->thread, NULL, lobot_helper_main, helper) != 0) {
        sem_destroy(&helper->go);
        sem_destroy(&helper->done);
        return -1;
    }
    return 0;
}

static inline void lobot_helper_post(struct lobot_helper *helper, void *job) {
    helper->job = job;
    sem_post(&helper->go);
}

static inline void lobot_helper_wait(struct lobot_helper *helper) {
    while (sem_wait(&helper->done) != 0) {}
}

/* Ends the thread (after the job in hand, which the caller has waited for) and frees its semaphores. */
static inline void lobot_helper_stop(struct lobot_helper *helper) {
    helper->stop = 1;
    sem_post(&helper->go);
    pthread_join(helper->thread, NULL);
    sem_destroy(&helper->go);
    sem_destroy(&helper->done);
}

#endif
