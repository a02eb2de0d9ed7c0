-- The estate (patrimoine): services and sites extended, asset types with
-- the attributes they declare, assets in a hierarchy, their condition
-- history and their documents.
--
-- Coordinates are WGS84 degrees kept as numeric (exact, and strings on
-- the wire like money); nearby searches use a GiST index on a point made
-- of them, then the exact haversine distance. Search folds case and
-- accents (pg_trgm and unaccent, both in postgresql-contrib).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Text as search compares it: no case, no accents, and hyphens and
-- apostrophes as spaces, so "victor hugo" finds "rue Victor-Hugo" and
-- "ile" finds "l'Île". unaccent() is only STABLE (its dictionary could
-- change); naming the dictionary makes the result depend on the text
-- alone, which indexes and the stored search column need.
CREATE FUNCTION regie_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT translate(lower(public.unaccent('public.unaccent'::regdictionary, t)), '-''’', '   ')
$$;

-- The code an asset gets when none is given: its type's prefix and its
-- id, BAT-000123 (more digits past a million).
CREATE FUNCTION asset_code(prefix text, id bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT prefix || '-' || lpad(id::text, greatest(6, length(id::text)), '0')
$$;

-- Great-circle distance in metres (mean Earth radius).
CREATE FUNCTION regie_distance_m(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT 2 * 6371008.8 * asin(sqrt(
		power(sin(radians(lat2 - lat1) / 2), 2) +
		cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)))
$$;

-- Executing services (ateliers) do the work; requesting services
-- (schools, sports, culture) ask for it through their referents.
ALTER TABLE services
	ADD COLUMN kind text NOT NULL DEFAULT 'technical'
		CHECK (kind IN ('technical', 'requesting')),
	ADD COLUMN version integer NOT NULL DEFAULT 1;

ALTER TABLE sites
	ADD COLUMN lat numeric CHECK (lat BETWEEN -90 AND 90 AND scale(lat) <= 7),
	ADD COLUMN lon numeric CHECK (lon BETWEEN -180 AND 180 AND scale(lon) <= 7),
	ADD COLUMN parent_id bigint REFERENCES sites,
	ADD COLUMN version integer NOT NULL DEFAULT 1,
	ADD CONSTRAINT sites_coordinates_check CHECK ((lat IS NULL) = (lon IS NULL)),
	ADD CONSTRAINT sites_parent_check CHECK (parent_id <> id);
CREATE INDEX sites_name_idx ON sites (name, id);
CREATE INDEX sites_fold_idx ON sites (regie_fold(name) text_pattern_ops);
CREATE INDEX sites_parent_idx ON sites (parent_id);

-- The catalogue of asset types. parents lists the type codes an asset of
-- this type may hang under; needs_parent forbids it at the top (a room is
-- always in a floor or a building).
CREATE TABLE asset_types (
	id           bigserial PRIMARY KEY,
	code         text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
	name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	code_prefix  text NOT NULL CHECK (code_prefix ~ '^[A-Z]{2,5}$'),
	parents      text[] NOT NULL DEFAULT '{}',
	needs_parent boolean NOT NULL DEFAULT false,
	position     integer NOT NULL DEFAULT 0
);

CREATE TABLE asset_type_attributes (
	type_id    bigint NOT NULL REFERENCES asset_types ON DELETE CASCADE,
	name       text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
	label      text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
	data_type  text NOT NULL CHECK (data_type IN ('text', 'int', 'numeric', 'date', 'choice')),
	unit       text NOT NULL DEFAULT '',
	required   boolean NOT NULL DEFAULT false,
	choices    text[],
	min_value  numeric,
	max_value  numeric,
	position   integer NOT NULL DEFAULT 0,
	PRIMARY KEY (type_id, name),
	CHECK ((data_type = 'choice') = (choices IS NOT NULL)),
	CHECK (choices IS NULL OR cardinality(choices) >= 1),
	CHECK ((min_value IS NULL AND max_value IS NULL) OR data_type IN ('int', 'numeric'))
);

CREATE TABLE assets (
	id                bigserial PRIMARY KEY,
	code              text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,39}$'),
	name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	type_id           bigint NOT NULL REFERENCES asset_types,
	parent_id         bigint REFERENCES assets,
	service_id        bigint NOT NULL REFERENCES services,
	site_id           bigint REFERENCES sites,
	address           text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
	lat               numeric CHECK (lat BETWEEN -90 AND 90 AND scale(lat) <= 7),
	lon               numeric CHECK (lon BETWEEN -180 AND 180 AND scale(lon) <= 7),
	status            text NOT NULL DEFAULT 'in_service'
	                  CHECK (status IN ('in_service', 'out_of_service', 'disposed')),
	commissioned      date,
	replacement_value numeric(12,2) CHECK (replacement_value >= 0),
	condition         smallint CHECK (condition BETWEEN 1 AND 5),
	condition_on      date,
	attributes        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
	disposed_on       date,
	disposed_note     text NOT NULL DEFAULT '' CHECK (length(disposed_note) <= 2000),
	created           timestamptz NOT NULL DEFAULT now(),
	updated           timestamptz NOT NULL DEFAULT now(),
	version           integer NOT NULL DEFAULT 1,
	-- What as-you-type search looks into, folded once at write time.
	search            text GENERATED ALWAYS AS
	                  (regie_fold(code || ' ' || name || ' ' || address)) STORED,
	CONSTRAINT assets_parent_check CHECK (parent_id <> id),
	CONSTRAINT assets_coordinates_check CHECK ((lat IS NULL) = (lon IS NULL)),
	CONSTRAINT assets_disposed_check CHECK ((status = 'disposed') = (disposed_on IS NOT NULL))
);
CREATE UNIQUE INDEX assets_code_key ON assets (code);
-- Keyset orders of asset.list, alone and under its common filters.
CREATE INDEX assets_name_idx ON assets (regie_fold(name), id);
CREATE INDEX assets_condition_idx ON assets ((COALESCE(condition, 6)), id);
CREATE INDEX assets_type_idx ON assets (type_id, code);
CREATE INDEX assets_type_name_idx ON assets (type_id, regie_fold(name), id);
CREATE INDEX assets_type_condition_idx ON assets (type_id, (COALESCE(condition, 6)), id);
CREATE INDEX assets_service_idx ON assets (service_id, code);
CREATE INDEX assets_service_name_idx ON assets (service_id, regie_fold(name), id);
CREATE INDEX assets_service_condition_idx ON assets (service_id, (COALESCE(condition, 6)), id);
CREATE INDEX assets_site_idx ON assets (site_id, code);
CREATE INDEX assets_parent_idx ON assets (parent_id, code);
CREATE INDEX assets_status_idx ON assets (status, code) WHERE status <> 'in_service';
-- Search: exact and prefix on code and name, trigrams for the rest.
CREATE INDEX assets_code_prefix_idx ON assets (code text_pattern_ops);
CREATE INDEX assets_name_prefix_idx ON assets (regie_fold(name) text_pattern_ops);
CREATE INDEX assets_search_trgm_idx ON assets USING gin (search gin_trgm_ops);
-- Nearby: a bounding box on this index, then the exact distance.
CREATE INDEX assets_point_idx ON assets USING gist (point(lon::float8, lat::float8));

CREATE TABLE asset_conditions (
	id        bigserial PRIMARY KEY,
	asset_id  bigint NOT NULL REFERENCES assets ON DELETE CASCADE,
	observed  date NOT NULL DEFAULT current_date,
	score     smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
	note      text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
	user_id   bigint REFERENCES users,
	created   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX asset_conditions_asset_idx ON asset_conditions (asset_id, observed DESC, id DESC);

-- Documents by reference: a title and where the document lives (a URL, a
-- path on a file share); regie stores no files.
CREATE TABLE asset_documents (
	id        bigserial PRIMARY KEY,
	asset_id  bigint NOT NULL REFERENCES assets ON DELETE CASCADE,
	title     text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	ref       text NOT NULL CHECK (length(ref) BETWEEN 1 AND 1000),
	user_id   bigint REFERENCES users,
	created   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX asset_documents_asset_idx ON asset_documents (asset_id, id);

-- What the audit log keeps of an asset, a site, a service.
CREATE FUNCTION asset_snapshot(aid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(a) - 'search' - 'created' FROM assets a WHERE a.id = aid
$$;
CREATE FUNCTION site_snapshot(sid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(s) - 'created' FROM sites s WHERE s.id = sid
$$;
CREATE FUNCTION service_snapshot(sid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT to_jsonb(s) - 'created' FROM services s WHERE s.id = sid
$$;

-- The catalogue. Names and labels are English msgids: the client
-- translates them like any other text it shows.
INSERT INTO asset_types (code, name, code_prefix, parents, needs_parent, position) VALUES
	('building',          'Building',              'BAT',  '{}', false, 10),
	('floor',             'Floor',                 'NIV',  '{building}', true, 20),
	('room',              'Room',                  'LOC',  '{floor,building}', true, 30),
	('boiler',            'Boiler',                'CHA',  '{building,floor,room}', false, 40),
	('lift',              'Lift',                  'ASC',  '{building}', true, 50),
	('fire_extinguisher', 'Fire extinguisher',     'EXT',  '{building,floor,room}', true, 60),
	('alarm',             'Alarm system',          'ALA',  '{building,floor,room}', true, 70),
	('emergency_light',   'Emergency light',       'BAES', '{building,floor,room}', true, 80),
	('playground_unit',   'Playground unit',       'JEU',  '{building,green_space}', false, 90),
	('green_space',       'Green space',           'EV',   '{green_space}', false, 100),
	('tree',              'Tree',                  'ARB',  '{green_space}', false, 110),
	('road_segment',      'Road segment',          'VOI',  '{}', false, 120),
	('street_light',      'Street light',          'EP',   '{road_segment,green_space}', false, 130),
	('vehicle',           'Vehicle',               'VEH',  '{}', false, 140);

INSERT INTO asset_type_attributes (type_id, name, label, data_type, unit, required, choices,
	min_value, max_value, position)
SELECT t.id, v.name, v.label, v.data_type, v.unit, v.required, v.choices, v.min_value,
	v.max_value, v.position
FROM (VALUES
	('building', 'floor_area', 'Floor area', 'numeric', 'm²', true, NULL::text[], 1, 1000000, 1),
	('building', 'construction_year', 'Construction year', 'int', '', false, NULL, 1000, 2100, 2),
	('building', 'erp_category', 'Public access category', 'choice', '', false,
		'{1,2,3,4,5,none}', NULL, NULL, 3),
	('building', 'levels', 'Levels', 'int', '', false, NULL, 1, 100, 4),
	('floor', 'level', 'Level', 'int', '', true, NULL, -10, 100, 1),
	('room', 'use', 'Use', 'choice', '', true,
		'{office,classroom,hall,meeting,sanitary,kitchen,sports,technical,storage,other}',
		NULL, NULL, 1),
	('room', 'area', 'Area', 'numeric', 'm²', false, NULL, 0, 100000, 2),
	('room', 'capacity', 'Capacity', 'int', 'people', false, NULL, 0, 100000, 3),
	('boiler', 'power_kw', 'Power', 'numeric', 'kW', true, NULL, 1, 100000, 1),
	('boiler', 'energy', 'Energy', 'choice', '', true,
		'{gas,fuel_oil,wood,electricity,heat_pump,district_heating}', NULL, NULL, 2),
	('boiler', 'brand', 'Brand', 'text', '', false, NULL, NULL, NULL, 3),
	('lift', 'capacity_kg', 'Load', 'int', 'kg', true, NULL, 100, 100000, 1),
	('lift', 'stops', 'Stops', 'int', '', false, NULL, 2, 200, 2),
	('fire_extinguisher', 'agent', 'Agent', 'choice', '', true, '{water,foam,co2,powder}',
		NULL, NULL, 1),
	('fire_extinguisher', 'capacity', 'Capacity', 'numeric', 'kg', true, NULL, 1, 100, 2),
	('alarm', 'kind', 'Kind', 'choice', '', true, '{intrusion,fire,technical}', NULL, NULL, 1),
	('emergency_light', 'kind', 'Kind', 'choice', '', true, '{evacuation,ambient}',
		NULL, NULL, 1),
	('emergency_light', 'autonomy_min', 'Autonomy', 'int', 'min', false, NULL, 1, 600, 2),
	('playground_unit', 'standard', 'Standard', 'text', '', false, NULL, NULL, NULL, 1),
	('playground_unit', 'min_age', 'Minimum age', 'int', 'years', false, NULL, 0, 18, 2),
	('playground_unit', 'max_age', 'Maximum age', 'int', 'years', false, NULL, 0, 99, 3),
	('playground_unit', 'material', 'Material', 'choice', '', false,
		'{wood,metal,plastic,mixed}', NULL, NULL, 4),
	('green_space', 'kind', 'Kind', 'choice', '', true,
		'{park,garden,lawn,cemetery,sports_field,roundabout,woodland}', NULL, NULL, 1),
	('green_space', 'area', 'Area', 'numeric', 'm²', true, NULL, 1, 100000000, 2),
	('tree', 'species', 'Species', 'text', '', true, NULL, NULL, NULL, 1),
	('tree', 'height', 'Height', 'numeric', 'm', false, NULL, 0, 120, 2),
	('tree', 'planting_year', 'Planting year', 'int', '', false, NULL, 1500, 2100, 3),
	('tree', 'trunk_circumference', 'Trunk circumference', 'int', 'cm', false, NULL, 1, 3000, 4),
	('road_segment', 'length', 'Length', 'numeric', 'm', true, NULL, 1, 100000, 1),
	('road_segment', 'width', 'Width', 'numeric', 'm', false, NULL, 1, 200, 2),
	('road_segment', 'surface', 'Surface', 'choice', '', true,
		'{asphalt,concrete,pavers,gravel,stabilised}', NULL, NULL, 3),
	('road_segment', 'road_class', 'Road class', 'choice', '', false,
		'{main,secondary,residential,path}', NULL, NULL, 4),
	('street_light', 'lamp', 'Lamp', 'choice', '', true,
		'{led,high_pressure_sodium,metal_halide,fluorescent}', NULL, NULL, 1),
	('street_light', 'power_w', 'Power', 'int', 'W', false, NULL, 1, 5000, 2),
	('street_light', 'pole_height', 'Pole height', 'numeric', 'm', false, NULL, 1, 40, 3),
	('vehicle', 'plate', 'Registration plate', 'text', '', true, NULL, NULL, NULL, 1),
	('vehicle', 'fuel', 'Fuel', 'choice', '', true, '{diesel,petrol,electric,hybrid,cng,lpg}',
		NULL, NULL, 2),
	('vehicle', 'registration_date', 'Registration date', 'date', '', true, NULL, NULL, NULL, 3),
	('vehicle', 'kind', 'Kind', 'choice', '', false,
		'{car,van,truck,utility,tractor,mower,sweeper,trailer}', NULL, NULL, 4),
	('vehicle', 'model', 'Make and model', 'text', '', false, NULL, NULL, NULL, 5)
) AS v (type_code, name, label, data_type, unit, required, choices, min_value, max_value, position)
JOIN asset_types t ON t.code = v.type_code;
