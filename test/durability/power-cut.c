/*
 * A power cut for the durability test, preloaded (LD_PRELOAD) into the processes that write the
 * store. For every file whose path starts with POWER_CUT_PREFIX it records, in the journal named by
 * POWER_CUT_JOURNAL (one file shared by every process, appended under a lock, so its order is the
 * order the writes happened in), what reached the file: each write and its bytes, each truncation,
 * each creation and removal, and each fsync/fdatasync as a begin and an end. From the journal, the
 * test rebuilds each file as a disk would hold it after losing power at the moment the processes were
 * killed: a sync covers the writes recorded before it began, and only once it has ended.
 *
 * The real fsync/fdatasync is skipped on these files (the cut is simulated: a sync waits the time a
 * flush would take, not for the machine's own disk); every other call goes on to the C library
 * unchanged. SQLite (as bundled
 * in better-sqlite3) writes with pwrite64, syncs with fsync (or fdatasync), and maps only its -shm
 * file, which holds nothing that survives a restart.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { OP_WRITE = 1, OP_TRUNCATE = 2, OP_SYNC_BEGIN = 3, OP_SYNC_END = 4, OP_UNLINK = 5, OP_CREATE = 6 };

struct record {
  uint32_t size; /* of the whole record: this header, the path and the data */
  uint32_t op;
  uint32_t pid;
  uint32_t path_length;
  uint64_t offset; /* of a write; the length of a truncation; a sync's number */
  uint64_t length; /* of a write's data */
};

#define FD_MAX 65536
static char *tracked[FD_MAX]; /* the path of each tracked descriptor */
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static int journal = -1;
static uint64_t syncs = 0;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_rename)(const char *, const char *);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static void *(*real_mmap64)(void *, size_t, int, int, int, off_t);

__attribute__((constructor)) static void resolve(void) {
  real_open = dlsym(RTLD_NEXT, "open");
  real_open64 = dlsym(RTLD_NEXT, "open64");
  real_openat = dlsym(RTLD_NEXT, "openat");
  real_openat64 = dlsym(RTLD_NEXT, "openat64");
  real_close = dlsym(RTLD_NEXT, "close");
  real_write = dlsym(RTLD_NEXT, "write");
  real_pwrite = dlsym(RTLD_NEXT, "pwrite");
  real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
  real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
  real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
  real_fsync = dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
  real_unlink = dlsym(RTLD_NEXT, "unlink");
  real_unlinkat = dlsym(RTLD_NEXT, "unlinkat");
  real_rename = dlsym(RTLD_NEXT, "rename");
  real_mmap = dlsym(RTLD_NEXT, "mmap");
  real_mmap64 = dlsym(RTLD_NEXT, "mmap64");
}

static void die(const char *why) {
  static const char prefix[] = "power-cut: ";
  ssize_t ignored = real_write(2, prefix, sizeof prefix - 1);
  ignored = real_write(2, why, strlen(why));
  ignored = real_write(2, "\n", 1);
  (void)ignored;
  abort();
}

static int matches(const char *path) {
  const char *prefix = getenv("POWER_CUT_PREFIX");
  return path != NULL && prefix != NULL && prefix[0] != '\0' && strncmp(path, prefix, strlen(prefix)) == 0;
}

/* Under the lock: in-process threads by the mutex, other processes by flock on the journal. */
static void lock(void) {
  pthread_mutex_lock(&mutex);
  if (journal < 0) {
    const char *name = getenv("POWER_CUT_JOURNAL");
    if (name == NULL) die("POWER_CUT_JOURNAL is not set");
    journal = real_open(name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (journal < 0) die("cannot open the journal");
  }
  if (flock(journal, LOCK_EX) != 0) die("cannot lock the journal");
}

static void unlock(void) {
  flock(journal, LOCK_UN);
  pthread_mutex_unlock(&mutex);
}

static void put(const void *bytes, size_t length) {
  const char *at = bytes;
  while (length > 0) {
    ssize_t written = real_write(journal, at, length);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) die("cannot write the journal");
    at += written;
    length -= (size_t)written;
  }
}

/* One record, in one write where it fits (the lock keeps other writers out either way). */
static void note(uint32_t op, const char *path, uint64_t offset, const void *data, uint64_t length) {
  struct record header = { 0 };
  size_t path_length = strlen(path);
  header.size = (uint32_t)(sizeof header + path_length + length);
  header.op = op;
  header.pid = (uint32_t)getpid();
  header.path_length = (uint32_t)path_length;
  header.offset = offset;
  header.length = length;
  char small[8192];
  if (header.size <= sizeof small) {
    memcpy(small, &header, sizeof header);
    memcpy(small + sizeof header, path, path_length);
    if (length > 0) memcpy(small + sizeof header + path_length, data, length);
    put(small, header.size);
  } else {
    put(&header, sizeof header);
    put(path, path_length);
    put(data, length);
  }
}

static const char *path_of(int fd) { return fd >= 0 && fd < FD_MAX ? tracked[fd] : NULL; }

/* The mode argument of an open that creates. */
#define MODE_OF(flags)                                                               \
  mode_t mode = 0;                                                                   \
  if (((flags) & (O_CREAT | O_TMPFILE)) != 0) {                                      \
    va_list arguments;                                                               \
    va_start(arguments, flags);                                                      \
    mode = (mode_t)va_arg(arguments, int);                                           \
    va_end(arguments);                                                               \
  }

/* Before the open, under the lock: whether the file existed (so that a creation is recorded). */
static int before_open(const char *path) {
  if (!matches(path)) return -1;
  lock();
  return access(path, F_OK) == 0;
}

static int after_open(const char *path, int flags, int existed, int fd) {
  if (existed < 0) return fd;
  if (fd >= 0) {
    if (fd >= FD_MAX) die("descriptor out of range");
    free(tracked[fd]);
    tracked[fd] = strdup(path);
    if (!existed) note(OP_CREATE, path, 0, NULL, 0);
    else if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != O_RDONLY) note(OP_TRUNCATE, path, 0, NULL, 0);
  }
  unlock();
  return fd;
}

int open(const char *path, int flags, ...) {
  MODE_OF(flags)
  int existed = before_open(path);
  return after_open(path, flags, existed, real_open(path, flags, mode));
}

int open64(const char *path, int flags, ...) {
  MODE_OF(flags)
  int existed = before_open(path);
  return after_open(path, flags, existed, real_open64(path, flags, mode));
}

/* Relative to a directory: tracked only for absolute paths (the store is opened by its full path). */
int openat(int dir, const char *path, int flags, ...) {
  MODE_OF(flags)
  int existed = path[0] == '/' ? before_open(path) : -1;
  return after_open(path, flags, existed, real_openat(dir, path, flags, mode));
}

int openat64(int dir, const char *path, int flags, ...) {
  MODE_OF(flags)
  int existed = path[0] == '/' ? before_open(path) : -1;
  return after_open(path, flags, existed, real_openat64(dir, path, flags, mode));
}

int close(int fd) {
  if (path_of(fd) != NULL) {
    pthread_mutex_lock(&mutex);
    free(tracked[fd]);
    tracked[fd] = NULL;
    pthread_mutex_unlock(&mutex);
  }
  return real_close(fd);
}

/* A write to a tracked file, made and recorded under the lock. offset < 0: at the file's position. */
static ssize_t written(int fd, const void *data, size_t length, off_t offset, int positioned, ssize_t (*plain)(int, const void *, size_t),
                       ssize_t (*at)(int, const void *, size_t, off_t)) {
  const char *path = path_of(fd);
  if (path == NULL) return positioned ? at(fd, data, length, offset) : plain(fd, data, length);
  lock();
  off_t where = positioned ? offset : lseek(fd, 0, SEEK_CUR);
  ssize_t count = positioned ? at(fd, data, length, offset) : plain(fd, data, length);
  if (count > 0) note(OP_WRITE, path, (uint64_t)where, data, (uint64_t)count);
  unlock();
  return count;
}

ssize_t write(int fd, const void *data, size_t length) { return written(fd, data, length, 0, 0, real_write, NULL); }
ssize_t pwrite(int fd, const void *data, size_t length, off_t offset) { return written(fd, data, length, offset, 1, NULL, real_pwrite); }
ssize_t pwrite64(int fd, const void *data, size_t length, off_t offset) { return written(fd, data, length, offset, 1, NULL, real_pwrite64); }

/* writev and pwritev are not used by SQLite: refused loudly on a tracked file rather than missed. */
ssize_t writev(int fd, const struct iovec *vectors, int count) {
  if (path_of(fd) != NULL) die("writev on a tracked file");
  ssize_t (*real_writev)(int, const struct iovec *, int) = dlsym(RTLD_NEXT, "writev");
  return real_writev(fd, vectors, count);
}

ssize_t pwritev(int fd, const struct iovec *vectors, int count, off_t offset) {
  if (path_of(fd) != NULL) die("pwritev on a tracked file");
  ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t) = dlsym(RTLD_NEXT, "pwritev");
  return real_pwritev(fd, vectors, count, offset);
}

static int truncated(int fd, off_t length, int (*truncate_it)(int, off_t)) {
  const char *path = path_of(fd);
  if (path == NULL) return truncate_it(fd, length);
  lock();
  int result = truncate_it(fd, length);
  if (result == 0) note(OP_TRUNCATE, path, (uint64_t)length, NULL, 0);
  unlock();
  return result;
}

int ftruncate(int fd, off_t length) { return truncated(fd, length, real_ftruncate); }
int ftruncate64(int fd, off_t length) { return truncated(fd, length, real_ftruncate64); }

/*
 * A sync: its begin, then its end, each recorded under the lock (the disk being simulated, there is
 * nothing to wait for in between). POWER_CUT_LYING_DISK: syncs are answered and recorded nowhere, as
 * a disk that acknowledges a flush it does not make (or synchronous=OFF) would.
 */
static int synced(int fd, int (*sync_it)(int)) {
  const char *path = path_of(fd);
  if (path == NULL) return sync_it(fd);
  if (getenv("POWER_CUT_LYING_DISK") != NULL) return 0;
  lock();
  uint64_t number = ((uint64_t)getpid() << 32) | ++syncs;
  note(OP_SYNC_BEGIN, path, number, NULL, 0);
  unlock();
  /* A flush takes the time a disk takes (POWER_CUT_SYNC_MICROS, 2 ms by default): a cut then lands
   * in one as it would on a machine, with the group's writes made and not yet durable. */
  const char *micros = getenv("POWER_CUT_SYNC_MICROS");
  usleep(micros == NULL ? 2000 : (useconds_t)atoi(micros));
  /* POWER_CUT_DIE_IN_SYNC=N: the power goes in the middle of this process's N-th flush, its group's
   * writes made and the flush begun, never finished: a cut that certainly drops unsynced writes. */
  const char *die = getenv("POWER_CUT_DIE_IN_SYNC");
  static uint64_t flushes = 0;
  if (die != NULL && ++flushes >= (uint64_t)atoll(die)) kill(getpid(), SIGKILL);
  lock();
  note(OP_SYNC_END, path, number, NULL, 0);
  unlock();
  return 0;
}

int fsync(int fd) { return synced(fd, real_fsync); }
int fdatasync(int fd) { return synced(fd, real_fdatasync); }

int unlink(const char *path) {
  if (!matches(path)) return real_unlink(path);
  lock();
  int result = real_unlink(path);
  if (result == 0) note(OP_UNLINK, path, 0, NULL, 0);
  unlock();
  return result;
}

int unlinkat(int dir, const char *path, int flags) {
  if (path[0] != '/' || !matches(path)) return real_unlinkat(dir, path, flags);
  lock();
  int result = real_unlinkat(dir, path, flags);
  if (result == 0) note(OP_UNLINK, path, 0, NULL, 0);
  unlock();
  return result;
}

int rename(const char *from, const char *to) {
  if (matches(from) || matches(to)) die("rename of a tracked file");
  return real_rename(from, to);
}

/* A shared, writable mapping of a tracked file would write behind the journal's back: only -shm may. */
static void check_mapping(int fd, int protection, int flags) {
  const char *path = path_of(fd);
  if (path == NULL || (flags & MAP_SHARED) == 0 || (protection & PROT_WRITE) == 0) return;
  size_t length = strlen(path);
  if (length < 4 || strcmp(path + length - 4, "-shm") != 0) die("a shared writable mapping of a tracked file");
}

void *mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
  check_mapping(fd, protection, flags);
  return real_mmap(address, length, protection, flags, fd, offset);
}

void *mmap64(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
  check_mapping(fd, protection, flags);
  return real_mmap64(address, length, protection, flags, fd, offset);
}
