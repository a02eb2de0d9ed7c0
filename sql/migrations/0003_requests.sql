-- Requests (demandes d'intervention, DI) and the validation queue:
-- categories that route a request to a service with a target delay per
-- urgency, the requests and their timeline, and the first shape of work
-- orders (OT), which approving a request creates. The work-order module
-- extends work_orders in its own migration.
--
-- Working days skip Saturdays, Sundays and French public holidays (the
-- eight fixed ones, Easter Monday, Ascension Day and Whit Monday). "Today"
-- is the database's current_date, so its TimeZone setting decides when a
-- day starts.

-- Readable numbers, DI-2026-000123: one counter per prefix and year. The
-- counter row is locked until the numbering transaction ends, so numbers
-- are unique; a rolled-back transaction gives its number back.
CREATE TABLE number_counters (
	prefix  text NOT NULL CHECK (prefix ~ '^[A-Z]{2,4}$'),
	year    integer NOT NULL,
	last    bigint NOT NULL,
	PRIMARY KEY (prefix, year)
);

CREATE FUNCTION regie_next_number(p_prefix text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	y integer := extract(year FROM current_date)::integer;
	n bigint;
BEGIN
	INSERT INTO number_counters AS c (prefix, year, last) VALUES (p_prefix, y, 1)
	ON CONFLICT (prefix, year) DO UPDATE SET last = c.last + 1
	RETURNING c.last INTO n;
	RETURN p_prefix || '-' || y || '-' || lpad(n::text, greatest(6, length(n::text)), '0');
END
$$;

-- Easter Sunday (Gregorian calendar, the anonymous algorithm).
CREATE FUNCTION regie_easter(y integer) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	a integer := y % 19;
	b integer := y / 100;
	c integer := y % 100;
	d integer := b / 4;
	e integer := b % 4;
	f integer := (b + 8) / 25;
	g integer := (b - f + 1) / 3;
	h integer := (19 * a + b - d - g + 15) % 30;
	i integer := c / 4;
	k integer := c % 4;
	l integer := (32 + 2 * e + 2 * i - h - k) % 7;
	m integer := (a + 11 * h + 22 * l) / 451;
BEGIN
	RETURN make_date(y, (h + l - 7 * m + 114) / 31, ((h + l - 7 * m + 114) % 31) + 1);
END
$$;

CREATE FUNCTION regie_is_holiday(d date) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT to_char(d, 'MM-DD') IN ('01-01', '05-01', '05-08', '07-14', '08-15', '11-01',
	                               '11-11', '12-25')
	    OR d - regie_easter(extract(year FROM d)::integer) IN (1, 39, 50)
$$;

CREATE FUNCTION regie_is_working_day(d date) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT extract(isodow FROM d) < 6 AND NOT regie_is_holiday(d)
$$;

-- The day n working days after d: 0 is d itself, 1 the next working day
-- (a request made on Friday with one day is due on Monday).
CREATE FUNCTION regie_add_working_days(d date, n integer) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	r date := d;
	left_ integer := n;
BEGIN
	WHILE left_ > 0 LOOP
		r := r + 1;
		IF regie_is_working_day(r) THEN
			left_ := left_ - 1;
		END IF;
	END LOOP;
	RETURN r;
END
$$;

-- Urgency of a request, priority of a work order: the same four words,
-- ranked for sorting (1 comes first).
CREATE FUNCTION regie_urgency_rank(u text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT CASE u WHEN 'urgent' THEN 1 WHEN 'high' THEN 2 WHEN 'normal' THEN 3 ELSE 4 END
$$;

-- What a request is about, the service it goes to and how fast. A
-- category without a service is not routed yet: requests cannot be filed
-- under it until an admin routes it (the migration cannot know the
-- city's services; the demo routes the seeded categories).
CREATE TABLE request_categories (
	id           bigserial PRIMARY KEY,
	code         text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
	name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	service_id   bigint REFERENCES services,
	delay_urgent integer NOT NULL DEFAULT 1 CHECK (delay_urgent BETWEEN 0 AND 365),
	delay_high   integer NOT NULL DEFAULT 3 CHECK (delay_high BETWEEN 0 AND 365),
	delay_normal integer NOT NULL DEFAULT 10 CHECK (delay_normal BETWEEN 0 AND 365),
	delay_low    integer NOT NULL DEFAULT 30 CHECK (delay_low BETWEEN 0 AND 365),
	active       boolean NOT NULL DEFAULT true,
	position     integer NOT NULL DEFAULT 0,
	created      timestamptz NOT NULL DEFAULT now(),
	version      integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX request_categories_code_key ON request_categories (code);

CREATE FUNCTION category_snapshot(cid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(c) - 'created' FROM request_categories c WHERE c.id = cid
$$;

CREATE FUNCTION regie_category_delay(cid bigint, urgency text) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT CASE urgency WHEN 'urgent' THEN delay_urgent WHEN 'high' THEN delay_high
	       WHEN 'normal' THEN delay_normal ELSE delay_low END
	FROM request_categories WHERE id = cid
$$;

CREATE TABLE requests (
	id             bigserial PRIMARY KEY,
	number         text NOT NULL,
	status         text NOT NULL DEFAULT 'submitted' CHECK (status IN
	               ('submitted', 'approved', 'rejected', 'needs_info', 'duplicate', 'cancelled')),
	category_id    bigint NOT NULL REFERENCES request_categories,
	-- Routed when filed, from the category: re-routing a category later
	-- does not move what is already in a queue.
	service_id     bigint NOT NULL REFERENCES services,
	asset_id       bigint REFERENCES assets,
	site_id        bigint REFERENCES sites,
	description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
	urgency        text NOT NULL CHECK (urgency IN ('urgent', 'high', 'normal', 'low')),
	-- Who asks: a user, or someone outside (a caller on the phone) known
	-- by name only; contact is how to reach them.
	requester_id   bigint REFERENCES users,
	requester_name text NOT NULL CHECK (length(requester_name) BETWEEN 1 AND 200),
	contact        text NOT NULL DEFAULT '' CHECK (length(contact) <= 200),
	desired_date   date,
	target_date    date NOT NULL,
	documents      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(documents) <= 50),
	created_by     bigint NOT NULL REFERENCES users,
	created        timestamptz NOT NULL DEFAULT now(),
	updated        timestamptz NOT NULL DEFAULT now(),
	-- The decision, when there is one.
	decided_by     bigint REFERENCES users,
	decided        timestamptz,
	reason         text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
	question       text NOT NULL DEFAULT '' CHECK (length(question) <= 2000),
	duplicate_of   bigint REFERENCES requests,
	work_order_id  bigint,
	version        integer NOT NULL DEFAULT 1,
	CONSTRAINT requests_where_check CHECK (asset_id IS NOT NULL OR site_id IS NOT NULL),
	CONSTRAINT requests_duplicate_check CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL)
	           AND duplicate_of <> id),
	CONSTRAINT requests_rejected_check CHECK (status <> 'rejected' OR reason <> ''),
	CONSTRAINT requests_needs_info_check CHECK (status <> 'needs_info' OR question <> ''),
	CONSTRAINT requests_work_order_check CHECK ((status = 'approved') = (work_order_id IS NOT NULL))
);
CREATE UNIQUE INDEX requests_number_key ON requests (number);
-- The queue: a service's submitted requests, most urgent first, then in
-- the order they were filed (ids are handed out in that order).
CREATE INDEX requests_queue_idx ON requests (service_id, regie_urgency_rank(urgency), id)
	WHERE status = 'submitted';
CREATE INDEX requests_status_idx ON requests (status, id);
CREATE INDEX requests_service_idx ON requests (service_id, id);
CREATE INDEX requests_site_idx ON requests (site_id, id);
CREATE INDEX requests_asset_idx ON requests (asset_id, id);
CREATE INDEX requests_requester_idx ON requests (requester_id, id);
CREATE INDEX requests_created_by_idx ON requests (created_by, id);
CREATE INDEX requests_duplicate_idx ON requests (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- The timeline: every status change with who, when and the note,
-- questions and answers, comments, and the linked work order's own
-- status changes. ref is what a person reads of a linked record: the
-- work order's number, the original of a duplicate.
CREATE TABLE request_events (
	id          bigserial PRIMARY KEY,
	request_id  bigint NOT NULL REFERENCES requests ON DELETE CASCADE,
	at          timestamptz NOT NULL DEFAULT now(),
	user_id     bigint REFERENCES users,
	kind        text NOT NULL CHECK (kind IN ('status', 'question', 'answer', 'comment', 'workorder')),
	status      text,
	note        text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
	ref         text
);
CREATE INDEX request_events_request_idx ON request_events (request_id, id);

-- Work orders, as far as approving a request needs them.
CREATE TABLE work_orders (
	id            bigserial PRIMARY KEY,
	number        text NOT NULL,
	type          text NOT NULL DEFAULT 'corrective'
	              CHECK (type IN ('corrective', 'preventive', 'regulatory', 'improvement')),
	status        text NOT NULL DEFAULT 'planned' CHECK (status IN
	              ('planned', 'assigned', 'in_progress', 'on_hold', 'done', 'closed', 'cancelled')),
	priority      text NOT NULL DEFAULT 'normal'
	              CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
	asset_id      bigint REFERENCES assets,
	site_id       bigint REFERENCES sites,
	service_id    bigint NOT NULL REFERENCES services,
	title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	description   text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
	request_id    bigint REFERENCES requests,
	planned_start date,
	planned_end   date,
	target_date   date,
	created_by    bigint REFERENCES users,
	created       timestamptz NOT NULL DEFAULT now(),
	updated       timestamptz NOT NULL DEFAULT now(),
	version       integer NOT NULL DEFAULT 1,
	CONSTRAINT work_orders_planned_check CHECK (planned_end >= planned_start)
);
CREATE UNIQUE INDEX work_orders_number_key ON work_orders (number);
CREATE UNIQUE INDEX work_orders_request_key ON work_orders (request_id);
CREATE INDEX work_orders_service_idx ON work_orders (service_id, id);
CREATE INDEX work_orders_asset_idx ON work_orders (asset_id, id);

ALTER TABLE requests ADD CONSTRAINT requests_work_order_id_fkey
	FOREIGN KEY (work_order_id) REFERENCES work_orders;

CREATE FUNCTION request_snapshot(rid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(r) - 'created' FROM requests r WHERE r.id = rid
$$;
CREATE FUNCTION work_order_snapshot(wid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(w) - 'created' FROM work_orders w WHERE w.id = wid
$$;

-- The requester follows the work to the end: whatever changes a linked
-- work order's status lands on the request's timeline and is announced
-- to the request's audience. Who did it comes from the transaction
-- setting regie.user_id when the writer sets it
-- (set_config('regie.user_id', ID, true)).
CREATE FUNCTION request_follow_work_order() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	who bigint := NULLIF(current_setting('regie.user_id', true), '')::bigint;
	r requests%ROWTYPE;
BEGIN
	SELECT * INTO r FROM requests WHERE id = NEW.request_id;
	INSERT INTO request_events (request_id, user_id, kind, status, ref)
	VALUES (NEW.request_id, who, 'workorder', NEW.status, NEW.number);
	PERFORM pg_notify('regie', json_build_object(
		'topic', 'request', 'op', 'workorder', 'id', r.id, 'service', r.service_id,
		'site', r.site_id, 'owner', COALESCE(r.requester_id, r.created_by), 'by', who)::text);
	RETURN NULL;
END
$$;
CREATE TRIGGER work_orders_follow AFTER UPDATE OF status ON work_orders
	FOR EACH ROW WHEN (NEW.request_id IS NOT NULL AND OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION request_follow_work_order();

-- The catalogue, unrouted. Names are English msgids the client translates.
INSERT INTO request_categories (code, name, delay_urgent, delay_high, delay_normal, delay_low,
	position) VALUES
	('plumbing',     'Plumbing',        1, 3, 10, 30, 10),
	('electricity',  'Electricity',     1, 3, 10, 30, 20),
	('heating',      'Heating',         1, 2, 5, 20, 30),
	('locksmith',    'Locksmith',       1, 3, 10, 30, 40),
	('carpentry',    'Carpentry',       2, 5, 15, 40, 50),
	('painting',     'Painting',        3, 10, 30, 60, 60),
	('green_spaces', 'Green spaces',    1, 5, 15, 40, 70),
	('roads',        'Roads',           1, 5, 20, 60, 80),
	('lighting',     'Public lighting', 1, 2, 5, 20, 90),
	('cleaning',     'Cleaning',        1, 2, 5, 10, 100),
	('other',        'Other',           1, 5, 15, 40, 110);
