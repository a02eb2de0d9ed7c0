-- The foundation: organisation, users and their scope, sessions, login
-- throttling, the audit log and idempotent replays. regied migrate runs
-- each migration in its own transaction and records it in
-- schema_migrations.

-- Services (ateliers) execute work; sites are places with an address.
-- The estate migration extends both.
CREATE TABLE services (
	id          bigserial PRIMARY KEY,
	code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	created     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
	id          bigserial PRIMARY KEY,
	code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	address     text NOT NULL DEFAULT '',
	created     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
	id            bigserial PRIMARY KEY,
	login         text NOT NULL CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
	name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	email         text NOT NULL DEFAULT '' CHECK (email = '' OR email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	roles         text[] NOT NULL CHECK (cardinality(roles) >= 1 AND roles <@
	              ARRAY['admin','supervisor','agent','storekeeper','referent','viewer']),
	password_hash text NOT NULL,
	disabled      boolean NOT NULL DEFAULT false,
	created       timestamptz NOT NULL DEFAULT now(),
	version       integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_login_key ON users (login);
CREATE INDEX users_name_idx ON users (lower(name), id);

CREATE TABLE user_services (
	user_id     bigint NOT NULL REFERENCES users ON DELETE CASCADE,
	service_id  bigint NOT NULL REFERENCES services,
	PRIMARY KEY (user_id, service_id)
);
CREATE INDEX user_services_service_idx ON user_services (service_id);

CREATE TABLE user_sites (
	user_id     bigint NOT NULL REFERENCES users ON DELETE CASCADE,
	site_id     bigint NOT NULL REFERENCES sites,
	PRIMARY KEY (user_id, site_id)
);
CREATE INDEX user_sites_site_idx ON user_sites (site_id);

-- What the audit log and the API show of a user: never the password hash.
CREATE FUNCTION user_snapshot(uid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'id', u.id, 'login', u.login, 'name', u.name, 'email', u.email,
		'roles', to_jsonb(u.roles), 'disabled', u.disabled, 'version', u.version,
		'services', COALESCE((SELECT jsonb_agg(service_id ORDER BY service_id)
		                      FROM user_services WHERE user_id = u.id), '[]'),
		'sites', COALESCE((SELECT jsonb_agg(site_id ORDER BY site_id)
		                   FROM user_sites WHERE user_id = u.id), '[]'))
	FROM users u WHERE u.id = uid
$$;

-- Tokens are kept only as hashes: a stolen copy of the table opens nothing.
CREATE TABLE sessions (
	token_hash  bytea PRIMARY KEY,
	user_id     bigint NOT NULL REFERENCES users ON DELETE CASCADE,
	created     timestamptz NOT NULL DEFAULT now(),
	expires     timestamptz NOT NULL,
	address     text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires);

-- Failed logins, per login name and per client address, in a sliding
-- window; shared by every regied in front of the database.
CREATE TABLE login_failures (
	key         text PRIMARY KEY,      -- 'login:NAME' or 'addr:ADDRESS'
	failures    integer NOT NULL,
	window_start timestamptz NOT NULL,
	locked_until timestamptz
);

CREATE TABLE audit_log (
	id          bigserial PRIMARY KEY,
	at          timestamptz NOT NULL DEFAULT now(),
	user_id     bigint REFERENCES users,
	method      text NOT NULL,
	entity      text NOT NULL,
	entity_id   bigint,
	before      jsonb,
	after       jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, id);
CREATE INDEX audit_log_method_idx ON audit_log (method, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- One audit row and one event for one change, in the caller's
-- transaction: the event is only delivered if the change commits.
CREATE FUNCTION regie_change(p_user bigint, p_method text, p_entity text,
	p_id bigint, p_before jsonb, p_after jsonb, p_op text,
	p_service bigint DEFAULT NULL, p_site bigint DEFAULT NULL,
	p_owner bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	audit_id bigint;
BEGIN
	INSERT INTO audit_log (user_id, method, entity, entity_id, before, after)
	VALUES (p_user, p_method, p_entity, p_id, p_before, p_after)
	RETURNING id INTO audit_id;
	PERFORM pg_notify('regie', json_build_object(
		'topic', p_entity, 'op', p_op, 'id', p_id, 'service', p_service,
		'site', p_site, 'owner', p_owner, 'by', p_user)::text);
	RETURN audit_id;
END
$$;

-- A mutating call that carries a request_key stores its answer here in
-- the same transaction; a replay finds it and writes nothing.
CREATE TABLE idempotency_keys (
	user_id     bigint NOT NULL REFERENCES users ON DELETE CASCADE,
	key         text NOT NULL,
	method      text NOT NULL,
	response    bytea NOT NULL,
	created     timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created);
