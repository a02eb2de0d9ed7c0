/* Writing a message straight to the socket when the way is clear. */
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "bufev.h"

#define BUFEV_READ_BITE (64 * 1024)

void bufev_read_more(struct bufferevent *bev, size_t max)
{
	evutil_socket_t fd = bufferevent_getfd(bev);
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t got = 0;

	/* A socket bufferevent keeps its input's end frozen but while it
	 * reads itself: so do we. */
	evbuffer_unfreeze(in, 0);
	while (fd >= 0 && got < max) {
		struct evbuffer_iovec v;
		size_t want = max - got < BUFEV_READ_BITE ? max - got : BUFEV_READ_BITE;
		ssize_t n;

		if (evbuffer_reserve_space(in, (ev_ssize_t)want, &v, 1) < 1)
			break;
		if (v.iov_len > want)
			v.iov_len = want;
		do
			n = recv(fd, v.iov_base, v.iov_len, MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			evbuffer_commit_space(in, &v, 0);
			break;
		}
		v.iov_len = (size_t)n;
		evbuffer_commit_space(in, &v, 1);
		got += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	evbuffer_freeze(in, 0);
}

int bufev_write_now(struct bufferevent *bev, const void *data, size_t len)
{
	evutil_socket_t fd = bufferevent_getfd(bev);
	size_t done = 0;

	if (fd >= 0 && evbuffer_get_length(bufferevent_get_output(bev)) == 0 &&
	    (bufferevent_get_enabled(bev) & EV_WRITE)) {
		ssize_t n;

		do
			n = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		if (n > 0)
			done = (size_t)n;
	}
	if (done == len)
		return 0;
	return bufferevent_write(bev, (const char *)data + done, len - done);
}
