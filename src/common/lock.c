/* lock.c -- see lock.h.  A default (non-recursive) mutex: no path takes it twice, and a recursive one would
 * hide such a path instead of deadlocking in tests. */
#include "common/lock.h"

int trd__lock_init(trd__lock *l) { return pthread_mutex_init(&l->mutex, NULL) == 0 ? 0 : -1; }

void trd__lock_free(trd__lock *l) { pthread_mutex_destroy(&l->mutex); }

/* Lock and unlock of a valid default mutex owned as documented cannot fail (EINVAL / EDEADLK / EPERM are
 * programming errors this file's callers exclude), so their results are not propagated. */
void trd__lock_acquire(trd__lock *l) { (void)pthread_mutex_lock(&l->mutex); }

void trd__lock_release(trd__lock *l) { (void)pthread_mutex_unlock(&l->mutex); }
