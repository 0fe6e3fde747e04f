/*
 * file — whole-file reads and atomic writes.  Inputs are read whole (they
 * are small, and every reader then works on a length-carrying buffer) with a
 * hard cap; outputs are written to a temporary file in the same directory
 * and renamed, so a failed write never leaves a half-written file.
 */
#ifndef APICHECK_FILE_H
#define APICHECK_FILE_H

#include <stddef.h>

/* Read path ("-" = stdin) into a fresh NUL-terminated buffer.  Returns it
 * with the length in *len, or NULL with errno set (EFBIG past max). */
char *file_read(const char *path, size_t max, size_t *len);
/* Write len bytes to path ("-" = stdout) atomically. Returns 0 or -1/errno. */
int file_write(const char *path, const void *data, size_t len);
/* The extension of a path, lower-cased, without the dot ("" when none),
 * in out (16 bytes). */
void file_ext(const char *path, char out[16]);

#endif
