/* log.c — stderr messages of the sandbox engine (see log.h). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *program = "pkgguard";
static int verbose;

void log_set_program(const char *name) { program = name; }
void log_set_verbose(int on) { verbose = on; }

__attribute__((format(printf, 2, 0)))
static void vprint(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	/* One fprintf per line so concurrent writers do not interleave words. */
	char line[1024];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s: %s%s%s%s\n", program, prefix, line, suffix ? ": " : "", suffix ? suffix : "");
}

int log_fail(int err, const char *fmt, ...)
{
	va_list ap;
	if (err <= 0)
		err = EIO;
	va_start(ap, fmt);
	vprint("", fmt, ap, strerror(err));
	va_end(ap);
	return -err;
}

int log_fail_plain(int err, const char *fmt, ...)
{
	va_list ap;
	if (err <= 0)
		err = EINVAL;
	va_start(ap, fmt);
	vprint("", fmt, ap, NULL);
	va_end(ap);
	return -err;
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint("warning: ", fmt, ap, NULL);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint("", fmt, ap, NULL);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	if (!verbose)
		return;
	va_start(ap, fmt);
	vprint("", fmt, ap, NULL);
	va_end(ap);
}
