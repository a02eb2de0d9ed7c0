/* Writing to a bufferevent without a trip through the event loop. */
#ifndef REGIE_BUFEV_H
#define REGIE_BUFEV_H
#include <stddef.h>
#include <event2/bufferevent.h>

/* Sends data on the socket at once when nothing is queued before it,
 * and queues on the bufferevent what the socket does not take. A call
 * and its answer are each one write: this saves arming the write
 * event, waking for it and disarming it, three system calls and a turn
 * of the loop for each message. Errors are left for the bufferevent to
 * meet and report on its next write. Returns bufferevent_write's 0 or -1
 * for the queued part (0 when nothing had to be queued). */
int bufev_write_now(struct bufferevent *bev, const void *data, size_t len);

/* Called from a read callback: moves what the socket holds into the
 * input, up to max bytes, in large bites. libevent 2.1 reads at most
 * 4 KiB a time, so a page of rows took eight reads and eight turns of
 * the loop, each making the input contiguous again. End of stream and
 * errors are left for the bufferevent to meet on its next read. */
void bufev_read_more(struct bufferevent *bev, size_t max);

#endif
