/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Naming frames: "module+0xoffset (symbol)", as libevmm writes them,
 * given the function's name when the report had none (a static
 * function: dladdr() knows exported symbols only) and its source
 * position, from the module's symbol table and debug information when
 * it has them.  They are read by elfutils' eu-addr2line, which names a
 * function only when a symbol covers the address: binutils' addr2line
 * names the nearest symbol below it, a wrong function for a static one
 * in a stripped library.  Without eu-addr2line, or for a module that is
 * not a position-independent ELF file (whose offsets are not its
 * addresses), frames stay as they are.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "torture.h"

#define ADDR2LINE "eu-addr2line"

/* Frames named before, each looked up once. */
#define CACHE_SIZE 128
static struct {
	char frame[256];
	char named[512];
} cache[CACHE_SIZE];
static size_t cached, next_slot;

/* Whether the module's offsets are its addresses: an ELF shared object
 * (a library, or a position-independent program), not ET_EXEC. */
static int
position_independent(const char *module)
{
	unsigned char h[18];
	int fd = open(module, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, h, sizeof(h)) : -1;

	if (fd >= 0)
		close(fd);
	/* e_type, in the file's byte order: ET_DYN is 3. */
	return got == (ssize_t)sizeof(h) && memcmp(h, "\177ELF", 4) == 0 &&
	    ((h[5] == 1 && h[16] == 3 && h[17] == 0) ||
	    (h[5] == 2 && h[16] == 0 && h[17] == 3));
}

/* eu-addr2line's two lines for offset in module, in out: 0, or -1 when
 * it could not be run or said nothing. */
static int
ask(const char *module, const char *offset, char *out, size_t size)
{
	int fds[2], status, null;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execlp(ADDR2LINE, ADDR2LINE, "-f", "-C", "-e", module, offset,
		    (char *)NULL);
		_exit(TORTURE_EXEC_FAILED);
	}
	close(fds[1]);
	while (pid > 0 && got + 1 < size &&
	    (r = read(fds[0], out + got, size - 1 - got)) > 0)
		got += (size_t)r;
	close(fds[0]);
	out[got] = '\0';
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0 || got == 0)
		return -1;
	return 0;
}

/* path, made relative to the working directory when it is under it. */
static const char *
shorter(const char *path)
{
	static char cwd[4096];
	size_t n;

	if (cwd[0] == '\0' && getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	n = strlen(cwd);
	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* The frame named, in named (of size bytes): unchanged when nothing more
 * is known. */
static void
look_up(const char *frame, char *named, size_t size)
{
	char module[4096], offset[32], answer[1024], *func, *pos;
	const char *plus, *p;
	size_t n;
	int has_symbol;

	snprintf(named, size, "%s", frame);
	if (!frame_module(frame, strlen(frame), &n) || n >= sizeof(module))
		return;
	plus = frame + n;
	n = strspn(plus + 3, "0123456789abcdef");
	if (n + 3 >= sizeof(offset))
		return;
	memcpy(module, frame, (size_t)(plus - frame));
	module[plus - frame] = '\0';
	memcpy(offset, plus + 1, n + 2);
	offset[n + 2] = '\0';
	has_symbol = plus[3 + n] != '\0';
	if (!position_independent(module) ||
	    ask(module, offset, answer, sizeof(answer)) != 0)
		return;
	func = answer;
	pos = strchr(answer, '\n');
	if (pos == NULL)
		return;
	*pos++ = '\0';
	pos[strcspn(pos, "\n")] = '\0';
	/* "f inlined at FILE:LINE in g": f, whose line follows. */
	if ((p = strstr(func, " inlined at ")) != NULL)
		func[p - func] = '\0';
	if (!has_symbol && strcmp(func, "??") != 0 && *func != '\0') {
		append_text(named, size, " (");
		append_text(named, size, func);
		append_text(named, size, ")");
	}
	/* "??:0" and the like: no position known. */
	if (strncmp(pos, "??", 2) != 0 && *pos != '\0') {
		append_text(named, size, " ");
		append_text(named, size, shorter(pos));
	}
}

void
name_frame(char *frame, size_t size)
{
	size_t i;

	if (strlen(frame) >= sizeof(cache[0].frame))
		return;
	for (i = 0; i < cached; i++)
		if (strcmp(cache[i].frame, frame) == 0) {
			snprintf(frame, size, "%s", cache[i].named);
			return;
		}
	i = next_slot;
	next_slot = (next_slot + 1) % CACHE_SIZE;
	if (cached < CACHE_SIZE)
		cached++;
	snprintf(cache[i].frame, sizeof(cache[i].frame), "%s", frame);
	look_up(frame, cache[i].named, sizeof(cache[i].named));
	snprintf(frame, size, "%s", cache[i].named);
}
