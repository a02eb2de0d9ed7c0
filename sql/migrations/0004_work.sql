-- The work itself: agents with their trades, rates and absences, teams,
-- contractors, failure codes, and the work orders' life after approval:
-- assignees, planning bookings, field-report lines (labour, material,
-- external services), the timeline, and costs that are always the sum of
-- their lines.
--
-- Money is numeric(12,2) in euros. A labour line keeps the rate it was
-- valued at, taken from agent_rates for the line's day when it is
-- written, so a later rate change never rewrites old work.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Trades (métiers), a closed list the client translates.
CREATE TABLE trades (
	code      text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{0,31}$'),
	name      text NOT NULL,
	position  integer NOT NULL DEFAULT 0
);
INSERT INTO trades (code, name, position) VALUES
	('plumber',      'Plumber',          10),
	('electrician',  'Electrician',      20),
	('heating',      'Heating engineer', 30),
	('locksmith',    'Locksmith',        40),
	('carpenter',    'Carpenter',        50),
	('painter',      'Painter',          60),
	('mason',        'Mason',            70),
	('gardener',     'Gardener',         80),
	('arborist',     'Arborist',         90),
	('road_worker',  'Road worker',     100),
	('lighting',     'Lighting technician', 110),
	('mechanic',     'Mechanic',        120),
	('cleaner',      'Cleaner',         130),
	('storekeeper',  'Storekeeper',     140),
	('general',      'General maintenance', 150);

CREATE TABLE teams (
	id          bigserial PRIMARY KEY,
	code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	service_id  bigint NOT NULL REFERENCES services,
	active      boolean NOT NULL DEFAULT true,
	created     timestamptz NOT NULL DEFAULT now(),
	version     integer NOT NULL DEFAULT 1
);
CREATE INDEX teams_service_idx ON teams (service_id, id);

-- An agent is a person who does the work; user_id links the login they
-- use in the field, when they have one.
CREATE TABLE agents (
	id            bigserial PRIMARY KEY,
	code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
	name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	user_id       bigint UNIQUE REFERENCES users,
	service_id    bigint NOT NULL REFERENCES services,
	team_id       bigint REFERENCES teams,
	trade         text NOT NULL DEFAULT 'general' REFERENCES trades,
	weekly_hours  numeric(4,1) NOT NULL DEFAULT 35 CHECK (weekly_hours > 0 AND weekly_hours <= 60),
	active        boolean NOT NULL DEFAULT true,
	created       timestamptz NOT NULL DEFAULT now(),
	version       integer NOT NULL DEFAULT 1
);
CREATE INDEX agents_service_idx ON agents (service_id, lower(name), id);
CREATE INDEX agents_team_idx ON agents (team_id) WHERE team_id IS NOT NULL;
CREATE INDEX agents_name_idx ON agents (lower(name), id);

-- Hourly cost rates, each in force from its day until the next one.
CREATE TABLE agent_rates (
	agent_id   bigint NOT NULL REFERENCES agents ON DELETE CASCADE,
	effective  date NOT NULL,
	rate       numeric(8,2) NOT NULL CHECK (rate >= 0),
	created    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (agent_id, effective)
);

-- The rate in force for an agent on a day; NULL before the first rate.
CREATE FUNCTION regie_agent_rate(p_agent bigint, p_day date) RETURNS numeric
LANGUAGE sql STABLE AS $$
	SELECT rate FROM agent_rates
	WHERE agent_id = p_agent AND effective <= p_day
	ORDER BY effective DESC LIMIT 1
$$;

-- Absences in whole days; two absences of one agent never overlap.
CREATE TABLE agent_absences (
	id        bigserial PRIMARY KEY,
	agent_id  bigint NOT NULL REFERENCES agents ON DELETE CASCADE,
	starts    date NOT NULL,
	ends      date NOT NULL,
	kind      text NOT NULL DEFAULT 'leave'
	          CHECK (kind IN ('leave', 'sick', 'training', 'other')),
	note      text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
	created   timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT agent_absences_dates_check CHECK (ends >= starts),
	CONSTRAINT agent_absences_overlap EXCLUDE USING gist
		(agent_id WITH =, daterange(starts, ends, '[]') WITH &&)
);

-- Hours an agent can work on a day: a fifth of the weekly hours on a
-- working day, none on weekends, public holidays and absences.
CREATE FUNCTION regie_agent_available(p_agent bigint, p_day date) RETURNS numeric
LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN NOT regie_is_working_day(p_day) THEN 0::numeric
		WHEN EXISTS (SELECT 1 FROM agent_absences b WHERE b.agent_id = p_agent
		             AND p_day BETWEEN b.starts AND b.ends) THEN 0::numeric
		ELSE round(a.weekly_hours / 5, 2) END
	FROM agents a WHERE a.id = p_agent
$$;

CREATE TABLE contractors (
	id        bigserial PRIMARY KEY,
	name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	contact   text NOT NULL DEFAULT '' CHECK (length(contact) <= 200),
	phone     text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
	email     text NOT NULL DEFAULT '' CHECK (email = '' OR email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	trade     text REFERENCES trades,
	active    boolean NOT NULL DEFAULT true,
	created   timestamptz NOT NULL DEFAULT now(),
	version   integer NOT NULL DEFAULT 1
);
CREATE INDEX contractors_name_idx ON contractors (lower(name), id);

-- Failure codes: a problem, its causes, their remedies. asset_type_id
-- NULL means the code applies to every type.
CREATE TABLE failure_codes (
	id             bigserial PRIMARY KEY,
	kind           text NOT NULL CHECK (kind IN ('problem', 'cause', 'remedy')),
	code           text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
	name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	parent_id      bigint REFERENCES failure_codes,
	asset_type_id  bigint REFERENCES asset_types,
	active         boolean NOT NULL DEFAULT true,
	UNIQUE (kind, code),
	-- a problem stands alone; a cause hangs under a problem, a remedy
	-- under a cause (checked against the parent's kind by the handler)
	CONSTRAINT failure_codes_parent_check CHECK ((kind = 'problem') = (parent_id IS NULL))
);
CREATE INDEX failure_codes_parent_idx ON failure_codes (parent_id, code);
CREATE INDEX failure_codes_type_idx ON failure_codes (asset_type_id, kind, code);

-- Work orders, extended.
ALTER TABLE work_orders
	ADD COLUMN team_id        bigint REFERENCES teams,
	ADD COLUMN contractor_id  bigint REFERENCES contractors,
	ADD COLUMN hold_reason    text CHECK (length(hold_reason) <= 500),
	ADD COLUMN started        timestamptz,
	ADD COLUMN done_at        timestamptz,
	ADD COLUMN closed_at      timestamptz,
	ADD COLUMN closed_by      bigint REFERENCES users,
	ADD COLUMN problem_id     bigint REFERENCES failure_codes,
	ADD COLUMN cause_id       bigint REFERENCES failure_codes,
	ADD COLUMN remedy_id      bigint REFERENCES failure_codes,
	ADD COLUMN completion     text NOT NULL DEFAULT '' CHECK (length(completion) <= 4000),
	-- frozen at closing; NULL while the work order is open
	ADD COLUMN cost_labour    numeric(12,2),
	ADD COLUMN cost_material  numeric(12,2),
	ADD COLUMN cost_services  numeric(12,2),
	ADD CONSTRAINT work_orders_hold_check CHECK ((status = 'on_hold') = (hold_reason IS NOT NULL)),
	ADD CONSTRAINT work_orders_closed_check CHECK ((status = 'closed') =
		(closed_at IS NOT NULL AND cost_labour IS NOT NULL AND cost_material IS NOT NULL
		 AND cost_services IS NOT NULL));
CREATE INDEX work_orders_status_idx ON work_orders (status, id);
CREATE INDEX work_orders_site_idx ON work_orders (site_id, id);
CREATE INDEX work_orders_open_due_idx ON work_orders (service_id, target_date, id)
	WHERE status NOT IN ('done', 'closed', 'cancelled');
CREATE INDEX work_orders_contractor_idx ON work_orders (contractor_id) WHERE contractor_id IS NOT NULL;

CREATE TABLE work_order_assignees (
	work_order_id  bigint NOT NULL REFERENCES work_orders ON DELETE CASCADE,
	agent_id       bigint NOT NULL REFERENCES agents,
	assigned       timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (work_order_id, agent_id)
);
CREATE INDEX work_order_assignees_agent_idx ON work_order_assignees (agent_id, work_order_id);

-- Planning: hours of an agent booked on a work order for a day.
CREATE TABLE work_order_bookings (
	id             bigserial PRIMARY KEY,
	work_order_id  bigint NOT NULL REFERENCES work_orders ON DELETE CASCADE,
	agent_id       bigint NOT NULL REFERENCES agents,
	day            date NOT NULL,
	hours          numeric(4,2) NOT NULL CHECK (hours > 0 AND hours <= 24),
	created_by     bigint REFERENCES users,
	created        timestamptz NOT NULL DEFAULT now(),
	version        integer NOT NULL DEFAULT 1,
	UNIQUE (work_order_id, agent_id, day)
);
CREATE INDEX work_order_bookings_agent_day_idx ON work_order_bookings (agent_id, day);
CREATE INDEX work_order_bookings_day_idx ON work_order_bookings (day, agent_id);

-- Field-report lines. amount is computed by the database, never sent.
CREATE TABLE work_order_labour (
	id             bigserial PRIMARY KEY,
	work_order_id  bigint NOT NULL REFERENCES work_orders,
	agent_id       bigint NOT NULL REFERENCES agents,
	day            date NOT NULL,
	hours          numeric(5,2) NOT NULL CHECK (hours > 0 AND hours <= 24),
	rate           numeric(8,2) NOT NULL CHECK (rate >= 0),
	amount         numeric(12,2) GENERATED ALWAYS AS (round(hours * rate, 2)) STORED,
	note           text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
	created_by     bigint REFERENCES users,
	created        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_order_labour_wo_idx ON work_order_labour (work_order_id, id);
CREATE INDEX work_order_labour_agent_day_idx ON work_order_labour (agent_id, day);

CREATE TABLE work_order_material (
	id             bigserial PRIMARY KEY,
	work_order_id  bigint NOT NULL REFERENCES work_orders,
	description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
	item_id        bigint,   -- the stores catalogue's item, once that module exists
	quantity       numeric(12,3) NOT NULL CHECK (quantity > 0),
	unit           text NOT NULL DEFAULT 'u' CHECK (length(unit) BETWEEN 1 AND 20),
	unit_cost      numeric(12,2) NOT NULL CHECK (unit_cost >= 0),
	amount         numeric(12,2) GENERATED ALWAYS AS (round(quantity * unit_cost, 2)) STORED,
	created_by     bigint REFERENCES users,
	created        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_order_material_wo_idx ON work_order_material (work_order_id, id);

CREATE TABLE work_order_services (
	id             bigserial PRIMARY KEY,
	work_order_id  bigint NOT NULL REFERENCES work_orders,
	contractor_id  bigint NOT NULL REFERENCES contractors,
	description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
	amount         numeric(12,2) NOT NULL CHECK (amount >= 0),
	created_by     bigint REFERENCES users,
	created        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_order_services_wo_idx ON work_order_services (work_order_id, id);

-- A closed or cancelled work order takes no new line and loses none: the
-- handlers say so first, this is the invariant behind them.
CREATE FUNCTION work_order_lines_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	wid bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.work_order_id ELSE NEW.work_order_id END;
	st text;
BEGIN
	SELECT status INTO st FROM work_orders WHERE id = wid;
	IF st IN ('closed', 'cancelled') THEN
		RAISE EXCEPTION 'work order % is %', wid, st
			USING ERRCODE = 'check_violation', CONSTRAINT = 'work_orders_frozen';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER work_order_labour_guard BEFORE INSERT OR UPDATE OR DELETE ON work_order_labour
	FOR EACH ROW EXECUTE FUNCTION work_order_lines_guard();
CREATE TRIGGER work_order_material_guard BEFORE INSERT OR UPDATE OR DELETE ON work_order_material
	FOR EACH ROW EXECUTE FUNCTION work_order_lines_guard();
CREATE TRIGGER work_order_services_guard BEFORE INSERT OR UPDATE OR DELETE ON work_order_services
	FOR EACH ROW EXECUTE FUNCTION work_order_lines_guard();

-- The real cost of a work order, always the sum of its lines.
CREATE VIEW work_order_costs AS
	SELECT w.id AS work_order_id,
	       COALESCE((SELECT sum(amount) FROM work_order_labour l WHERE l.work_order_id = w.id), 0)::numeric(12,2) AS labour,
	       COALESCE((SELECT sum(amount) FROM work_order_material m WHERE m.work_order_id = w.id), 0)::numeric(12,2) AS material,
	       COALESCE((SELECT sum(amount) FROM work_order_services s WHERE s.work_order_id = w.id), 0)::numeric(12,2) AS services
	FROM work_orders w;

-- The timeline of a work order: status changes, assignments, reports and
-- comments, with who and when.
CREATE TABLE work_order_events (
	id             bigserial PRIMARY KEY,
	work_order_id  bigint NOT NULL REFERENCES work_orders ON DELETE CASCADE,
	at             timestamptz NOT NULL DEFAULT now(),
	user_id        bigint REFERENCES users,
	kind           text NOT NULL CHECK (kind IN ('status', 'assign', 'report', 'comment', 'plan')),
	status         text,
	note           text NOT NULL DEFAULT '' CHECK (length(note) <= 4000)
);
CREATE INDEX work_order_events_wo_idx ON work_order_events (work_order_id, id);

CREATE FUNCTION agent_snapshot(aid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(a) - 'created' || jsonb_build_object('rates',
		(SELECT COALESCE(jsonb_agg(jsonb_build_object('effective', r.effective, 'rate', r.rate)
		 ORDER BY r.effective), '[]') FROM agent_rates r WHERE r.agent_id = a.id))
	FROM agents a WHERE a.id = aid
$$;
CREATE FUNCTION team_snapshot(tid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(t) - 'created' FROM teams t WHERE t.id = tid
$$;
CREATE FUNCTION contractor_snapshot(cid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(c) - 'created' FROM contractors c WHERE c.id = cid
$$;

-- The work order's snapshot for the audit log now carries its assignees
-- and its cost, so a report line shows in before/after.
CREATE OR REPLACE FUNCTION work_order_snapshot(wid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(w) - 'created' || jsonb_build_object(
		'assignees', (SELECT COALESCE(jsonb_agg(x.agent_id ORDER BY x.agent_id), '[]')
		              FROM work_order_assignees x WHERE x.work_order_id = w.id),
		'cost', (SELECT jsonb_build_object('labour', c.labour, 'material', c.material,
		         'services', c.services) FROM work_order_costs c WHERE c.work_order_id = w.id))
	FROM work_orders w WHERE w.id = wid
$$;

-- A few generic failure codes; cities add their own per asset type.
INSERT INTO failure_codes (kind, code, name) VALUES
	('problem', 'LEAK', 'Leak'),
	('problem', 'NOPOWER', 'No power'),
	('problem', 'BROKEN', 'Broken or damaged'),
	('problem', 'NOHEAT', 'No heating'),
	('problem', 'BLOCKED', 'Blocked or jammed');
INSERT INTO failure_codes (kind, code, name, parent_id)
	SELECT 'cause', v.code, v.name, p.id FROM (VALUES
		('LEAK', 'WORN-SEAL', 'Worn seal'),
		('LEAK', 'PIPE-CRACK', 'Cracked pipe'),
		('NOPOWER', 'BREAKER', 'Tripped breaker'),
		('NOPOWER', 'CABLE', 'Damaged cable'),
		('BROKEN', 'VANDALISM', 'Vandalism'),
		('BROKEN', 'WEAR', 'Wear and tear'),
		('NOHEAT', 'BOILER-FAULT', 'Boiler fault'),
		('BLOCKED', 'DEBRIS', 'Debris')) AS v(problem, code, name)
	JOIN failure_codes p ON p.kind = 'problem' AND p.code = v.problem;
INSERT INTO failure_codes (kind, code, name, parent_id)
	SELECT 'remedy', v.code, v.name, p.id FROM (VALUES
		('WORN-SEAL', 'REPLACE-SEAL', 'Replaced the seal'),
		('PIPE-CRACK', 'REPLACE-PIPE', 'Replaced the pipe section'),
		('BREAKER', 'RESET', 'Reset and tested'),
		('CABLE', 'REWIRE', 'Rewired'),
		('VANDALISM', 'REPAIR', 'Repaired'),
		('WEAR', 'REPLACE-PART', 'Replaced the part'),
		('BOILER-FAULT', 'SERVICE-BOILER', 'Serviced the boiler'),
		('DEBRIS', 'CLEAR', 'Cleared')) AS v(cause, code, name)
	JOIN failure_codes p ON p.kind = 'cause' AND p.code = v.cause;
