-- A request can be changed after filing: its requester edits it while it
-- waits (request.update), a supervisor sends it to another service before
-- deciding (request.reroute). Both go on its timeline as kinds of their
-- own, so that the timeline says what happened rather than "a comment".
ALTER TABLE request_events DROP CONSTRAINT request_events_kind_check;
ALTER TABLE request_events ADD CONSTRAINT request_events_kind_check
	CHECK (kind IN ('status', 'question', 'answer', 'comment', 'workorder', 'update',
	'reroute'));
