/* Writing a message straight to the socket when the way is clear. */
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "bufev.h"

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
