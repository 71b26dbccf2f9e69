/* The test application domain (aDom): a tiny guest that fills adom.fill=N MiB of memory with
 * random data (so its saved state is as large as the guest), then counts, one tick every
 * 200 ms, printing "ADOM count=N sum=S" on its console. With a disk (/dev/vda) it keeps the
 * count there too and checks, every tick, that the disk holds the count it last wrote: a guest
 * resumed with an older disk than its memory prints "ADOM DISK-MISMATCH" (the stale-disk bug
 * of the secure-migration thesis). With adom.tpm=2 or adom.tpm=1.2 (an image made by
 * `make-adom --tpm`) it also uses its TPM with real tools: /tpm-guest.sh setup at boot, then
 * /tpm-guest.sh check every adom.tpmevery=N ticks (default 10), each printing "ADOM TPM ..."
 * lines. Static, no libc beyond what -static gives. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t state = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }

static void load_modules(void) {
    static const char *mods[] = {"virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci", "virtio_blk",
                                 "qemu_fw_cfg"};
    char path[128];
    for (unsigned i = 0; i < sizeof mods / sizeof *mods; i++) {
        snprintf(path, sizeof path, "/lib/modules/%s.ko", mods[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) { syscall(SYS_finit_module, fd, "", 0); close(fd); }
    }
}

static char cmdline[1024];

static const char *option(const char *name) {
    if (!cmdline[0]) {
        int fd = open("/proc/cmdline", O_RDONLY);
        if (fd < 0) return NULL;
        ssize_t n = read(fd, cmdline, sizeof cmdline - 1);
        close(fd);
        if (n <= 0) return NULL;
    }
    const char *at = strstr(cmdline, name);
    return at ? at + strlen(name) : NULL;
}

static long fill_mib(void) {
    const char *at = option("adom.fill=");
    return at ? strtol(at, NULL, 10) : 0;
}

/* The TPM family the guest uses ("2" or "1.2"), or NULL. */
static const char *tpm_family(void) {
    const char *at = option("adom.tpm=");
    if (!at) return NULL;
    if (strncmp(at, "1.2", 3) == 0) return "1.2";
    if (at[0] == '2') return "2";
    return NULL;
}

/* Runs /tpm-guest.sh STEP FAMILY with the image's busybox shell and waits for it. */
static void tpm_step(const char *step, const char *family) {
    pid_t child = fork();
    if (child == 0) {
        char *argv[] = {"/bin/sh", "/tpm-guest.sh", (char *)step, (char *)family, NULL};
        char *envp[] = {"PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/", NULL};
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    if (child > 0) {
        int status;
        while (waitpid(child, &status, 0) < 0) {}
    }
    fflush(stdout);
}

int main(void) {
    mount("proc", "/proc", "proc", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    load_modules();
    const char *family = tpm_family();
    if (family) {
        mkdir("/sys", 0755);
        mkdir("/run", 0755);
        mount("sysfs", "/sys", "sysfs", 0, NULL);
        mount("tmpfs", "/run", "tmpfs", 0, "size=8m,mode=0755");
    }
    long mib = fill_mib();
    size_t size = (size_t)mib << 20;
    uint64_t *memory = size ? malloc(size) : NULL;
    uint64_t sum = 0;
    for (size_t i = 0; memory && i < size / 8; i++) { memory[i] = next(); sum += memory[i]; }
    int disk = -1;
    for (int tries = 0; tries < 20 && disk < 0; tries++) {
        disk = open("/dev/vda", O_RDWR | O_SYNC);
        if (disk < 0) usleep(50000);
    }
    uint64_t count = 0, record[2];
    if (disk >= 0 && pread(disk, record, sizeof record, 0) == sizeof record && record[0] == 0x41444f4d434e5431ULL) count = record[1];
    printf("ADOM start count=%llu fill=%ld MiB disk=%s\n", (unsigned long long)count, mib, disk >= 0 ? "yes" : "no");
    fflush(stdout);
    long every = 10;
    if (option("adom.tpmevery=")) every = strtol(option("adom.tpmevery="), NULL, 10);
    if (every < 1) every = 1;
    if (family) tpm_step("setup", family);
    for (;;) {
        if (disk >= 0) {
            if (pread(disk, record, sizeof record, 0) == sizeof record && record[0] == 0x41444f4d434e5431ULL && record[1] != count)
                printf("ADOM DISK-MISMATCH memory=%llu disk=%llu\n", (unsigned long long)count, (unsigned long long)record[1]);
        }
        count++;
        if (disk >= 0) {
            record[0] = 0x41444f4d434e5431ULL;
            record[1] = count;
            pwrite(disk, record, sizeof record, 0);
            fdatasync(disk);
        }
        printf("ADOM count=%llu sum=%016llx\n", (unsigned long long)count, (unsigned long long)sum);
        fflush(stdout);
        if (family && count % every == 0) tpm_step("check", family);
        struct timespec pause = {0, 200000000};
        nanosleep(&pause, NULL);
    }
}
